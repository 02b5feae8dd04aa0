/**
 * The token verifier against an issuer served on 127.0.0.1 whose keys the test controls: discovery (OpenID,
 * then RFC 8414), metadata for another issuer refused, a rotated key picked up by fetching the JWKS again,
 * an unreachable issuer reported as unavailable (not as a bad token), and the claims that become the Principal.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createTokenVerifier, type TokenRefusal } from '../../src/auth/verify-token.js';
import { scopeAllows } from '../../src/auth/scopes.js';

const AUDIENCE = 'http://127.0.0.1:8000/mcp';
let server: Server;
let issuer: string;
let published: JWK[] = [];
let jwksFetches = 0;
let metadataPath = '/.well-known/openid-configuration';
let metadataIssuer: string | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === metadataPath) return res.end(JSON.stringify({ issuer: metadataIssuer ?? issuer, jwks_uri: `${issuer}/jwks` }));
    if (req.url === '/jwks') {
      jwksFetches++;
      return res.end(JSON.stringify({ keys: published }));
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function sign(key: { kid: string; privateKey: CryptoKey }, claims: JWTPayload = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'alice', scope: 'read operate', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(key.privateKey);
}

const authConfig = (extra: Record<string, unknown> = {}) => ConfigSchema.parse({ auth: { mode: 'oidc', issuer, ...extra } }).auth;

describe('the token verifier', () => {
  it('finds the keys through the issuer metadata and picks up a rotated key', async () => {
    const first = await keyPair('k1');
    const second = await keyPair('k2');
    published = [first.publicJwk];
    jwksFetches = 0;
    const verifier = createTokenVerifier(authConfig(), { jwksCooldownMs: 0 });
    expect(await verifier.verify(await sign(first), AUDIENCE)).toEqual({ subject: 'alice', groups: [], scopes: ['read', 'operate'] });
    published = [second.publicJwk];
    expect((await verifier.verify(await sign(second), AUDIENCE)).subject).toBe('alice');
    expect(jwksFetches).toBe(2);
  });

  it('does not fetch the keys again for every unknown key id within the cooldown', async () => {
    const key = await keyPair('k3');
    published = [key.publicJwk];
    jwksFetches = 0;
    const verifier = createTokenVerifier(authConfig());
    await verifier.verify(await sign(key), AUDIENCE);
    const stranger = await keyPair('unknown');
    for (let i = 0; i < 3; i++) await expect(verifier.verify(await sign(stranger), AUDIENCE)).rejects.toMatchObject({ kind: 'invalid_token' });
    expect(jwksFetches).toBe(1);
  });

  it('falls back to RFC 8414 metadata, and refuses metadata that names another issuer', async () => {
    const key = await keyPair('k4');
    published = [key.publicJwk];
    metadataPath = '/.well-known/oauth-authorization-server';
    try {
      expect((await createTokenVerifier(authConfig()).verify(await sign(key), AUDIENCE)).subject).toBe('alice');
      metadataIssuer = 'http://127.0.0.1:1';
      const err = (await createTokenVerifier(authConfig())
        .verify(await sign(key), AUDIENCE)
        .catch((e: unknown) => e)) as TokenRefusal;
      expect(err.kind).toBe('unavailable');
      expect(err.message).toMatch(/describes issuer http:\/\/127\.0\.0\.1:1/);
    } finally {
      metadataPath = '/.well-known/openid-configuration';
      metadataIssuer = undefined;
    }
  });

  it('reports an unreachable issuer as unavailable, not as a bad token', async () => {
    const key = await keyPair('k5');
    const verifier = createTokenVerifier(authConfig({ issuer: 'http://127.0.0.1:1' }));
    await expect(verifier.verify(await sign(key), AUDIENCE)).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('reads the person from the configured claims: scp arrays, groups, and a missing user claim refused', async () => {
    const key = await keyPair('k6');
    published = [key.publicJwk];
    const verifier = createTokenVerifier(authConfig({ userClaim: 'email' }));
    const p = await verifier.verify(
      await sign(key, { email: 'alice@example.com', scope: undefined, scp: ['admin'], groups: ['sre', 7], azp: 'cli' }),
      AUDIENCE,
    );
    expect(p).toEqual({ subject: 'alice@example.com', groups: ['sre'], scopes: ['admin'], clientId: 'cli' });
    await expect(verifier.verify(await sign(key), AUDIENCE)).rejects.toThrow(/no email claim/);
  });
});

describe('scopes', () => {
  const tool = (name: string, readOnlyHint: boolean) => ({ name, annotations: { readOnlyHint } });
  it.each([
    [['read'], tool('list_pods', true), true],
    [['read'], tool('scale_deployment', false), false],
    [['operate'], tool('list_pods', true), true],
    [['operate'], tool('delete_pod', false), true],
    [['operate'], tool('chaos_pod_crash', false), false],
    [['chaos'], tool('chaos_pod_crash', false), true],
    [['chaos'], tool('scale_deployment', false), false],
    [['chaos'], tool('chaos_status', true), true],
    [['admin'], tool('anything_new', false), true],
    [['openid', 'profile'], tool('list_pods', true), false],
    [[], tool('list_pods', true), false],
  ])('%j on %o → %s', (scopes, t, allowed) => {
    expect(scopeAllows(scopes, t)).toBe(allowed);
  });
  it('a tool without annotations counts as mutating', () => {
    expect(scopeAllows(['read'], { name: 'mystery' })).toBe(false);
  });
});
