/**
 * Who may talk to the HTTP server, as hono middleware written once for every surface: the Host and
 * Origin checks (DNS rebinding, cross-site pages) on every request, then the bearer token on every path
 * but the public ones. The checks themselves are the pure functions of security.ts.
 */
import type { Context, MiddlewareHandler } from 'hono';
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
