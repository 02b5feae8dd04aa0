/**
 * Runs a tool for a REST caller exactly as the MCP adapter does: the same definition from ALL_TOOLS, the
 * same configuration filter (read-only, non-destructive), the same ServiceContext, so guardrails and
 * audit apply unchanged. Input goes through runTool, the path MCP calls take too: an unknown key or a
 * bad value is a ServiceError 'invalid' (400) and leaves an audit row.
 */
import { ZodError } from 'zod';
import { ALL_TOOLS } from '../../tools/index.js';
import type { ServerDeps } from '../catalog/deps.js';
import type { AnyTool } from '../catalog/define-tool.js';
import { filterTools } from '../catalog/filter-tools.js';
import { InvalidArgumentsError, refuseDisabledTool, runTool } from '../catalog/run-tool.js';
import type { ServiceContext } from '../services/context.js';
import { coerceArgs } from './coerce.js';
import { RestError } from './errors.js';

export interface ToolInvoker {
  /** the tool if this server exposes it */
  tool(name: string): AnyTool | undefined;
  /** throws ServiceError (refused 403 when the configuration disables the tool, invalid 400 on bad input), RestError 501 for an unknown tool */
  invoke(
    name: string,
    rawArgs: Record<string, unknown>,
    opts?: { caller?: string; cluster?: ServiceContext['cluster']; signal?: AbortSignal },
  ): Promise<Record<string, unknown>>;
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
      const ctx = contextOf(deps, opts.caller ?? deps.caller ?? defaultCaller, opts.cluster);
      if (!tool) {
        if (known.has(name)) throw refuseDisabledTool(ctx, name, rawArgs, deps.config);
        throw new RestError(501, 'not_implemented', `tool ${name} is not part of this server build`);
      }
      try {
        return await runTool(tool, coerceArgs(tool.input, rawArgs), { ctx, progress: () => {}, signal: opts.signal ?? never });
      } catch (err) {
        // REST answers bad input field by field from a ZodError (400 with `issues`); runTool has already
        // audited the refusal and bounded its messages.
        if (err instanceof InvalidArgumentsError) throw new ZodError(err.issues.map((i) => ({ code: 'custom', path: i.path, message: i.message })));
        throw err;
      }
    },
  };
}

/**
 * Read at call time, not at creation: `serve --agent` and `demo` attach the agent (deps.agent) after
 * the web face is built.
 */
function contextOf(deps: ServerDeps, caller: string, cluster: ServiceContext['cluster'] = deps.cluster): ServiceContext {
  const { tools: _t, resources: _r, prompts: _p, caller: _c, random, ...base } = deps;
  return { ...base, cluster, random: random ?? Math.random, caller };
}
