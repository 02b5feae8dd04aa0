/**
 * `serve --http` with auth.mode oidc, against a real OpenID provider (test/auth/oidc-provider.ts) on 127.0.0.1:
 * tokens come from the full authorization-code + PKCE flow and are used by the real MCP SDK client; the
 * server publishes RFC 9728 metadata, answers refusals with the right WWW-Authenticate challenge, filters
 * tools by scope, and records the person in the audit.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpSurface, type HttpSurface } from '../../src/app/http-surface.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { startSimDeps, type SimBackedDeps } from '../server/harness.js';
import { KID, startProvider, type TestProvider } from './oidc-provider.js';

let provider: TestProvider;
let base: SimBackedDeps;
let surface: HttpSurface;
let url: string;
let resource: string;

beforeAll(async () => {
  provider = await startProvider({ alice: ['team-a'], bob: ['team-b'] });
  // No auth.resource: it defaults to the listening URL + /mcp, which the tokens below are requested for.
  base = await startSimDeps({ http: { port: 0 }, auth: { mode: 'oidc', issuer: provider.issuer }, safety: { cooldownSeconds: 0 } });
  surface = createHttpSurface(base.deps);
  url = await surface.listen();
  resource = `${url}/mcp`;
}, 60_000);

afterAll(async () => {
  await surface?.close();
  await base?.close();
  await provider?.close();
});

const metadataUrl = () => `${url}/.well-known/oauth-protected-resource/mcp`;

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'oauth-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/** A token signed with `key` (the issuer's own unless said otherwise), for the cases a provider will not issue. */
async function minted(claims: JWTPayload, opts: { key?: CryptoKey | Uint8Array; exp?: number } = {}): Promise<string> {
  const key = opts.key ?? (await importJWK(provider.privateJwk, 'RS256'));
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'read', client_id: 'mcp-test-client', ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: KID })
    .setIssuer((claims.iss as string | undefined) ?? provider.issuer)
    .setAudience((claims.aud as string | undefined) ?? resource)
    .setSubject('alice')
    .setIssuedAt(now - 600)
    .setExpirationTime(opts.exp ?? now + 600)
    .sign(key);
}

