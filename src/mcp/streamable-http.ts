/**
 * The HTTP server: MCP Streamable HTTP at POST/GET/DELETE /mcp (the SDK's web-standard transport, one
 * McpServer per session), /healthz and /readyz, and other surfaces (REST, /metrics, dashboard, webhook)
 * mounted as hono apps on the same port. Every request passes the Host/Origin checks; all but the public
 * paths need a credential (auth.mode token: the bearer token when one is configured, required whenever the
 * server binds anything but loopback; auth.mode oidc: an OAuth access token, and then a session is the
 * person's: their scopes' tools, their name in the audit, their cluster identity with auth.impersonate). Memory is bounded: a request that does not create a session keeps nothing, open
 * sessions are capped (in total and per client), and idle ones are closed.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { TimerHandle } from '../base/clock.js';
import type { ServerDeps } from '../catalog/deps.js';
import { bodyLimit, bodyText, mediaType } from '../http/body.js';
import { errorHandler, jsonError, notFoundJson } from '../http/errors.js';
import { createAuthenticator, type Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { scopeAllows, toolsAllowed } from '../auth/scopes.js';
import { isServiceError } from '../base/errors.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { authGuard, hostOriginGuard, identityOf, isResourceMetadataPath, resourceMetadataRoutes, scopeRefusal } from '../http/guard.js';
import { healthRoutes, type ReadinessCheck } from '../http/health.js';
import { closeServer, listen, nodeServer } from '../http/listen.js';
import { bearerMatches, checkHttpSecurity } from '../http/security.js';
import type { Db } from '../store/db.js';
import { createServer } from './create-server.js';

export interface HttpAppOptions {
  deps: ServerDeps;
  /** Other surfaces on the same server (REST, /metrics, dashboard, webhook), behind the same checks. */
  extraRoutes?: Hono;
  /** Paths served without the token (e.g. a dashboard's static files); /healthz and /readyz always are. */
  isPublicPath?: (pathname: string) => boolean;
  /** Readiness checks by name (default: the Kubernetes API answers, the store can take a write now). */
  readiness?: Record<string, ReadinessCheck>;
  /** who may call (auth.mode); default: built from deps.config */
  authenticator?: Authenticator;
}

export interface HttpApp {
  /** the hono app (for in-process requests: app.request) */
  app: Hono;
  server: Server;
  /** starts listening on config.http host/port; resolves with the base URL */
  listen(): Promise<string>;
  /** closes every session and the listener */
  close(): Promise<void>;
  /** open MCP sessions */
  readonly sessionCount: number;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  cleanup: () => Promise<void>;
  lastSeen: number;
  client: string;
  /** the person who opened it (auth.mode oidc): only they may use it, within their scopes */
  principal?: Principal;
}

/** When the cap is reached, a session idle this long is closed to make room rather than refusing. */
const RECLAIM_IDLE_MS = 60_000;

const PUBLIC = new Set(['/healthz', '/readyz']);

