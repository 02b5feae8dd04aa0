/**
 * The MCP adapter: turns tool, resource and prompt definitions into an McpServer over the service layer.
 * `createServer` builds one server per client session (HTTP makes one per session id); `cleanup`
 * detaches it from the store's events and closes it. Given DeferredDeps (stdio start-up), it answers
 * initialize and tools/list from the catalog and the configuration alone, and every call waits for the
 * runtime (Kubernetes client, store) that is still loading.
 */
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  ErrorCode,
  McpError,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ALL_PROMPTS } from '../../prompts/index.js';
import { ALL_RESOURCES } from '../../resources/index.js';
import { ALL_TOOLS } from '../../tools/index.js';
import type { ProgressFn, ServiceContext } from '../services/context.js';
import { isServiceError } from '../base/errors.js';
import type { IncidentEvent } from '../store/index.js';
import type { AnyTool, ToolCall } from '../catalog/define-tool.js';
import { planText } from '../approvals/confirmation.js';
import type { PromptDefinition, ResourceDefinition } from '../catalog/define-resource.js';
import { filterTools } from '../catalog/filter-tools.js';
import { refuseDisabledTool, runTool, unexpectedFailureMessage } from '../catalog/run-tool.js';
import { clip } from '../base/redact.js';
import { SERVER_NAME, SERVER_VERSION } from '../catalog/info.js';
import type { ServerDeps } from '../catalog/deps.js';
import { toolText } from '../catalog/render-text.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../base/log.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface CreatedServer {
  server: McpServer;
  /** the tools this server registered (after filtering) */
  tools: readonly AnyTool[];
  cleanup: () => Promise<void>;
}

/** What a server can be created from before the runtime exists: the catalog and the configuration. */
export interface DeferredDeps {
  config: Config;
  /** default ALL_TOOLS, filtered by the config (listing); the calls run the runtime's instances of the same tools */
  tools?: readonly AnyTool[];
  resources?: readonly ResourceDefinition[];
  // any: heterogeneous argument shapes
  prompts?: readonly PromptDefinition<any>[];
  caller?: string;
  logger?: Logger;
  /** the runtime, loaded on the first call that needs it (memoized by the caller); a rejection fails the calls */
  load: () => Promise<ServerDeps>;
}

type Context = () => Promise<ServiceContext>;

/** The fixed caller the composition root gives the in-process agent's server (src/app/agent-link.ts); a client cannot choose it. */
const IN_PROCESS_AGENT = 'agent';

export function createServer(deps: ServerDeps | DeferredDeps): CreatedServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      capabilities: { resources: { subscribe: true, listChanged: true }, logging: {} },
      instructions:
        'SentinelOps is an SRE for Kubernetes. Observe with cluster_health, list_pods, list_deployments, list_events, get_pod_logs and get_metrics; act with scale_deployment, restart_deployment, delete_pod and rollback_deployment (guardrails, cooldowns and an audit log apply; dryRun=true shows a plan); record what happened with log_incident.',
    },
  );
  const { tools: toolList, resources = ALL_RESOURCES, prompts = ALL_PROMPTS } = deps;
  const ready: () => Promise<ServerDeps> = 'load' in deps ? deps.load : () => Promise.resolve(deps);
  const context: Context = async () => {
    const { tools: _tools, resources: _resources, prompts: _prompts, caller, random, ...base } = await ready();
    return { ...base, random: random ?? Math.random, caller: deps.caller ?? caller ?? server.server.getClientVersion()?.name ?? 'mcp-client' };
  };
  // The runtime's instance of a tool (timed by instrumentTools) runs the call; the catalog's one is listed.
  const implementation = async (tool: AnyTool) => (await ready()).tools?.find((t) => t.name === tool.name) ?? tool;

  const catalog = toolList ?? ALL_TOOLS;
  const tools = filterTools(catalog, deps.config);
  const inProcessAgent = deps.caller === IN_PROCESS_AGENT;
  const calls: ToolCaller = (tool, raw, extra) => callTool(server, tool, raw, context, implementation, deps.config, inProcessAgent, extra);
  for (const tool of tools) registerTool(server, tool, calls);
  takeOverToolCalls(server, tools, catalog, context, calls, deps.config);
  for (const r of resources) registerResource(server, r, context);
  for (const p of prompts) registerPrompt(server, p, context);
  const detach = enableSubscriptions(server, ready, resources);

  return {
    server,
    tools,
    cleanup: async () => {
      detach();
      await server.close();
    },
  };
}

type ToolCaller = (tool: AnyTool, raw: unknown, extra: Extra) => Promise<CallToolResult>;

