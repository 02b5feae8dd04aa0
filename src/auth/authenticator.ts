/**
 * Who is calling over HTTP, decided once per request for every surface (/mcp, REST, dashboard API): the
 * shared bearer token (auth.mode token), or an OAuth 2.1 access token (auth.mode oidc) that names a person
 * and their scopes. `actingFor` turns a person into what their tool calls run with: the audit caller and the
 * cluster client (impersonating them with auth.impersonate, else the server's own).
 */
import type { Config } from '../config/schema.js';
import type { ClusterClient } from '../k8s/client.js';
import type { Logger } from '../base/log.js';
import { ImpersonatingClients, kubeIdentityOf } from './impersonation.js';
import { callerOf, type Principal } from './principal.js';
import { challengeHeader, metadataUrlOf, protectedResourceMetadata, type ProtectedResourceMetadata } from './resource-metadata.js';
import { grantsAnything, scopeFor, type ScopedTool, SCOPES } from './scopes.js';
import { createTokenVerifier, TokenRefusal, type TokenVerifier } from './verify-token.js';

export type AuthOutcome = { ok: true; principal?: Principal } | { ok: false; status: 401 | 403 | 503; error: string; message: string; challenge?: string };

/** What a person's tool calls run with. */
export interface Acting {
  caller: string;
  cluster: ClusterClient;
}

export interface Authenticator {
  readonly mode: Config['auth']['mode'];
  /** checks the Authorization header of a request to `requestUrl` (its origin stands in for an unset resource URL) */
  authenticate(authorization: string | undefined, requestUrl: string): Promise<AuthOutcome>;
  /** the RFC 9728 document (oidc mode only) */
  metadata(requestUrl: string): ProtectedResourceMetadata | undefined;
  /** the 403 answer for a call the token's scopes do not cover */
  insufficientScope(requestUrl: string, tool: ScopedTool): AuthOutcome & { ok: false };
  /** throws ServiceError 'refused' for an identity the server will not impersonate */
  actingFor(principal: Principal): Acting;
  /** the listening URL, once known: the default resource URL is derived from it */
  setBaseUrl(url: string): void;
}

export interface AuthenticatorOptions {
  config: Pick<Config, 'auth'>;
  /** the static token (http.token / tokenFile) for mode token; none means the server is open (loopback only) */
  token?: string;
  cluster: ClusterClient;
  logger: Logger;
  verifier?: TokenVerifier;
  /** compares a presented bearer with the static token (constant time) */
  tokenMatches: (authorization: string | undefined, token: string) => boolean;
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const auth = opts.config.auth;
  let baseUrl: string | undefined;
  const resourceOf = (requestUrl: string) => auth.resource ?? `${baseUrl ?? new URL(requestUrl).origin}/mcp`;

  if (auth.mode === 'token') {
    return {
      mode: 'token',
      async authenticate(authorization) {
        if (!opts.token || opts.tokenMatches(authorization, opts.token)) return { ok: true };
        return { ok: false, status: 401, error: 'unauthorized', message: 'missing or wrong bearer token (Authorization: Bearer <token>)', challenge: 'Bearer' };
      },
      metadata: () => undefined,
      insufficientScope: () => {
        throw new Error('scopes exist only in auth.mode oidc');
      },
      actingFor: () => {
        throw new Error('persons exist only in auth.mode oidc');
      },
      setBaseUrl: (url) => {
        baseUrl = url;
      },
    };
  }

  const issuer = auth.issuer as string;
  const verifier = opts.verifier ?? createTokenVerifier(auth);
  const clients = auth.impersonate.enabled ? new ImpersonatingClients(opts.cluster, auth.impersonate.maxClients) : undefined;

  const refuse = (requestUrl: string, status: 401 | 403, error: 'invalid_token' | 'insufficient_scope' | undefined, message: string, scope?: string) => ({
    ok: false as const,
    status,
    error: error ?? 'unauthorized',
    message,
    challenge: challengeHeader({ resourceMetadata: metadataUrlOf(resourceOf(requestUrl)), error, description: error ? message : undefined, scope }),
  });

  return {
    mode: 'oidc',
    async authenticate(authorization, requestUrl) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      // RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
      if (!m) return refuse(requestUrl, 401, undefined, `an OAuth access token from ${issuer} is required (Authorization: Bearer <token>)`, 'read');
      let principal: Principal;
      try {
        principal = await verifier.verify(m[1]!, resourceOf(requestUrl));
      } catch (err) {
        if (err instanceof TokenRefusal && err.kind === 'unavailable') {
          opts.logger.warn({ err: err.message }, 'cannot validate access tokens: the issuer is unreachable');
          return { ok: false, status: 503, error: 'unavailable', message: `${err.message}; retry shortly` };
        }
        return refuse(requestUrl, 401, 'invalid_token', err instanceof TokenRefusal ? err.message : 'the access token is not valid');
      }
      if (!grantsAnything(principal.scopes)) {
        return refuse(requestUrl, 403, 'insufficient_scope', `the access token grants none of the scopes ${SCOPES.join(', ')}`, 'read');
      }
      return { ok: true, principal };
    },
    metadata: (requestUrl) => protectedResourceMetadata(resourceOf(requestUrl), issuer),
    insufficientScope: (requestUrl, tool) => {
      const scope = scopeFor(tool);
      return refuse(requestUrl, 403, 'insufficient_scope', `${tool.name} needs the scope "${scope}" (or "admin"); the access token does not grant it`, scope);
    },
    actingFor(principal) {
      if (!clients) return { caller: callerOf(principal, undefined), cluster: opts.cluster };
      const identity = kubeIdentityOf(principal, auth.impersonate);
      return { caller: callerOf(principal, identity), cluster: clients.for(identity) };
    },
    setBaseUrl: (url) => {
      baseUrl = url;
    },
  };
}