function mcpPost(token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

describe('protected resource metadata (RFC 9728)', () => {
  it('is served without a token at the path-suffixed and the plain well-known path', async () => {
    for (const at of [metadataUrl(), `${url}/.well-known/oauth-protected-resource`]) {
      const res = await fetch(at);
      expect(res.status, at).toBe(200);
      expect(await res.json()).toEqual({
        resource,
        authorization_servers: [provider.issuer],
        scopes_supported: ['read', 'operate', 'chaos', 'admin'],
        bearer_methods_supported: ['header'],
        resource_name: 'SentinelOps MCP',
      });
    }
  });

  it('is named by the 401 challenge of /mcp, REST and the dashboard API when no token is sent', async () => {
    const answers = [await mcpPost(undefined, INIT), await fetch(`${url}/api/v1/health`), await fetch(`${url}/api/v1/dashboard/stats`)];
    for (const res of answers) {
      expect(res.status).toBe(401);
      const challenge = res.headers.get('www-authenticate')!;
      expect(challenge).toMatch(/^Bearer /);
      expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
      // RFC 6750 §3.1: no error code when the request carried no credentials.
      expect(challenge).not.toContain('error=');
    }
  });
});

describe('access tokens from the authorization-code + PKCE flow', () => {
  it('a read token lists only read-only tools and cannot call a mutating one', async () => {
    const token = await provider.accessToken({ user: 'alice', scope: 'read', resource });
    const client = await connect(token);
    const names = (await client.listTools()).tools.map((t) => t.name);
    const readOnly = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
    expect(names.sort()).toEqual([...readOnly].sort());
    expect(names).toContain('list_pods');
    expect(names).not.toContain('scale_deployment');
    // Refused at HTTP level (403 insufficient_scope), so a client with an auth provider can step up its scopes.
    await expect(client.callTool({ name: 'scale_deployment', arguments: { namespace: 'demo', deployment: 'nginx-demo', replicas: 4 } })).rejects.toMatchObject({
      code: 403,
      message: expect.stringContaining('insufficient_scope'),
    });
    await client.close();

    // The same refusal over REST, with the challenge a client steps up from.
    const res = await fetch(`${url}/api/v1/scale`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: 'demo', deployment: 'nginx-demo', replicas: 4 }),
    });
    expect(res.status).toBe(403);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="operate"');
    expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
    expect((await base.deps.cluster.readDeployment('demo', 'nginx-demo')).spec?.replicas).not.toBe(4);
  });

  it('an operate token scales through MCP and REST, and the audit names the person', async () => {
    const token = await provider.accessToken({ user: 'alice', scope: 'operate', resource });
    const client = await connect(token);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['list_pods', 'scale_deployment', 'restart_deployment', 'delete_pod', 'rollback_deployment']));
    expect(names.filter((n) => n.startsWith('chaos_') && n !== 'chaos_status')).toEqual([]);
    const result = await client.callTool({ name: 'scale_deployment', arguments: { namespace: 'demo', deployment: 'nginx-demo', replicas: 3 } });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    await client.close();

    const rest = await fetch(`${url}/api/v1/scale`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: 'demo', deployment: 'nginx-demo', replicas: 4 }),
    });
    expect(rest.status, await rest.clone().text()).toBe(200);
    const rows = (await base.deps.store.audit.list({ tool: 'scale_deployment' })).filter((r) => r.ok);
    expect(rows.map((r) => r.caller)).toEqual(expect.arrayContaining(['alice (k8s: server identity)']));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.caller === 'alice (k8s: server identity)')).toBe(true);
  });

  it('an admin token sees every tool the configuration exposes; chaos adds the chaos tools to reading', async () => {
    const admin = await connect(await provider.accessToken({ user: 'alice', scope: 'admin', resource }));
    expect((await admin.listTools()).tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
    await admin.close();
    const chaos = await connect(await provider.accessToken({ user: 'alice', scope: 'chaos', resource }));
    const names = (await chaos.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['chaos_pod_crash', 'chaos_cleanup', 'list_pods']));
    expect(names).not.toContain('scale_deployment');
    await chaos.close();
  });

  it('a token granting none of the server scopes is refused with insufficient_scope', async () => {
    const token = await minted({ scope: 'openid profile' });
    const res = await mcpPost(token, INIT);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('a session answers only to the person who opened it', async () => {
    const alice = await provider.accessToken({ user: 'alice', scope: 'admin', resource });
    const bob = await provider.accessToken({ user: 'bob', scope: 'admin', resource });
    const opened = await mcpPost(alice, INIT);
    expect(opened.status).toBe(200);
    const session = opened.headers.get('mcp-session-id')!;
    await opened.text();
    const hijack = await mcpPost(bob, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' });
    expect(hijack.status).toBe(403);
    expect(await hijack.text()).toContain('belongs to another user');
  });
});

describe('tokens that must be refused', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ['expired beyond the clock skew', () => minted({}, { exp: now() - 300 }), /expired/],
    ['signed by another key under the same key id', async () => minted({}, { key: (await generateKeyPair('RS256')).privateKey }), /not signed by a key/],
    [
      'issued for another resource (wrong audience)',
      () => provider.accessToken({ user: 'alice', scope: 'admin', resource: 'http://127.0.0.1:1/mcp' }),
      /audience/,
    ],
    ['from another issuer', () => minted({ iss: 'http://127.0.0.1:1' }), /not issued by/],
    ['not a JWT at all', async () => 'not-a-jwt', /not a valid|not valid/],
  ])('%s', async (_name, make, why) => {
    const res = await mcpPost(await make(), INIT);
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
    expect(challenge).toMatch(why);
    // REST and the dashboard API refuse the same token the same way.
    expect((await fetch(`${url}/api/v1/health`, { headers: { authorization: `Bearer ${await make()}` } })).status).toBe(401);
  });

  it('accepts a token that expired within the clock skew (60 s by default)', async () => {
    const res = await mcpPost(await minted({}, { exp: now() - 20 }), INIT);
    expect(res.status).toBe(200);
    await res.text();
  });
});
