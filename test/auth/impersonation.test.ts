/**
 * Acting as the caller (auth.impersonate): the impersonation headers on the wire (a loopback API endpoint that
 * records what it receives: the simulator accepts them but has no RBAC to apply), a 403 surfaced as the
 * person's refusal, names Kubernetes reserves refused, the bounded client cache, and serve --http with a
 * real provider's tokens recording person and identity in the audit. The RBAC decision itself is tested
 * against the real API server in impersonation-real.test.ts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpSurface, type HttpSurface } from '../../src/app/http-surface.js';
import { ImpersonatingClients, kubeIdentityOf } from '../../src/auth/impersonation.js';
import { ClusterClient } from '../../src/k8s/client.js';
import { startSimDeps, type SimBackedDeps } from '../server/harness.js';
import { startProvider, type TestProvider } from './oidc-provider.js';

describe('impersonation headers on the wire', () => {
  let api: Server;
  let seen: IncomingHttpHeaders[] = [];
  let distinct: Record<string, string[]>[] = [];
  let kc: KubeConfig;

  beforeAll(async () => {
    api = createServer((req, res) => {
      seen.push(req.headers);
      distinct.push(req.headersDistinct as Record<string, string[]>);
      res.setHeader('content-type', 'application/json');
      if (req.method === 'PATCH') {
        res.statusCode = 403;
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Forbidden',
            code: 403,
            message: 'deployments.apps "web" is forbidden: User "bob" cannot patch resource "deployments" in API group "apps" in the namespace "a"',
          }),
        );
        return;
      }
      res.end(JSON.stringify({ major: '1', minor: '34', gitVersion: 'v1.34.4' }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const server = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'server-own-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
  });
  afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

  it('sends Impersonate-User and one Impersonate-Group line per group, beside the server’s own credentials', async () => {
    seen = [];
    distinct = [];
    const client = new ClusterClient(kc, { impersonate: { user: 'alice', groups: ['team-a', 'team-b'] } });
    expect(await client.version()).toBe('v1.34.4');
    expect(distinct[0]!['impersonate-user']).toEqual(['alice']);
    expect(distinct[0]!['impersonate-group']).toEqual(['team-a', 'team-b']);
    expect(seen[0]!.authorization).toBe('Bearer server-own-token');
  });

  it('the server’s own client sends no impersonation', async () => {
    seen = [];
    await new ClusterClient(kc).version();
    expect(Object.keys(seen[0]!).filter((h) => h.startsWith('impersonate-'))).toEqual([]);
  });

  it('a 403 while acting as a person says it is their refusal, with the API server’s reason', async () => {
    const client = new ClusterClient(kc, { impersonate: { user: 'bob', groups: [] } });
    const err = await client.patchDeployment('a', 'web', { spec: { replicas: 3 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'refused' });
    // Headers set per call after ours (the merge-patch Content-Type) still go out.
    expect(seen.at(-1)!['content-type']).toBe('application/merge-patch+json');
    expect((err as Error).message).toMatch(/^forbidden: the Kubernetes API refused this for bob .*cannot patch resource "deployments"/);
  });
});

describe('who the server will act as', () => {
  const alice = { subject: 'alice', groups: ['team-a'], scopes: ['operate'] };

  it('applies the configured prefixes', () => {
    expect(kubeIdentityOf(alice, { userPrefix: 'oidc:', groupPrefix: 'oidc:' })).toEqual({ user: 'oidc:alice', groups: ['oidc:team-a'] });
    expect(kubeIdentityOf(alice, { userPrefix: '', groupPrefix: '' })).toEqual({ user: 'alice', groups: ['team-a'] });
  });

  it.each([
    ['a system: group', { ...alice, groups: ['system:masters'] }],
    ['a system: user', { ...alice, subject: 'system:admin' }],
  ])('refuses %s (it would borrow Kubernetes’ own powers)', (_name, principal) => {
    expect(() => kubeIdentityOf(principal, { userPrefix: '', groupPrefix: '' })).toThrow(/system: are reserved/);
    // A prefix moves every name out of the reserved space.
    expect(kubeIdentityOf(principal, { userPrefix: 'oidc:', groupPrefix: 'oidc:' }).user.startsWith('oidc:')).toBe(true);
  });

  it('keeps one client per identity, at most maxClients, dropping the least recently used', () => {
    const none = new KubeConfig();
    none.loadFromOptions({
      clusters: [{ name: 'c', server: 'http://127.0.0.1:1' }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const base = new ClusterClient(none);
    const clients = new ImpersonatingClients(base, 2);
    const a = clients.for({ user: 'a', groups: ['x', 'y'] });
    expect(clients.for({ user: 'a', groups: ['y', 'x'] })).toBe(a);
    const b = clients.for({ user: 'b', groups: [] });
    clients.for({ user: 'a', groups: ['x', 'y'] }); // a is now the most recent
    clients.for({ user: 'c', groups: [] });
    expect(clients.size).toBe(2);
    expect(clients.for({ user: 'a', groups: ['x', 'y'] })).toBe(a);
    expect(clients.for({ user: 'b', groups: [] })).not.toBe(b);
  });
});

describe('serve --http with auth.impersonate (simulated cluster)', () => {
  let provider: TestProvider;
  let base: SimBackedDeps;
  let surface: HttpSurface;
  let url: string;

  beforeAll(async () => {
    provider = await startProvider({ alice: ['team-a'], mallory: ['system:masters'] });
    base = await startSimDeps({
      http: { port: 0 },
      auth: { mode: 'oidc', issuer: provider.issuer, impersonate: { enabled: true } },
      safety: { cooldownSeconds: 0 },
    });
    surface = createHttpSurface(base.deps);
    url = await surface.listen();
  }, 60_000);
  afterAll(async () => {
    await surface?.close();
    await base?.close();
    await provider?.close();
  });

  const connect = async (user: string) => {
    const token = await provider.accessToken({ user, scope: 'operate', resource: `${url}/mcp` });
    const client = new Client({ name: 'impersonation-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    return client;
  };

  it('runs the person’s calls as them and audits person and identity', async () => {
    const client = await connect('alice');
    const result = await client.callTool({ name: 'scale_deployment', arguments: { namespace: 'demo', deployment: 'nginx-demo', replicas: 3 } });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    await client.close();
    const rows = await base.deps.store.audit.list({ tool: 'scale_deployment' });
    expect(rows.map((r) => [r.caller, r.ok])).toEqual([['alice (k8s: as alice, groups team-a)', true]]);
  });

  it('refuses to open a session for a token whose groups Kubernetes reserves', async () => {
    await expect(connect('mallory')).rejects.toThrow(/system:masters.*reserved/);
  });
});
