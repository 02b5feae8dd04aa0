/**
 * Acting as the caller against the real API server (SENTINELOPS_E2E_KUBECONFIG): RBAC lets alice scale
 * deployments in one namespace and bob only read them. Both call scale_deployment through `serve --http`
 * with auth.mode oidc and auth.impersonate, holding tokens from a real OpenID provider; the API server
 * decides (the server's own kubeconfig identity may impersonate), and the audit records person and identity.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizationV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpSurface, type HttpSurface } from '../../src/app/http-surface.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { silentLogger } from '../../src/base/log.js';
import { deepMerge, parseConfig } from '../../src/config/load.js';
import { kube, kubeconfigPath, nginxDeployment, realCluster, textOf, uniqueNamespace, type Kube } from '../e2e/helpers.js';
import { describeWith } from '../helpers/prerequisite.js';
import { startProvider, type TestProvider } from './oidc-provider.js';

const NS = uniqueNamespace('e2e-identity');
const DEP = 'web';

describeWith(realCluster, 'impersonated calls decided by the real API server’s RBAC', () => {
  let k: Kube;
  let rbac: RbacAuthorizationV1Api;
  let provider: TestProvider;
  let runtime: Runtime;
  let surface: HttpSurface;
  let url: string;

  beforeAll(async () => {
    k = kube(kubeconfigPath);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    // The server's own identity must be allowed to impersonate, or no test below means anything.
    const review = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb: 'impersonate', resource: 'users' } } },
    });
    expect(review.status?.allowed, 'the kubeconfig identity may impersonate users').toBe(true);

    await k.core.createNamespace({ body: { metadata: { name: NS } } });
    await k.apps.createNamespacedDeployment({ namespace: NS, body: nginxDeployment(DEP, 2) });
    const role = (name: string, verbs: string[]) => ({
      metadata: { name },
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs }],
    });
    await rbac.createNamespacedRole({ namespace: NS, body: role('scaler', ['get', 'list', 'patch']) });
    await rbac.createNamespacedRole({ namespace: NS, body: role('viewer', ['get', 'list']) });
    const bind = (name: string, roleName: string, user: string) => ({
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    });
    await rbac.createNamespacedRoleBinding({ namespace: NS, body: bind('alice-scales', 'scaler', 'alice') });
    await rbac.createNamespacedRoleBinding({ namespace: NS, body: bind('bob-views', 'viewer', 'bob') });

    provider = await startProvider({ alice: ['developers'], bob: ['developers'] });
    const dir = mkdtempSync(join(tmpdir(), 'sentinelops-identity-'));
    const config = parseConfig(
      deepMerge(
        {
          cluster: { mode: 'kubeconfig', kubeconfig: kubeconfigPath, defaultNamespace: NS },
          store: { path: join(dir, 'sentinelops.db') },
          log: { level: 'silent' },
        },
        { http: { port: 0 }, auth: { mode: 'oidc', issuer: provider.issuer, impersonate: { enabled: true } }, safety: { cooldownSeconds: 0 } },
      ),
    );
    runtime = createRuntime(config, { logger: silentLogger() });
    surface = createHttpSurface(runtime.deps);
    url = await surface.listen();
  }, 120_000);

  afterAll(async () => {
    await surface?.close();
    runtime?.close();
    await provider?.close();
    await k?.core.deleteNamespace({ name: NS }).catch(() => {});
  });

  async function scaleAs(user: string, replicas: number): Promise<CallToolResult> {
    const token = await provider.accessToken({ user, scope: 'operate', resource: `${url}/mcp` });
    const client = new Client({ name: 'identity-e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      return (await client.callTool({ name: 'scale_deployment', arguments: { namespace: NS, deployment: DEP, replicas } })) as CallToolResult;
    } finally {
      await client.close();
    }
  }

  const replicas = async () => (await k.apps.readNamespacedDeployment({ namespace: NS, name: DEP })).spec?.replicas;

  it('alice may scale: the API server allows her', async () => {
    const result = await scaleAs('alice', 3);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(await replicas()).toBe(3);
  });

  it('bob may only read: the API server refuses him, and the answer says so', async () => {
    const result = await scaleAs('bob', 5);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^forbidden: the Kubernetes API refused this for bob .*User "bob" cannot patch resource "deployments"/);
    expect(await replicas()).toBe(3);
  });

  it('the audit records each person and the identity used', async () => {
    const rows = await runtime.deps.store.audit.list({ tool: 'scale_deployment' });
    const byCaller = new Map(rows.map((r) => [r.caller, r]));
    expect(byCaller.get('alice (k8s: as alice, groups developers)')).toMatchObject({ ok: true });
    expect(byCaller.get('bob (k8s: as bob, groups developers)')).toMatchObject({ ok: false, error: expect.stringContaining('forbidden') });
  });
});
