/**
 * The REST API under /api/v1 as a hono app: the tool routes from routes.ts, plus the views that combine
 * tools (service info, dashboard stats, the SSE stream) and the OpenAPI document. Authentication, Host
 * and Origin checks and the body limit are the mounting app's middleware (src/mcp/streamable-http.ts),
 * run first.
 */
import { type Context, Hono } from 'hono';
import { namespaceFilterArg } from '../../tools/schemas.js';
import type { ServerDeps } from '../catalog/deps.js';
import { SERVER_NAME, SERVER_VERSION } from '../catalog/info.js';
import { scopeAllows } from '../auth/scopes.js';
import { readJsonObject } from '../http/body.js';
import { identityOf, scopeRefusal } from '../http/guard.js';
import { errorHandler, methodNotAllowed } from '../http/errors.js';
import { resolveToken } from '../http/security.js';
import { collectDashboardStats } from './dashboard-stats.js';
import { RestError, toHttpFailure } from './errors.js';
import { DashboardFeed, type FeedEvent } from './feed.js';
import { createToolInvoker, type ToolInvoker } from './invoker.js';
import { buildOpenApi } from './openapi.js';
import { acceptedNames, TOOL_ROUTES, type ToolRoute } from './routes.js';

export const API_BASE = '/api/v1';

export interface RestApiOptions {
  deps: ServerDeps;
  routes?: readonly ToolRoute[];
  /** how often the dashboard feed collects stats and samples the series (default 5000) */
  feedIntervalMs?: number;
}

export interface RestApi {
  /** the routes, relative to API_BASE (mount with `app.route(API_BASE, api.routes)`) */
  routes: Hono;
  invoker: ToolInvoker;
  feed: DashboardFeed;
  openapi(): Record<string, unknown>;
  /** starts sampling for the dashboard's charts (also started by the first dashboard request) */
  start(): void;
  close(): void;
}

export function createRestApi(opts: RestApiOptions): RestApi {
  const { deps } = opts;
  const toolRoutes = opts.routes ?? TOOL_ROUTES;
  const invoker = createToolInvoker(deps);
  const secured = deps.config.auth.mode === 'oidc' || resolveToken(deps.config.http) !== undefined;
  const feed = new DashboardFeed({
    invoker,
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    chaosEnabled: deps.config.chaos.enabled,
    intervalMs: opts.feedIntervalMs,
  });
  // The dashboard's cluster picker: one feed per picked cluster, started by its first stream and stopped with its
  // last one, so clusters nobody watches are not collected every few seconds. Only known clusters get one.
  const clusterFeeds = new Map<string, DashboardFeed>();
  const knownCluster = (name: string | undefined): string | undefined => {
    if (name === undefined || name === '') return undefined;
    const names = deps.clusters?.names() ?? [];
    if (!names.includes(name))
      throw new RestError(
        400,
        'invalid',
        `unknown cluster "${name.slice(0, 100)}"; known clusters: ${names.join(', ') || '(only the default)'}; GET ${API_BASE}/clusters lists them`,
      );
    return name;
  };
  const feedOf = (cluster: string | undefined): DashboardFeed => {
    if (cluster === undefined) return feed;
    let f = clusterFeeds.get(cluster);
    if (!f) {
      f = new DashboardFeed({
        invoker,
        store: deps.store,
        clock: deps.clock,
        logger: deps.logger,
        chaosEnabled: deps.config.chaos.enabled,
        intervalMs: opts.feedIntervalMs,
        cluster,
      });
      clusterFeeds.set(cluster, f);
    }
    return f;
  };
  const releaseFeed = (cluster: string | undefined) => {
    const f = cluster === undefined ? undefined : clusterFeeds.get(cluster);
    if (f && f.subscribers === 0) {
      f.stop();
      clusterFeeds.delete(cluster!);
    }
  };
  let openapiDoc: Record<string, unknown> | undefined;
  const openapi = () => (openapiDoc ??= buildOpenApi({ routes: toolRoutes, toolByName: invoker.tool, secured, basePath: API_BASE }));

  const api = new Hono({ strict: false });
  api.onError(errorHandler(deps.logger, toHttpFailure));

  const view = (path: string, params: readonly string[], handler: (c: Context) => Response | Promise<Response>) => {
    api.get(path, (c) => {
      refuseUnknown('query parameter', Object.keys(queryOf(c)), params, `GET ${API_BASE}${path}`);
      return handler(c);
    });
    api.all(path, (c) => {
      throw methodNotAllowed(c.req.method, ['GET']);
    });
  };
  view('/', [], (c) => json(c, info(toolRoutes, invoker)));
  view('/openapi.json', [], (c) => json(c, openapi()));
  view('/dashboard/stats', ['namespace', 'cluster'], async (c) => {
    const ns = c.req.query('namespace');
    const cluster = knownCluster(c.req.query('cluster'));
    if (cluster === undefined) feed.start();
    if (ns === undefined && cluster === undefined) return json(c, await feed.refresh());
    if (ns !== undefined) namespaceFilterArg.parse(ns);
    const stats = await collectDashboardStats(invoker, { namespace: ns, cluster, now: deps.clock.now(), chaosEnabled: deps.config.chaos.enabled });
    const series = cluster === undefined ? feed.series : clusterFeeds.get(cluster)?.series;
    return json(c, series ? { ...stats, series: series.snapshot(ns) } : stats);
  });
  view('/events/stream', ['cluster'], (c) => {
    const cluster = knownCluster(c.req.query('cluster'));
    return stream(c, feedOf(cluster), () => releaseFeed(cluster));
  });

  const methodsByPath = new Map<string, string[]>();
  for (const route of toolRoutes) {
    const path = route.path.replace(/\{(\w+)\}/g, ':$1');
    methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), route.method]);
    api.on(route.method, path, async (c) => {
      const endpoint = `${route.method} ${API_BASE}${route.path}`;
      const tool = invoker.tool(route.tool);
      const query = queryOf(c);
      const body = route.method === 'POST' ? await readJsonObject(c) : {};
      // A tool this server does not expose has no schema to check against; invoke refuses it (403/501).
      if (tool) {
        const accepted = acceptedNames(route, Object.keys(tool.input.shape));
        refuseUnknown('query parameter', Object.keys(query), accepted, endpoint);
        refuseUnknown('body key', Object.keys(body), accepted, endpoint);
      }
      const args = toolArgs(route, query, body, c.req.param() as Record<string, string>);
      // A person (auth.mode oidc) calls within their scopes, audited and (auth.impersonate) acting as themselves.
      const who = identityOf(c);
      if (who && tool && !scopeAllows(who.principal.scopes, tool)) return scopeRefusal(c, who.refuseScope(tool));
      const out = await invoker.invoke(route.tool, args, { signal: c.req.raw.signal, ...(who ? who.acting() : {}) });
      return json(c, route.present ? route.present(out) : out);
    });
  }
  for (const [path, methods] of methodsByPath) {
    api.all(path, (c) => {
      throw methodNotAllowed(c.req.method, methods);
    });
  }
  api.all('*', (c) => {
    throw new RestError(404, 'not_found', `no endpoint ${c.req.method} ${c.req.path}; GET ${API_BASE}/ lists them`);
  });

  return {
    routes: api,
    invoker,
    feed,
    openapi,
    start: () => feed.start(),
    close: () => {
      feed.stop();
      for (const f of clusterFeeds.values()) f.stop();
      clusterFeeds.clear();
    },
  };
}