export function createHttpApp(opts: HttpAppOptions): HttpApp {
  const { deps } = opts;
  const http = deps.config.http;
  // OAuth (auth.mode oidc) guards a server on any address; the shared token is required beyond loopback.
  const token = deps.config.auth.mode === 'token' ? checkHttpSecurity(http) : undefined;
  const auth =
    opts.authenticator ?? createAuthenticator({ config: deps.config, token, cluster: deps.cluster, logger: deps.logger, tokenMatches: bearerMatches });
  const sessions = new Map<string, Session>();
  /** initializes admitted but not yet answered: counted against the caps so a burst cannot overshoot them */
  const pending = new Map<string, number>();
  let pendingTotal = 0;

  const app = new Hono({ strict: false });
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundJson);
  app.use('*', hostOriginGuard(http));
  app.route('/', healthRoutes({ checks: opts.readiness ?? defaultReadiness(deps), timeoutMs: http.readyTimeoutSeconds * 1000 }));
  app.route('/', resourceMetadataRoutes(auth));
  app.use(
    '*',
    authGuard(auth, (path) => PUBLIC.has(path) || isResourceMetadataPath(path) || opts.isPublicPath?.(path) === true),
  );
  app.use('*', bodyLimit(http.bodyLimitBytes));
  app.post('/mcp', (c) => post(c));
  app.on(['GET', 'DELETE'], '/mcp', (c) => {
    const sessionId = c.req.header('mcp-session-id');
    const session = sessionId ? sessions.get(sessionId) : undefined;
    if (!session) {
      return rpcError(c, sessionId ? 404 : 400, -32001, sessionId ? `unknown session ${sessionId}` : 'mcp-session-id header required');
    }
    if (!sameOwner(c, session)) return notOwner(c, sessionId!);
    session.lastSeen = deps.clock.now();
    return session.transport.handleRequest(c.req.raw);
  });
  app.all('/mcp', (c) => jsonError(c, 405, 'method_not_allowed', `method ${c.req.method} not allowed on /mcp`, { headers: { Allow: 'GET, POST, DELETE' } }));
  if (opts.extraRoutes) app.route('/', opts.extraRoutes);

  async function post(c: Context): Promise<Response> {
    let body: unknown;
    try {
      body = JSON.parse(await bodyText(c));
    } catch {
      return rpcError(c, 400, -32700, 'request body is not valid JSON');
    }
    const sessionId = c.req.header('mcp-session-id');
    if (sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return rpcError(c, 404, -32001, `unknown session ${sessionId}; start a new one with initialize`);
      if (!sameOwner(c, session)) return notOwner(c, sessionId);
      const outOfScope = session.principal && toolBeyondScope(body, session.principal);
      if (outOfScope) {
        deps.logger.warn({ subject: session.principal!.subject, tool: outOfScope.name }, 'tool call refused: outside the access token scopes');
        return scopeRefusal(c, identityOf(c)!.refuseScope(outOfScope));
      }
      session.lastSeen = deps.clock.now();
      return session.transport.handleRequest(c.req.raw, { parsedBody: body });
    }
    if (!isInitializeRequest(body)) {
      return rpcError(c, 400, -32000, 'no mcp-session-id header: the first request of a session must be initialize');
    }
    const id = (body as { id?: unknown }).id;
    // What the transport would refuse is refused here, before a server is built for it.
    const accept = c.req.header('accept') ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      return rpcError(c, 406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream', id);
    }
    if (mediaType(c) !== 'application/json') {
      return rpcError(c, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json', id);
    }
    const client = clientOf(c);
    const refusal = admit(client);
    if (refusal) return rpcError(c, refusal.status, -32000, refusal.message, id, { 'Retry-After': String(Math.ceil(RECLAIM_IDLE_MS / 1000)) });
    const identity = identityOf(c);
    let sessionDeps = deps;
    if (identity) {
      // The person's session: their tools (by scope), their name in the audit, their cluster identity.
      let acting: ReturnType<typeof identity.acting>;
      try {
        acting = identity.acting();
      } catch (err) {
        if (!isServiceError(err)) throw err;
        return rpcError(c, 403, -32000, err.message, id);
      }
      sessionDeps = { ...deps, caller: acting.caller, cluster: acting.cluster, tools: toolsAllowed(deps.tools ?? ALL_TOOLS, identity.principal.scopes) };
    }
    reserve(client, +1);
    const { server: mcp, cleanup } = createServer(sessionDeps);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, cleanup, lastSeen: deps.clock.now(), client, ...(identity ? { principal: identity.principal } : {}) });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void cleanup();
    };
    try {
      await mcp.connect(transport);
      return await transport.handleRequest(c.req.raw, { parsedBody: body });
    } finally {
      reserve(client, -1);
      // Never keep a server for a request that did not open a session: it would hold its listeners forever.
      if (!transport.sessionId || !sessions.has(transport.sessionId)) {
        await transport.close().catch(() => {});
        await cleanup().catch(() => {});
      }
    }
  }

  /** A session opened by a person answers only to that person (a leaked session id is not a credential). */
  function sameOwner(c: Context, s: Session): boolean {
    return s.principal === undefined || identityOf(c)?.principal.subject === s.principal.subject;
  }

  function notOwner(c: Context, sessionId: string): Response {
    return rpcError(c, 403, -32001, `session ${sessionId} belongs to another user; start your own with initialize`);
  }

  /** A tools/call (alone or in a batch) for a tool the server has but the session's scopes do not cover. */
  function toolBeyondScope(body: unknown, principal: Principal): { name: string; annotations: { readOnlyHint?: boolean } } | undefined {
    const all = deps.tools ?? ALL_TOOLS;
    for (const msg of Array.isArray(body) ? body : [body]) {
      const m = msg as { method?: unknown; params?: { name?: unknown } } | null;
      if (m?.method !== 'tools/call' || typeof m.params?.name !== 'string') continue;
      const tool = all.find((t) => t.name === m.params!.name);
      if (tool && !scopeAllows(principal.scopes, tool)) return tool;
    }
    return undefined;
  }

  function reserve(client: string, delta: number): void {
    pendingTotal += delta;
    const n = (pending.get(client) ?? 0) + delta;
    if (n > 0) pending.set(client, n);
    else pending.delete(client);
  }

  function countOf(client: string): number {
    let n = pending.get(client) ?? 0;
    for (const s of sessions.values()) if (s.client === client) n++;
    return n;
  }

  function admit(client: string): { status: ContentfulStatusCode; message: string } | undefined {
    if (sessions.size + pendingTotal >= http.maxSessions && !reclaimIdle()) {
      return {
        status: 503,
        message: `too many MCP sessions: http.maxSessions (${http.maxSessions}) are open; close one with DELETE /mcp or retry when idle ones are reclaimed`,
      };
    }
    if (countOf(client) >= http.maxSessionsPerClient && !reclaimIdle(client)) {
      return {
        status: 429,
        message: `too many MCP sessions for this client: http.maxSessionsPerClient (${http.maxSessionsPerClient}) are open; close one with DELETE /mcp or retry when idle ones are reclaimed`,
      };
    }
    return undefined;
  }

  /** Closes the least recently used session (of `client`, if given) idle for a minute or more. */
  function reclaimIdle(client?: string): boolean {
    const now = deps.clock.now();
    let oldest: [string, Session] | undefined;
    for (const entry of sessions) {
      const s = entry[1];
      if ((client === undefined || s.client === client) && now - s.lastSeen >= RECLAIM_IDLE_MS && (!oldest || s.lastSeen < oldest[1].lastSeen)) oldest = entry;
    }
    if (!oldest) return false;
    deps.logger.info({ session: oldest[0] }, 'closing the longest idle MCP session to make room for a new one');
    closeSession(oldest[0], oldest[1]);
    return true;
  }

  function closeSession(id: string, s: Session): void {
    sessions.delete(id);
    void s.transport.close().catch(() => {});
  }

  const idleMs = http.sessionIdleSeconds * 1000;
  let sweeper: TimerHandle | undefined;
  const sweep = () => {
    const now = deps.clock.now();
    for (const [id, s] of sessions) {
      if (now - s.lastSeen < idleMs) continue;
      deps.logger.info({ session: id }, 'closing idle MCP session');
      closeSession(id, s);
    }
    sweeper = deps.clock.setTimeout(sweep, Math.min(idleMs, 60_000));
  };
  sweeper = deps.clock.setTimeout(sweep, Math.min(idleMs, 60_000));

  const server = nodeServer(app);
  return {
    app,
    server,
    get sessionCount() {
      return sessions.size;
    },
    async listen() {
      const url = await listen(server, http.host, http.port);
      auth.setBaseUrl(url);
      deps.logger.info({ url: `${url}/mcp` }, 'MCP HTTP server listening');
      return url;
    },
    async close() {
      deps.clock.clearTimeout(sweeper);
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map((s) => s.transport.close().catch(() => {})));
      await Promise.all(open.map((s) => s.cleanup().catch(() => {})));
      await closeServer(server);
    },
  };
}