/** longest error text a tool answers with */
const MAX_ERROR_CHARS = 2000;

function errorResult(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

function registerTool(server: McpServer, tool: AnyTool, calls: ToolCaller): void {
  // The SDK lists the tool (its JSON schema comes from tool.input); tools/call is answered by callTool.
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output,
      annotations: { title: tool.title, ...tool.annotations },
    },
    (args: Record<string, unknown>, extra: Extra) => calls(tool, args, extra),
  );
}

/** Runs one tool call through runTool (as REST does) and turns every failure into an isError result. */
async function callTool(
  server: McpServer,
  listed: AnyTool,
  raw: unknown,
  context: Context,
  implementation: (tool: AnyTool) => Promise<AnyTool>,
  config: Config,
  inProcessAgent: boolean,
  extra: Extra,
): Promise<CallToolResult> {
  let ctx: ServiceContext;
  let tool: AnyTool;
  try {
    [ctx, tool] = await Promise.all([context(), implementation(listed)]);
  } catch (err) {
    return errorResult(clip(`${listed.name} cannot run: the server failed to start (${err instanceof Error ? err.message : String(err)})`, MAX_ERROR_CHARS));
  }
  const canElicit = Boolean(server.server.getClientCapabilities()?.elicitation);
  const call: ToolCall = { ctx, progress: progressSender(extra), signal: extra.signal, canElicit, inProcessAgent };
  const confirm =
    tool.annotations.destructiveHint && config.safety.confirmDestructive
      ? (args: Record<string, unknown>) => (args.dryRun === true ? Promise.resolve(undefined) : confirmWithUser(server, tool, args, call))
      : undefined;
  try {
    const output = await runTool(tool, raw, call, { confirm });
    return { content: [{ type: 'text', text: toolText(tool, output, raw, ctx.clock.now()) }], structuredContent: output };
  } catch (err) {
    // A service message may quote what it was given (a PromQL error quotes the query): keep answers short.
    return errorResult(clip(isServiceError(err) ? err.message : unexpectedFailureMessage(ctx, tool.name, err), MAX_ERROR_CHARS));
  }
}

/**
 * Takes tools/call over from the SDK. The SDK's own handler validates with the raw zod report (echoing
 * the input), drops unknown keys, audits nothing, and answers a non-object `arguments` with a protocol
 * error before any tool code runs. Ours gives every bad call one readable isError answer through
 * runTool, and audits calls to a tool the configuration disabled.
 */
function takeOverToolCalls(
  server: McpServer,
  tools: readonly AnyTool[],
  catalog: readonly AnyTool[],
  context: Context,
  calls: ToolCaller,
  config: Config,
): void {
  const exposed = new Map(tools.map((t) => [t.name, t]));
  const known = new Map(catalog.map((t) => [t.name, t]));
  const sdkFallback = server.server.fallbackRequestHandler;
  server.server.removeRequestHandler('tools/call');
  // A fallback handler sees the request before any schema: the only way to answer a malformed one ourselves.
  server.server.fallbackRequestHandler = async (request, extra) => {
    if (request.method !== 'tools/call') {
      if (sdkFallback) return sdkFallback(request, extra);
      throw new McpError(ErrorCode.MethodNotFound, 'Method not found');
    }
    const params = (request.params ?? {}) as { name?: unknown; arguments?: unknown };
    const name = typeof params.name === 'string' ? params.name : undefined;
    const tool = name === undefined ? undefined : exposed.get(name);
    if (tool) return calls(tool, params.arguments, extra as Extra);
    const hidden = name === undefined ? undefined : known.get(name);
    if (hidden) {
      // Shown by the profiles but not in an enabled toolset: say which toolset would list it.
      const toolset = filterTools([hidden], { safety: config.safety }).length ? hidden.toolset : undefined;
      try {
        return errorResult(refuseDisabledTool(await context(), hidden.name, params.arguments, config, toolset).message);
      } catch (err) {
        return errorResult(clip(`${hidden.name} cannot run: the server failed to start (${String(err)})`, MAX_ERROR_CHARS));
      }
    }
    const shown = name === undefined ? 'tools/call needs a tool name (a string)' : `tool "${clip(name, 60)}" not found`;
    return errorResult(`${shown}; tools/list shows the tools this server offers`);
  };
}

/** Forwards progress only when the client sent a progressToken; otherwise a no-op. */
function progressSender(extra: Extra): ProgressFn {
  const token = extra._meta?.progressToken;
  if (token === undefined) return () => {};
  return async (progress, total, message) => {
    await extra
      .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, ...(total !== undefined ? { total } : {}), message } })
      .catch(() => {});
  };
}

