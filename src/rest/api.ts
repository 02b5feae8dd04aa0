/**
 * The REST API under /api/v1 as one node:http handler: the tool routes from routes.ts, plus the views
 * that combine tools (service info, dashboard stats, the SSE stream) and the OpenAPI document.
 * Authentication, Host and Origin checks are the mounting server's job (src/server/http.ts), done first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { namespaceFilterArg } from '../../tools/schemas.js';
import type { ServerDeps } from '../catalog/deps.js';
import { resolveToken } from '../http/security.js';
import { SERVER_NAME, SERVER_VERSION } from '../catalog/info.js';
import { collectDashboardStats } from './dashboard-stats.js';
import { RestError, toHttpFailure } from './errors.js';
import { DashboardFeed, type FeedEvent } from './feed.js';
import { readJsonObject, sendJson } from './http-io.js';
import { createToolInvoker, type ToolInvoker } from './invoker.js';
import { buildOpenApi } from './openapi.js';
import { compilePath, matchPath, type CompiledPath } from './path-match.js';
import { TOOL_ROUTES, type ToolRoute } from './routes.js';

export const API_BASE = '/api/v1';

export interface RestApiOptions {
  deps: ServerDeps;
  routes?: readonly ToolRoute[];
  /** how often the dashboard feed collects stats and samples the series (default 5000) */
  feedIntervalMs?: number;
}

export interface RestApi {
  /** true when the request was under /api/v1 and has been answered */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  invoker: ToolInvoker;
  feed: DashboardFeed;
  openapi(): Record<string, unknown>;
  /** starts sampling for the dashboard's charts (also started by the first dashboard request) */
  start(): void;
  close(): void;
}

export function createRestApi(opts: RestApiOptions): RestApi {
  const { deps } = opts;
  const routes = (opts.routes ?? TOOL_ROUTES).map((r) => ({ route: r, path: compilePath(r.path) }));
  const invoker = createToolInvoker(deps);
  const secured = resolveToken(deps.config.http) !== undefined;
  const feed = new DashboardFeed({
    invoker,
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    chaosEnabled: deps.config.chaos.enabled,
    intervalMs: opts.feedIntervalMs,
  });
  let openapiDoc: Record<string, unknown> | undefined;
  const openapi = () => (openapiDoc ??= buildOpenApi({ routes: routes.map((r) => r.route), toolByName: invoker.tool, secured, basePath: API_BASE }));

  const views: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void> = {
    '/': (_req, res) =>
      sendJson(
        res,
        200,
        info(
          routes.map((r) => r.route),
          invoker,
        ),
      ),
    '/openapi.json': (_req, res) => sendJson(res, 200, openapi()),
    '/dashboard/stats': async (_req, res, url) => {
      feed.start();
      const ns = url.searchParams.get('namespace');
      if (ns === null) return sendJson(res, 200, await feed.refresh());
      namespaceFilterArg.parse(ns);
      const stats = await collectDashboardStats(invoker, { namespace: ns, now: deps.clock.now(), chaosEnabled: deps.config.chaos.enabled });
      sendJson(res, 200, { ...stats, series: feed.series.snapshot(ns) });
    },
    '/events/stream': (req, res) => stream(req, res, feed),
  };

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== API_BASE && !url.pathname.startsWith(`${API_BASE}/`)) return false;
    const rel = url.pathname.slice(API_BASE.length).replace(/(.)\/$/, '$1') || '/';
    try {
      const view = views[rel];
      if (view) {
        if (req.method !== 'GET') throw methodNotAllowed(req.method, ['GET']);
        await view(req, res, url);
        return true;
      }
      await runToolRoute(req, res, url, rel);
    } catch (err) {
      const failure = toHttpFailure(err);
      if (!failure) throw err;
      if (res.headersSent) res.end();
      else sendJson(res, failure.status, failure.body, failure.headers);
    }
    return true;
  }

  async function runToolRoute(req: IncomingMessage, res: ServerResponse, url: URL, rel: string): Promise<void> {
    const matches: { route: ToolRoute; params: Record<string, string> }[] = [];
    for (const r of routes) {
      const params = safeMatch(r.path, rel);
      if (params) matches.push({ route: r.route, params });
    }
    if (matches.length === 0) throw new RestError(404, 'not_found', `no endpoint ${req.method} ${url.pathname}; GET ${API_BASE}/ lists them`);
    const hit = matches.find((m) => m.route.method === req.method);
    if (!hit)
      throw methodNotAllowed(
        req.method,
        matches.map((m) => m.route.method),
      );
    const { route, params } = hit;
    const body = route.method === 'POST' ? await readJsonObject(req, deps.config.http.bodyLimitBytes) : {};
    const args = toolArgs(route, Object.fromEntries(url.searchParams), body, params);
    const out = await invoker.invoke(route.tool, args, { signal: abortOnClose(req, res) });
    sendJson(res, 200, route.present ? route.present(out) : out);
  }

  return {
    handle,
    invoker,
    feed,
    openapi,
    start: () => feed.start(),
    close: () => feed.stop(),
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

function safeMatch(path: CompiledPath, rel: string): Record<string, string> | undefined {
  try {
    return matchPath(path, rel);
  } catch {
    throw new RestError(400, 'invalid', `malformed percent-encoding in path ${rel}`);
  }
}

function methodNotAllowed(method: string | undefined, allowed: string[]): RestError {
  const allow = [...new Set(allowed)].join(', ');
  return new RestError(405, 'method_not_allowed', `method ${method} not allowed here; use ${allow}`, { Allow: allow });
}

/** Aborts the tool's signal when the client goes away before the answer. */
function abortOnClose(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  req.once('aborted', () => ac.abort());
  return ac.signal;
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

function stream(req: IncomingMessage, res: ServerResponse, feed: DashboardFeed): void {
  feed.start();
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write('retry: 3000\n\n');
  const send = (e: FeedEvent) => {
    if (!res.writableEnded) res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
  };
  const unsubscribe = feed.subscribe(send);
  res.once('close', unsubscribe);
  req.once('close', unsubscribe);
  feed.latest().then(
    (data) => send({ type: 'stats', data }),
    () => {},
  );
}