/** query < body < path parameters, then the seed's names renamed (an explicit tool name wins), then fixed. */
export function toolArgs(
  route: ToolRoute,
  query: Record<string, string>,
  body: Record<string, unknown>,
  params: Record<string, string>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...query, ...body, ...params };
  for (const [from, to] of Object.entries(route.aliases ?? {})) {
    if (!(from in merged)) continue;
    if (!(to in merged)) merged[to] = merged[from];
    delete merged[from];
  }
  return { ...merged, ...route.fixed };
}

/** Unknown names are refused, not dropped (issue: `?dryrun=true` scaled for real when it was ignored). */
function refuseUnknown(where: 'query parameter' | 'body key', given: readonly string[], accepted: readonly string[], endpoint: string): void {
  const unknown = given.filter((k) => !accepted.includes(k));
  if (unknown.length === 0) return;
  const names = unknown.map((k) => `"${k}"`).join(', ');
  throw new RestError(
    400,
    'invalid',
    `unknown ${where}${unknown.length > 1 ? 's' : ''} ${names} for ${endpoint}; accepted: ${accepted.join(', ') || '(none)'}; nothing was changed`,
    undefined,
    { issues: unknown.map((k) => ({ path: k, message: `unknown ${where}` })), accepted },
  );
}

/** The query string as name → value (the last value of a repeated name wins). */
function queryOf(c: Context): Record<string, string> {
  return Object.fromEntries(new URL(c.req.url).searchParams);
}

function json(c: Context, body: unknown): Response {
  return c.json(body, 200, { 'Cache-Control': 'no-store' });
}

function info(routes: readonly ToolRoute[], invoker: ToolInvoker) {
  return {
    name: SERVER_NAME,
    version: SERVER_VERSION,
    description: 'Autonomous SRE for Kubernetes: the REST face of the MCP tools',
    dashboard: '/',
    docs: '/docs',
    openapi: `${API_BASE}/openapi.json`,
    mcp: '/mcp',
    endpoints: [
      ...['GET /', 'GET /dashboard/stats', 'GET /events/stream', 'GET /openapi.json'].map((e) => ({
        endpoint: e.replace(' /', ` ${API_BASE}/`),
        tool: null,
        available: true,
      })),
      ...routes.map((r) => ({ endpoint: `${r.method} ${API_BASE}${r.path}`, tool: r.tool, available: invoker.tool(r.tool) !== undefined, summary: r.summary })),
    ],
  };
}

/** Server-sent events: the latest stats at once, then every feed event until the client goes away. */
function stream(c: Context, feed: DashboardFeed, onClose: () => void = () => {}): Response {
  feed.start();
  const encoder = new TextEncoder();
  let unsubscribe = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const stop = () => {
        if (!open) return;
        open = false;
        unsubscribe();
        onClose();
        try {
          controller.close();
        } catch {
          // already closed by the reader's cancel
        }
      };
      const send = (e: FeedEvent) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`));
        } catch {
          stop();
        }
      };
      controller.enqueue(encoder.encode('retry: 3000\n\n'));
      unsubscribe = feed.subscribe(send);
      c.req.raw.signal.addEventListener('abort', stop, { once: true });
      feed.latest().then(
        (data) => send({ type: 'stats', data }),
        () => {},
      );
    },
    cancel() {
      unsubscribe();
      onClose();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' },
  });
}
