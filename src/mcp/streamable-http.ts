/**
 * Streamable HTTP transport on node:http: POST/GET/DELETE /mcp with one MCP server per session,
 * /healthz and /readyz, and a hook for other routes (REST, /metrics, dashboard) on the same port.
 * Every request passes the Host/Origin checks; all but the public paths need the bearer token when
 * one is configured, and one is required whenever the server binds anything but loopback.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { TimerHandle } from '../base/clock.js';
import { createServer } from './create-server.js';
import type { ServerDeps } from '../catalog/deps.js';
import { bearerMatches, checkHttpSecurity, hostAllowed, originAllowed } from '../http/security.js';

export interface HttpAppOptions {
  deps: ServerDeps;
  /** Other routes on the same server; return true when handled. Runs after security checks. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
  /** Paths served without the token (e.g. a dashboard's static files); /healthz and /readyz always are. */
  isPublicPath?: (pathname: string) => boolean;
  /** Readiness: resolves true when the server can do useful work (default: the Kubernetes API answers). */
  ready?: () => Promise<boolean>;
}

export interface HttpApp {
  server: Server;
  /** starts listening on config.http host/port; resolves with the base URL */
  listen(): Promise<string>;
  /** closes every session and the listener */
  close(): Promise<void>;
  /** open MCP sessions */
  readonly sessionCount: number;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  cleanup: () => Promise<void>;
  lastSeen: number;
}

export function createHttpApp(opts: HttpAppOptions): HttpApp {
  const { deps } = opts;
  const http = deps.config.http;
  const token = checkHttpSecurity(http);
  const sessions = new Map<string, Session>();
  const ready =
    opts.ready ??
    (() =>
      deps.cluster.version().then(
        () => true,
        () => false,
      ));

  const server = createHttpServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      deps.logger.error({ err }, 'http request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req.headers.host, { bindHost: http.host, allowedHosts: http.allowedHosts })) {
      return sendJson(res, 403, { error: `Host ${req.headers.host ?? '(none)'} is not allowed; add it to http.allowedHosts` });
    }
    if (!originAllowed(req.headers.origin, http.allowedOrigins)) {
      return sendJson(res, 403, { error: `Origin ${req.headers.origin} is not allowed; add it to http.allowedOrigins` });
    }
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const ok = await ready();
      return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready' });
    }
    const isPublic = opts.isPublicPath?.(url.pathname) === true;
    if (token && !isPublic && !bearerMatches(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendJson(res, 401, { error: 'missing or wrong bearer token (Authorization: Bearer <token>)' });
    }
    if (url.pathname === '/mcp') return handleMcp(req, res);
    if (opts.extraRoutes && (await opts.extraRoutes(req, res, url))) return;
    sendJson(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionId = header(req, 'mcp-session-id');
    if (req.method === 'POST') {
      const body = await readJson(req, res, http.bodyLimitBytes);
      if (body === undefined) return;
      if (sessionId) {
        const session = sessions.get(sessionId);
        if (!session) return sendRpcError(res, 404, -32001, `unknown session ${sessionId}; start a new one with initialize`);
        session.lastSeen = deps.clock.now();
        return session.transport.handleRequest(req, res, body.value);
      }
      if (!isInitializeRequest(body.value)) {
        return sendRpcError(res, 400, -32000, 'no mcp-session-id header: the first request of a session must be initialize');
      }
      const { server: mcp, cleanup } = createServer(deps);
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, cleanup, lastSeen: deps.clock.now() });
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
        void cleanup();
      };
      await mcp.connect(transport);
      return transport.handleRequest(req, res, body.value);
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      const session = sessionId ? sessions.get(sessionId) : undefined;
      if (!session) {
        return sendRpcError(res, sessionId ? 404 : 400, -32001, sessionId ? `unknown session ${sessionId}` : 'mcp-session-id header required');
      }
      session.lastSeen = deps.clock.now();
      return session.transport.handleRequest(req, res);
    }
    res.setHeader('Allow', 'GET, POST, DELETE');
    sendJson(res, 405, { error: `method ${req.method} not allowed on /mcp` });
  }

  const idleMs = http.sessionIdleSeconds * 1000;
  let sweeper: TimerHandle | undefined;
  const sweep = () => {
    const now = deps.clock.now();
    for (const [id, s] of sessions) {
      if (now - s.lastSeen < idleMs) continue;
      sessions.delete(id);
      deps.logger.info({ session: id }, 'closing idle MCP session');
      void s.transport.close().catch(() => {});
    }
    sweeper = deps.clock.setTimeout(sweep, Math.min(idleMs, 60_000));
  };
  sweeper = deps.clock.setTimeout(sweep, Math.min(idleMs, 60_000));

  return {
    server,
    get sessionCount() {
      return sessions.size;
    },
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(http.port, http.host, () => {
          server.off('error', reject);
          const addr = server.address() as AddressInfo;
          const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          deps.logger.info({ url: `http://${host}:${addr.port}/mcp` }, 'MCP HTTP server listening');
          resolve(`http://${host}:${addr.port}`);
        });
      }),
    close: async () => {
      deps.clock.clearTimeout(sweeper);
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map((s) => s.transport.close().catch(() => {})));
      await Promise.all(open.map((s) => s.cleanup().catch(() => {})));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads a JSON body up to `limit` bytes; answers 413/400 itself and returns undefined on failure. */
async function readJson(req: IncomingMessage, res: ServerResponse, limit: number): Promise<{ value: unknown } | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    sendJson(res, 413, { error: `request body larger than ${limit} bytes` });
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      // Answer first, then drop the connection so the rest of the body is never read.
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.destroy());
      sendJson(res, 413, { error: `request body larger than ${limit} bytes` });
      return undefined;
    }
    chunks.push(chunk);
  }
  try {
    return { value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    sendRpcError(res, 400, -32700, 'request body is not valid JSON');
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null });
}
