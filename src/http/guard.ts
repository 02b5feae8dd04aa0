/**
 * Who may talk to the HTTP server, as hono middleware written once for every surface: the Host and
 * Origin checks (DNS rebinding, cross-site pages) on every request, then the bearer token on every path
 * but the public ones. The checks themselves are the pure functions of security.ts.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { Acting, Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { METADATA_PATH } from '../auth/resource-metadata.js';
import type { ScopedTool } from '../auth/scopes.js';
import type { Config } from '../config/schema.js';
import { jsonError } from './errors.js';
import { bearerMatches, hostAllowed, originAllowed } from './security.js';

/**
 * The Host header as the client sent it. Behind @hono/node-server it is the raw header; a request built
 * in-process (app.request in tests) may have none, and then its URL's host stands in.
 */
function hostOf(c: Context): string | undefined {
  const header = c.req.header('host');
  if (header !== undefined) return header;
  const env = c.env as { incoming?: unknown } | undefined;
  return env?.incoming ? undefined : new URL(c.req.url).host;
}

export function hostOriginGuard(http: Pick<Config['http'], 'host' | 'allowedHosts' | 'allowedOrigins'>): MiddlewareHandler {
  return async (c, next) => {
    const host = hostOf(c);
    if (!hostAllowed(host, { bindHost: http.host, allowedHosts: http.allowedHosts })) {
      return jsonError(c, 403, 'forbidden_host', `Host ${host ?? '(none)'} is not allowed; add it to http.allowedHosts`);
    }
    const origin = c.req.header('origin');
    if (!originAllowed(origin, http.allowedOrigins)) {
      return jsonError(c, 403, 'forbidden_origin', `Origin ${origin} is not allowed; add it to http.allowedOrigins`);
    }
    await next();
  };
}

/** Requires `Authorization: Bearer <token>` unless no token is configured or the path is public. */
export function bearerGuard(token: string | undefined, isPublicPath: (pathname: string) => boolean = () => false): MiddlewareHandler {
  return async (c, next) => {
    if (token && !isPublicPath(c.req.path) && !bearerMatches(c.req.header('authorization'), token)) {
      return jsonError(c, 401, 'unauthorized', 'missing or wrong bearer token (Authorization: Bearer <token>)', { headers: { 'WWW-Authenticate': 'Bearer' } });
    }
    await next();
  };
}

/**
 * The credential check of auth.mode (src/auth/authenticator.ts) on every path but the public ones: a refusal
 * is answered with its status and WWW-Authenticate challenge; an accepted person is kept on the context
 * for the faces (principalOf) that run tools as them.
 */
export function authGuard(auth: Authenticator, isPublicPath: (pathname: string) => boolean = () => false): MiddlewareHandler {
  return async (c, next) => {
    if (isPublicPath(c.req.path)) return next();
    const outcome = await auth.authenticate(c.req.header('authorization'), c.req.url);
    if (!outcome.ok) {
      return jsonError(
        c,
        outcome.status,
        outcome.error,
        outcome.message,
        outcome.challenge ? { headers: { 'WWW-Authenticate': outcome.challenge } } : undefined,
      );
    }
    const principal = outcome.principal;
    if (principal) {
      const identity: RequestIdentity = {
        principal,
        acting: () => auth.actingFor(principal),
        refuseScope: (tool) => auth.insufficientScope(c.req.url, tool),
      };
      c.set(IDENTITY as never, identity as never);
    }
    await next();
  };
}

/** The person a request authenticated as (auth.mode oidc), and how their calls are made. */
export interface RequestIdentity {
  principal: Principal;
  /** caller and cluster client for their tool calls; throws ServiceError 'refused' for an identity not impersonated */
  acting(): Acting;
  /** the 403 insufficient_scope answer for a tool their scopes do not cover */
  refuseScope(tool: ScopedTool): { status: 403 | 401 | 503; error: string; message: string; challenge?: string };
}

const IDENTITY = 'sentinelops.identity';

/** Undefined with the shared token (or none): then calls run as the server, as before. */
export function identityOf(c: Context): RequestIdentity | undefined {
  return c.get(IDENTITY as never) as RequestIdentity | undefined;
}

/** A refusal from refuseScope as the HTTP answer, challenge included. */
export function scopeRefusal(c: Context, r: ReturnType<RequestIdentity['refuseScope']>): Response {
  return jsonError(c, r.status, r.error, r.message, r.challenge ? { headers: { 'WWW-Authenticate': r.challenge } } : undefined);
}

/** RFC 9728 metadata, public: at the well-known path and at it with the resource's path appended (/mcp). */
export function resourceMetadataRoutes(auth: Authenticator): Hono {
  const routes = new Hono({ strict: false });
  const serve = (c: Context) => {
    const doc = auth.metadata(c.req.url);
    if (!doc) return jsonError(c, 404, 'not_found', 'no OAuth protected resource metadata: auth.mode is token');
    return c.json(doc, 200, { 'Cache-Control': 'public, max-age=300' });
  };
  routes.get(METADATA_PATH, serve);
  routes.get(`${METADATA_PATH}/*`, serve);
  return routes;
}

export const isResourceMetadataPath = (path: string): boolean => path === METADATA_PATH || path.startsWith(`${METADATA_PATH}/`);
