/**
 * Runs a tool for a REST caller exactly as the MCP adapter does: the same definition from ALL_TOOLS, the
 * same configuration filter (read-only, non-destructive), the same ServiceContext, so guardrails and
 * audit apply unchanged. Input goes through the tool's zod schema; a ZodError means 400.
 */
import { ALL_TOOLS } from '../../tools/index.js';
import type { ServerDeps } from '../catalog/deps.js';
import type { AnyTool } from '../catalog/define-tool.js';
import { filterTools } from '../catalog/filter-tools.js';
import type { ServiceContext } from '../services/context.js';
import { coerceArgs } from './coerce.js';
import { RestError } from './errors.js';

export interface ToolInvoker {
  /** the tool if this server exposes it */
  tool(name: string): AnyTool | undefined;
  /** throws RestError 403/501 when the tool is filtered out or does not exist, ZodError on bad input */
  invoke(name: string, rawArgs: Record<string, unknown>, opts?: { caller?: string; signal?: AbortSignal }): Promise<Record<string, unknown>>;
}

export function createToolInvoker(deps: ServerDeps, defaultCaller = 'rest'): ToolInvoker {
  const all = deps.tools ?? ALL_TOOLS;
  const exposed = new Map(filterTools(all, deps.config).map((t) => [t.name, t]));
  const known = new Set(all.map((t) => t.name));
  const never = new AbortController().signal;

  return {
    tool: (name) => exposed.get(name),
    async invoke(name, rawArgs, opts = {}) {
      const tool = exposed.get(name);
      if (!tool) {
        if (known.has(name)) {
          const mode = deps.config.safety.readOnly ? 'read-only mode' : 'non-destructive mode';
          throw new RestError(403, 'refused', `${name} is disabled by the configuration (${mode}); nothing was changed`);
        }
        throw new RestError(501, 'not_implemented', `tool ${name} is not part of this server build`);
      }
      const args = tool.input.parse(coerceArgs(tool.input, rawArgs)) as Record<string, unknown>;
      const ctx = contextOf(deps, opts.caller ?? deps.caller ?? defaultCaller);
      const out = await tool.handler(args, { ctx, progress: () => {}, signal: opts.signal ?? never });
      return out as Record<string, unknown>;
    },
  };
}

/**
 * Read at call time, not at creation: `serve --agent` and `demo` attach the agent (deps.agent) after
 * the web face is built.
 */
function contextOf(deps: ServerDeps, caller: string): ServiceContext {
  const { tools: _t, resources: _r, prompts: _p, caller: _c, random, ...base } = deps;
  return { ...base, random: random ?? Math.random, caller };
}