/** JSON-RPC errors for /mcp, in the shape MCP clients parse. */
function rpcError(c: Context, status: ContentfulStatusCode, code: number, message: string, id: unknown = null, headers: Record<string, string> = {}): Response {
  return c.json({ jsonrpc: '2.0', error: { code, message }, id: id ?? null }, status, headers);
}

/**
 * Whom a session belongs to for http.maxSessionsPerClient: the bearer credential presented (hashed, never
 * kept in clear), else the remote address.
 */
function clientOf(c: Context): string {
  // A person's access tokens change at every refresh; the person does not.
  const person = identityOf(c)?.principal.subject;
  if (person !== undefined) return `person:${createHash('sha256').update(person).digest('hex').slice(0, 16)}`;
  const auth = c.req.header('authorization');
  if (auth) return `bearer:${createHash('sha256').update(auth).digest('hex').slice(0, 16)}`;
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return `addr:${env?.incoming?.socket?.remoteAddress ?? 'in-process'}`;
}

function defaultReadiness(deps: ServerDeps): Record<string, ReadinessCheck> {
  return {
    cluster: async () => {
      await deps.cluster.version();
    },
    store: () => storeTakesWrites(deps.store.db),
  };
}

/**
 * Whether a write could start now. SQLite waits synchronously on a lock (busy_timeout), blocking the
 * event loop, so the probe drops the wait to zero for its one statement: a lock held elsewhere is
 * reported at once as "database is locked" instead of stalling every request.
 */
function storeTakesWrites(db: Db): void {
  if (!db.open) throw new Error('the store is closed');
  const previous = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
  } finally {
    db.pragma(`busy_timeout = ${previous}`);
  }
}
