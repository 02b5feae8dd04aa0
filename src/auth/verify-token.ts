/**
 * JWT access tokens checked as an OAuth 2.1 resource server must (RFC 9068, MCP authorization): signature
 * against the issuer's JWKS, issuer, audience = this server's resource URL, exp/nbf within the clock skew.
 * The JWKS location comes from the issuer's metadata (discovered once, retried after a failure); jose caches
 * the keys and fetches them again when a token names a key id it has not seen (a rotated key).
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../config/schema.js';
import type { Principal } from './principal.js';

type AuthConfig = Config['auth'];

/** Why a token was not accepted; `unavailable` is our side (the issuer cannot be reached), not the token's. */
export class TokenRefusal extends Error {
  override readonly name = 'TokenRefusal';
  constructor(
    readonly kind: 'invalid_token' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

export interface TokenVerifier {
  /** the Principal the token names; throws TokenRefusal */
  verify(token: string, audience: string): Promise<Principal>;
}

const FETCH_TIMEOUT_MS = 5_000;
/** A key id not seen before triggers a JWKS fetch at most this often (forged kids cannot hammer the issuer). */
const JWKS_COOLDOWN_MS = 30_000;
/** Keys are fetched again after this long even when every kid is known (revoked keys go away). */
const JWKS_MAX_AGE_MS = 10 * 60_000;

export interface VerifierOptions {
  /** how soon an unknown key id may trigger another JWKS fetch (default 30 s) */
  jwksCooldownMs?: number;
}

export function createTokenVerifier(auth: AuthConfig, opts: VerifierOptions = {}): TokenVerifier {
  const issuer = auth.issuer;
  if (!issuer) throw new Error('auth.mode oidc needs auth.issuer');
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = () => {
    keys ??= (auth.jwksUri ? Promise.resolve(auth.jwksUri) : discoverJwksUri(issuer)).then((uri) =>
      createRemoteJWKSet(new URL(uri), {
        timeoutDuration: FETCH_TIMEOUT_MS,
        cooldownDuration: opts.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
        cacheMaxAge: JWKS_MAX_AGE_MS,
      }),
    );
    // A failed discovery is tried again by the next request instead of failing every request forever.
    keys.catch(() => {
      keys = undefined;
    });
    return keys;
  };

  return {
    async verify(token, audience) {
      let jwks: Awaited<ReturnType<typeof keySet>>;
      try {
        jwks = await keySet();
      } catch (err) {
        throw new TokenRefusal('unavailable', `cannot read the metadata of issuer ${issuer}: ${(err as Error).message}`);
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, { issuer, audience, clockTolerance: auth.clockSkewSeconds, requiredClaims: ['exp'] }));
      } catch (err) {
        throw refusalOf(err, issuer, audience);
      }
      return principalOf(payload, auth);
    },
  };
}

/** OpenID discovery first (what most providers serve), then RFC 8414's path-inserted form. */
async function discoverJwksUri(issuer: string): Promise<string> {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/$/, '');
  const candidates = [`${u.origin}${path}/.well-known/openid-configuration`, `${u.origin}/.well-known/oauth-authorization-server${path}`];
  const problems: string[] = [];
  for (const url of candidates) {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    } catch (err) {
      problems.push(`${url}: ${(err as Error).message}`);
      continue;
    }
    if (!res.ok) {
      problems.push(`${url}: HTTP ${res.status}`);
      continue;
    }
    const doc = (await res.json().catch(() => ({}))) as { issuer?: unknown; jwks_uri?: unknown };
    // RFC 8414 §3.3: metadata for another issuer must not be used (it would trust another party's keys).
    if (doc.issuer !== issuer) throw new Error(`${url} describes issuer ${String(doc.issuer)}, not ${issuer}`);
    if (typeof doc.jwks_uri !== 'string') throw new Error(`${url} names no jwks_uri`);
    return doc.jwks_uri;
  }
  throw new Error(problems.join('; '));
}

function refusalOf(err: unknown, issuer: string, audience: string): TokenRefusal {
  if (err instanceof errors.JWTExpired) return new TokenRefusal('invalid_token', 'the access token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    const why =
      err.claim === 'aud'
        ? `the access token is not meant for this server (audience must be ${audience})`
        : err.claim === 'iss'
          ? `the access token was not issued by ${issuer}`
          : err.claim === 'nbf'
            ? 'the access token is not valid yet'
            : `the access token's ${err.claim} claim is not acceptable: ${err.reason}`;
    return new TokenRefusal('invalid_token', why);
  }
  if (err instanceof errors.JWKSTimeout || (err instanceof Error && /fetch failed|ECONNREFUSED/i.test(err.message))) {
    return new TokenRefusal('unavailable', `cannot fetch the signing keys of issuer ${issuer}: ${err.message}`);
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenRefusal('invalid_token', `the access token is not signed by a key of ${issuer}`);
  }
  if (err instanceof errors.JOSEError) return new TokenRefusal('invalid_token', `the access token is not valid: ${err.message}`);
  return new TokenRefusal('invalid_token', 'the access token is not a valid JWT');
}

function principalOf(payload: JWTPayload, auth: AuthConfig): Principal {
  const subject = payload[auth.userClaim];
  if (typeof subject !== 'string' || subject === '') {
    throw new TokenRefusal('invalid_token', `the access token has no ${auth.userClaim} claim naming the user (auth.userClaim)`);
  }
  const groupsValue = payload[auth.groupsClaim];
  const groups = Array.isArray(groupsValue)
    ? groupsValue.filter((g): g is string => typeof g === 'string')
    : typeof groupsValue === 'string'
      ? [groupsValue]
      : [];
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : typeof payload.azp === 'string' ? payload.azp : undefined;
  return { subject, groups, scopes: scopesOf(payload), ...(clientId ? { clientId } : {}) };
}

/** RFC 9068 `scope` (space-separated), or `scp` (an array at Okta and Entra ID). */
function scopesOf(payload: JWTPayload): string[] {
  const scope = payload.scope ?? payload.scp;
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === 'string');
  return [];
}