/**
 * Asks the user through MCP elicitation when the client supports it. Returns a refusal message when
 * the user declined; undefined to go ahead (also when the client cannot ask: the guardrails still hold).
 */
async function confirmWithUser(server: McpServer, tool: AnyTool, args: Record<string, unknown>, call: ToolCall): Promise<string | undefined> {
  if (!server.server.getClientCapabilities()?.elicitation) return undefined;
  const result = await server.server.elicitInput({
    message: `Confirm ${tool.title}:\n${await planText(tool, args, call)}`,
    requestedSchema: {
      type: 'object',
      properties: { confirm: { type: 'boolean', title: 'Proceed', description: `Run ${tool.name} with these arguments` } },
      required: ['confirm'],
    },
  });
  if (result.action === 'accept' && result.content?.confirm === true) return undefined;
  return `${tool.name} was not confirmed by the user (${result.action}); nothing was changed`;
}

function registerResource(server: McpServer, def: ResourceDefinition, context: Context): void {
  const meta = { title: def.title, description: def.description, mimeType: 'application/json' };
  const body = async (uri: URL, vars: Record<string, string>) => {
    const ctx = await context();
    try {
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await def.read(ctx, vars), null, 2) }] };
    } catch (err) {
      // Resource reads have no isError: an unknown id is a protocol-level "not found".
      throw new Error(isServiceError(err) ? err.message : String(err));
    }
  };
  if (!def.uri.includes('{')) {
    server.registerResource(def.name, def.uri, meta, (uri) => body(uri, {}));
    return;
  }
  const complete: Record<string, (value: string) => Promise<string[]>> = {};
  for (const [name, fn] of Object.entries(def.complete ?? {})) complete[name] = async (value) => fn(await context(), value);
  const template = new ResourceTemplate(def.uri, {
    list: def.list ? async () => ({ resources: (await def.list!(await context())).map((r) => ({ ...r, mimeType: 'application/json' })) }) : undefined,
    complete,
  });
  server.registerResource(def.name, template, meta, (uri, vars) =>
    body(uri, Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]))),
  );
}

// any: heterogeneous argument shapes
function registerPrompt(server: McpServer, def: PromptDefinition<any>, context: Context): void {
  const argsSchema: Record<string, z.ZodTypeAny> = {};
  for (const [name, schema] of Object.entries(def.args as Record<string, z.ZodTypeAny>)) {
    const fn = def.complete?.[name];
    // completable() marks the schema object itself; mark a copy so every session's server can do it again.
    const copy = new (schema.constructor as new (def: unknown) => z.ZodString)(schema._def);
    argsSchema[name] = fn ? completable(copy, async (value) => fn(await context(), value ?? '')) : schema;
  }
  server.registerPrompt(def.name, { title: def.title, description: def.description, argsSchema }, async (args: Record<string, unknown>) => {
    const parsed = z.object(def.args).parse(args);
    const ctx = await context();
    let text: string;
    try {
      text = await def.build(parsed, ctx);
    } catch (err) {
      throw new Error(isServiceError(err) ? err.message : String(err));
    }
    return { messages: [{ role: 'user', content: { type: 'text', text } }] };
  });
}

/**
 * The SDK declares nothing for resources/subscribe: we track this session's subscriptions and send
 * notifications/resources/updated when an incident opens, changes or resolves.
 */
function enableSubscriptions(server: McpServer, ready: () => Promise<ServerDeps>, resources: readonly ResourceDefinition[]): () => void {
  const subscribed = new Set<string>();
  server.server.setRequestHandler(SubscribeRequestSchema, async (req) => {
    subscribed.add(req.params.uri);
    await attach();
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, (req) => {
    subscribed.delete(req.params.uri);
    return {};
  });
  const affected = (e: IncidentEvent): string[] => resources.map((r) => r.uri.replace('{id}', e.incident.id)).filter((uri) => !uri.includes('{'));
  const onIncident = (e: IncidentEvent) => {
    if (!server.isConnected()) return;
    for (const uri of affected(e)) {
      if (subscribed.has(uri)) void server.server.sendResourceUpdated({ uri }).catch(() => {});
    }
  };
  // Attached at the first subscription: only a subscriber needs the events (and the runtime they come from).
  let attached: Promise<void> | undefined;
  let detached = false;
  let detach = () => {};
  const attach = () =>
    (attached ??= ready().then((deps) => {
      if (detached) return;
      deps.store.state.incidents.events.on('incident', onIncident);
      detach = () => deps.store.state.incidents.events.off('incident', onIncident);
    }));
  return () => {
    detached = true;
    detach();
  };
}
