/**
 * The chart on a real API server (test/cluster/up.sh; SENTINELOPS_E2E_KUBECONFIG): every variant's manifests pass
 * server-side dry-run; `helm install` creates an operator release (allowed namespace WORK, chaos in WORK, agent
 * with leader election) and a read-only one (cluster-wide). Then the MCP server runs in this process with a
 * kubeconfig holding a TokenRequest token of each release's ServiceAccount — exactly the chart's permissions:
 * every read tool works, every mutating tool works for the operator, the API server itself refuses what the RBAC
 * does not grant (403, surfaced as a clear tool error), the agent leads on the chart's Lease and heals a crash,
 * and SubjectAccessReview confirms the denials (secrets, namespaces, anything outside the allowed namespaces).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizationV1Api, CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allOf, describeWith, realCluster } from '../helpers/prerequisite.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { type StartedAgent, startAgent } from '../../src/app/start-agent.js';
import type { CycleReport } from '../../src/agent/runner.js';
import { silentLogger } from '../../src/base/log.js';
import { deepMerge, parseConfig } from '../../src/config/load.js';
import { createServer } from '../../src/mcp/create-server.js';
import { ALL_TOOLS } from '../../tools/index.js';
import {
  eventually,
  kube,
  metricsServer,
  nginxDeployment,
  readyPods,
  SETTLE_MS,
  textOf,
  toolCaller,
  uniqueNamespace,
  waitRolledOut,
  type Kube,
  type ToolCaller,
} from '../e2e/helpers.js';
import { CHART, helm, helmBuilt, KUBECONFIG, kubectl, kubectlBuilt, parseManifests, render, ROOT, valuesFile, VARIANTS } from './helpers.js';

const REL = uniqueNamespace('so-rel');
const RO = uniqueNamespace('so-ro');
const WORK = uniqueNamespace('so-work');
const OTHER = uniqueNamespace('so-other');
const DEP = 'web';
const LEASE = `lease-${REL}`;
// The release name is the namespace, so cluster-scoped names (ClusterRoles) never clash between runs.
const fullname = (release: string) => `${release}-sentinelops`;
const FORBIDDEN = /the Kubernetes API forbids this on .* \(403\)/;
const T = { timeout: 2 * SETTLE_MS };

interface Served {
  runtime: Runtime;
  client: Client;
  tools: ToolCaller;
  close(): Promise<void>;
}

describeWith(allOf(helmBuilt, kubectlBuilt, realCluster), 'the chart on a real API server', () => {
  let k: Kube;
  let admin: KubeConfig;
  const served: Served[] = [];
  const agents: StartedAgent[] = [];
  const runtimes: Runtime[] = [];

  beforeAll(async () => {
    k = kube(KUBECONFIG!);
    admin = new KubeConfig();
    admin.loadFromFile(KUBECONFIG!);
    for (const name of [REL, RO, WORK, OTHER]) await k.core.createNamespace({ body: { metadata: { name } } });
    for (const ns of [WORK, OTHER]) await k.apps.createNamespacedDeployment({ namespace: ns, body: nginxDeployment(DEP, 3) });
    // The bearer token Secret the chart references (the chart never renders it; the ServiceAccount cannot read it).
    for (const ns of [REL, RO])
      await k.core.createNamespacedSecret({
        namespace: ns,
        body: { metadata: { name: 'sentinelops-token' }, stringData: { token: 'e2e-token-0123456789abcdef' } },
      });
    await Promise.all([WORK, OTHER].map((ns) => waitRolledOut(k, ns, DEP, 3)));
  }, 4 * SETTLE_MS);

  afterAll(async () => {
    for (const a of agents.splice(0)) await a.stop();
    for (const s of served.splice(0)) await s.close();
    for (const r of runtimes.splice(0)) r.close();
    for (const [release, ns] of [
      [REL, REL],
      [RO, RO],
    ])
      helm(['uninstall', release, '--namespace', ns, '--kubeconfig', KUBECONFIG ?? '']);
    if (k) for (const name of [REL, RO, WORK, OTHER]) await k.core.deleteNamespace({ name }).catch(() => undefined);
  }, 2 * SETTLE_MS);

  it('kubectl kustomize builds every directory of deploy/manifests into the namespace and the rendered objects', () => {
    for (const profile of ['operator', 'read-only', 'agent']) {
      const dir = join(ROOT, 'deploy/manifests', profile);
      const built = parseManifests(kubectl(['kustomize', dir]));
      const files = [
        ...parseManifests(readFileSync(join(dir, 'namespace.yaml'), 'utf8')),
        ...parseManifests(readFileSync(join(dir, 'sentinelops.yaml'), 'utf8')),
      ];
      const key = (o: { kind: string; metadata: { name: string; namespace?: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      expect(built.map(key).sort(), profile).toEqual(files.map(key).sort());
      expect(built.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('sentinelops');
    }
  });

  it(
    'server-side dry-run accepts the rendered manifests of every variant',
    () => {
      for (const [name, values] of Object.entries(VARIANTS)) {
        // No ServiceMonitor CRD on a bare control plane; its rendering is covered by chart.test.ts.
        if (name === 'service-monitor') continue;
        const v = deepMerge(values, {
          ...((values.namespaces as { allowed?: string[] })?.allowed ? { namespaces: { allowed: [WORK, OTHER] } } : {}),
          chaos: { allowedNamespaces: [WORK] },
        });
        const text = render(v, `dry-${REL}`, REL);
        const out = kubectl(['apply', '--dry-run=server', '-f', '-'], text);
        expect(out, name).toMatch(/serviceaccount\/.* created \(server dry run\)/);
        expect(out, name).toMatch(/clusterrole.rbac.authorization.k8s.io\/.* created \(server dry run\)/);
      }
    },
    T.timeout,
  );

  it(
    'helm install creates the operator release and the read-only release',
    async () => {
      const install = (release: string, ns: string, values: Record<string, unknown>) => {
        const r = helm(['install', release, CHART, '--namespace', ns, '--kubeconfig', KUBECONFIG!, '-f', valuesFile(values)]);
        expect(r.code, r.stderr).toBe(0);
        return r.stdout;
      };
      install(REL, REL, {
        mode: 'both',
        namespaces: { allowed: [WORK], default: WORK },
        chaos: { enabled: true, allowedNamespaces: [WORK] },
        agent: { leaderElection: { leaseName: LEASE } },
        store: { persistence: { enabled: false } },
      });
      install(RO, RO, { readOnly: true, store: { persistence: { enabled: false } } });
      const sa = await k.core.readNamespacedServiceAccount({ namespace: REL, name: fullname(REL) });
      expect(sa.metadata?.name).toBe(fullname(REL));
      const roles = kubectl(['get', 'roles', '-A', '-l', `app.kubernetes.io/instance=${REL}`, '-o', 'name']);
      expect(roles.trim().split('\n').sort()).toEqual(
        [
          `role.rbac.authorization.k8s.io/${fullname(REL)}-agent`,
          `role.rbac.authorization.k8s.io/${fullname(REL)}-agent-lease`,
          ...['chaos', 'operator', 'read-only'].map((p) => `role.rbac.authorization.k8s.io/${fullname(REL)}-${p}`),
        ].sort(),
      );
      const clusterRoles = kubectl(['get', 'clusterroles', '-l', `app.kubernetes.io/instance=${RO}`, '-o', 'name']);
      expect(clusterRoles.trim()).toBe(`clusterrole.rbac.authorization.k8s.io/${fullname(RO)}-read-only`);
      for (const ns of [REL, RO]) {
        const d = await k.apps.readNamespacedDeployment({ namespace: ns, name: fullname(ns) });
        expect(d.spec?.template.spec?.serviceAccountName).toBe(fullname(ns));
      }
    },
    T.timeout,
  );

  /** A kubeconfig for the release's ServiceAccount: the admin kubeconfig's cluster, a TokenRequest token. */
  async function serviceAccountKubeconfig(ns: string): Promise<string> {
    const tr = await k.core.createNamespacedServiceAccountToken({
      namespace: ns,
      name: fullname(ns),
      body: { spec: { expirationSeconds: 3600, audiences: [] } },
    });
    const token = tr.status?.token;
    expect(token).toBeTruthy();
    const cluster = admin.getCurrentCluster()!;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'sa', token }],
      contexts: [{ name: 'sa', cluster: cluster.name, user: 'sa', namespace: ns }],
      currentContext: 'sa',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'sentinelops-sa-')), 'kubeconfig');
    writeFileSync(file, kc.exportConfig());
    return file;
  }

  async function serveAs(ns: string, config: Record<string, unknown>): Promise<Served> {
    const dir = mkdtempSync(join(tmpdir(), 'sentinelops-deploy-e2e-'));
    const cfg = parseConfig(
      deepMerge(
        {
          cluster: { mode: 'kubeconfig', kubeconfig: await serviceAccountKubeconfig(ns), defaultNamespace: WORK },
          store: { path: join(dir, 'sentinelops.db') },
          log: { level: 'silent' },
          safety: { cooldownSeconds: 0, minReplicas: 1 },
        },
        config,
      ),
    );
    const runtime = createRuntime(cfg, { logger: silentLogger() });
    const { server, cleanup } = createServer(runtime.deps);
    const client = new Client({ name: 'deploy-e2e', version: '1.0.0' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    await client.connect(a);
    const s: Served = {
      runtime,
      client,
      tools: toolCaller(client),
      close: async () => {
        await client.close();
        await cleanup();
        runtime.close();
      },
    };
    served.push(s);
    return s;
  }

  // The disruption budget is off: this suite proves permissions, and it disrupts one deployment back to back.
  const operatorConfig = {
    safety: { allowedNamespaces: [WORK], disruptionWindowSeconds: 0 },
    chaos: { enabled: true, allowedNamespaces: [WORK], backend: 'kubernetes' },
  };

  it(
    'operator ServiceAccount: every read tool works in the allowed namespace (no 403 anywhere)',
    async () => {
      const s = await serveAs(REL, operatorConfig);
      const pod = (await readyPods(k, WORK, DEP))[0]!.metadata!.name!;
      // Arguments per read tool; a read tool added to ALL_TOOLS without one here fails this test.
      const calls: Record<string, Record<string, unknown>> = {
        cluster_health: { namespace: WORK },
        list_pods: { namespace: WORK },
        list_deployments: { namespace: WORK },
        list_nodes: {},
        list_events: { namespace: WORK },
        get_pod_logs: { namespace: WORK, pod, tailLines: 5 },
        get_metrics: { namespace: WORK },
        query_prometheus: { query: 'up' },
        list_incidents: {},
        list_notifications: {},
        list_plans: {},
        list_clusters: {},
        get_incident: { id: 'inc-999999' },
        incident_stats: {},
        cost_report: { namespace: WORK },
        cost_savings: { namespace: WORK },
        cost_recommendations: { namespace: WORK },
        chaos_status: {},
        agent_status: {},
        agent_observation: { namespaces: [WORK] },
      };
      const readTools = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
      expect(Object.keys(calls).sort()).toEqual([...readTools].sort());
      // These do not touch the cluster in a way that can succeed here: kwok keeps no logs, no Prometheus is
      // configured, the incident does not exist, no agent runs in this server. Their errors must not be RBAC's.
      const mayFail: Record<string, RegExp> = {
        get_pod_logs: /no logs available for pod/,
        query_prometheus: /Prometheus|prometheus/,
        get_incident: /not found/,
        agent_status: /agent/,
        // Without metrics-server (SENTINELOPS_METRICS_SERVER=0) the aggregated API answers 503/500, never 403.
        ...(metricsServer.missing === undefined ? {} : { get_metrics: /metrics/ }),
      };
      for (const [tool, args] of Object.entries(calls)) {
        const r = await s.tools.call(tool, args);
        const text = textOf(r);
        expect(text, tool).not.toMatch(FORBIDDEN);
        if (r.isError) expect(text, `${tool} failed: ${text}`).toMatch(mayFail[tool] ?? /^$/);
      }
      const deployments = await s.tools.ok<{ items: { name: string }[] }>('list_deployments', { namespace: WORK });
      expect(deployments.items.map((d) => d.name)).toEqual([DEP]);
      const health = await s.tools.ok<{ apiServer: { reachable: boolean }; pods: { total: number } }>('cluster_health', { namespace: WORK });
      expect(health.apiServer.reachable).toBe(true);
      expect(health.pods.total).toBe(3);
    },
    T.timeout,
  );

  it(
    'operator ServiceAccount: every mutating tool works in the allowed namespace',
    async () => {
      const s = served[0] ?? (await serveAs(REL, operatorConfig));
      await s.tools.ok('scale_deployment', { namespace: WORK, deployment: DEP, replicas: 4 });
      await waitRolledOut(k, WORK, DEP, 4);
      const restarted = await s.tools.ok<{ auditId: number }>('restart_deployment', { namespace: WORK, deployment: DEP, wait: true, timeoutSeconds: 60 });
      // Undo puts the pod template before the restart back, under the same RBAC as the restart.
      await s.tools.ok('undo_action', { id: restarted.auditId });
      await waitRolledOut(k, WORK, DEP, 4);
      await s.tools.ok('rollback_deployment', { namespace: WORK, deployment: DEP });
      await waitRolledOut(k, WORK, DEP, 4);
      const deleted = await s.tools.ok<{ after: { deleted: string } }>('delete_pod', { namespace: WORK, deployment: DEP });
      expect(deleted.after.deleted).toBeTruthy();
      await waitRolledOut(k, WORK, DEP, 4);
      await s.tools.ok('log_incident', { type: 'crash_loop', severity: 'high', namespace: WORK, target: DEP, title: 'deploy e2e' });
      // Chaos: pod deletion and a burner pod, then cleanup removes the burner by label.
      await s.tools.ok('chaos_pod_crash', { namespace: WORK, deployment: DEP });
      await waitRolledOut(k, WORK, DEP, 4);
      await s.tools.ok('chaos_cascade', { namespace: WORK, deployment: DEP, count: 1 });
      await waitRolledOut(k, WORK, DEP, 4);
      const spike = await s.tools.ok<{ after: { id: string } }>('chaos_cpu_spike', { namespace: WORK, deployment: DEP, pods: 1, durationSeconds: 60 });
      const burners = await k.core.listNamespacedPod({ namespace: WORK, labelSelector: `sentinelops.dev/chaos=${spike.after.id}` });
      expect(burners.items).toHaveLength(1);
      await s.tools.ok('chaos_cleanup', { id: spike.after.id });
      await eventually(
        async () =>
          (await k.core.listNamespacedPod({ namespace: WORK, labelSelector: `sentinelops.dev/chaos=${spike.after.id}` })).items.filter(
            (p) => !p.metadata?.deletionTimestamp,
          ).length === 0 || undefined,
        SETTLE_MS,
        250,
      );
      // Every mutating tool was exercised, except agent_run_cycle (it needs an agent; the agent test covers it),
      // agent_state (the agent's memory: store only, no cluster call) and the approval pair propose_plan/decide_plan
      // (test/approvals: a decided plan runs the same scale/restart/rollback/delete services exercised here).
      const mutating = ALL_TOOLS.filter((t) => !t.annotations.readOnlyHint).map((t) => t.name);
      const audited = new Set(
        s.runtime.deps.store.audit
          .list({})
          .filter((a) => a.ok)
          .map((a) => a.tool),
      );
      const elsewhere = new Set(['agent_run_cycle', 'log_incident', 'agent_state', 'propose_plan', 'decide_plan']);
      expect(mutating.filter((t) => !audited.has(t) && !elsewhere.has(t))).toEqual([]);
    },
    4 * SETTLE_MS,
  );

  it(
    'operator ServiceAccount outside its allowed namespace: the API server refuses (403), even when the server would allow it',
    async () => {
      // The server's own guard is opened to OTHER, so only RBAC stands in the way.
      const s = await serveAs(REL, { safety: { allowedNamespaces: [WORK, OTHER] } });
      expect(await s.tools.fails('list_pods', { namespace: OTHER })).toMatch(FORBIDDEN);
      expect(await s.tools.fails('scale_deployment', { namespace: OTHER, deployment: DEP, replicas: 2 })).toMatch(FORBIDDEN);
      expect(await s.tools.fails('list_pods', {})).toMatch(FORBIDDEN);
      expect((await k.apps.readNamespacedDeployment({ namespace: OTHER, name: DEP })).spec?.replicas).toBe(3);
    },
    T.timeout,
  );

  it(
    'read-only ServiceAccount: every mutation is refused by the API server itself (403) as a clear tool error; reads work cluster-wide',
    async () => {
      // readOnly false on purpose: the server registers the mutating tools, and RBAC alone must stop them.
      const s = await serveAs(RO, { safety: { readOnly: false, allowedNamespaces: [] } });
      // A second revision (nginx 1.27 -> 1.28), so a rollback has something to patch back to.
      await k.apps.patchNamespacedDeployment({
        namespace: OTHER,
        name: DEP,
        body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.28' }],
      });
      await waitRolledOut(k, OTHER, DEP, 3);
      const before = await k.apps.readNamespacedDeployment({ namespace: OTHER, name: DEP });
      const refusals = {
        scale_deployment: { namespace: OTHER, deployment: DEP, replicas: 2 },
        restart_deployment: { namespace: OTHER, deployment: DEP },
        rollback_deployment: { namespace: OTHER, deployment: DEP, toRevision: 1 },
        delete_pod: { namespace: OTHER, deployment: DEP },
      };
      for (const [tool, args] of Object.entries(refusals)) {
        const r = await s.tools.call(tool, args);
        expect(r.isError, tool).toBe(true);
        expect(textOf(r), tool).toMatch(FORBIDDEN);
        expect(textOf(r), tool).toMatch(/the service account needs more permissions/);
      }
      const after = await k.apps.readNamespacedDeployment({ namespace: OTHER, name: DEP });
      expect(after.metadata?.generation).toBe(before.metadata?.generation);
      expect((await readyPods(k, OTHER, DEP)).length).toBe(3);
      const pods = await s.tools.ok<{ items: { namespace: string }[] }>('list_pods', {});
      expect(new Set(pods.items.map((p) => p.namespace))).toContain(OTHER);
      await s.tools.ok('list_nodes', {});
    },
    T.timeout,
  );

  it('SubjectAccessReview: the chart grants neither secrets, nor namespaces, nor anything outside the allowed namespaces', async () => {
    const authz = admin.makeApiClient(AuthorizationV1Api);
    const can = async (ns: string, attrs: { verb: string; resource: string; group?: string; namespace?: string; name?: string; subresource?: string }) => {
      const r = await authz.createSubjectAccessReview({
        body: {
          spec: {
            user: `system:serviceaccount:${ns}:${fullname(ns)}`,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
            resourceAttributes: { group: '', ...attrs },
          },
        },
      });
      return r.status?.allowed === true;
    };
    const denied: [string, Parameters<typeof can>[1]][] = [
      [REL, { verb: 'get', resource: 'secrets', namespace: WORK }],
      [REL, { verb: 'list', resource: 'secrets' }],
      [REL, { verb: 'get', resource: 'secrets', namespace: REL, name: 'sentinelops-token' }],
      [REL, { verb: 'delete', resource: 'namespaces', name: WORK }],
      [REL, { verb: 'create', resource: 'namespaces' }],
      [REL, { verb: 'list', resource: 'pods', namespace: OTHER }],
      [REL, { verb: 'patch', resource: 'deployments', group: 'apps', namespace: OTHER }],
      [REL, { verb: 'delete', resource: 'pods', namespace: OTHER }],
      [REL, { verb: 'create', resource: 'pods', namespace: OTHER }],
      [REL, { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: REL, name: 'someone-elses-lease' }],
      [REL, { verb: 'delete', resource: 'deployments', group: 'apps', namespace: WORK }],
      [REL, { verb: 'create', resource: 'pods', subresource: 'exec', namespace: WORK }],
      [REL, { verb: 'bind', resource: 'clusterroles', group: 'rbac.authorization.k8s.io' }],
      [REL, { verb: 'impersonate', resource: 'serviceaccounts' }],
      [RO, { verb: 'get', resource: 'secrets', namespace: WORK }],
      [RO, { verb: 'delete', resource: 'namespaces', name: WORK }],
      [RO, { verb: 'patch', resource: 'deployments', group: 'apps', namespace: WORK }],
      [RO, { verb: 'delete', resource: 'pods', namespace: WORK }],
      [RO, { verb: 'create', resource: 'pods', namespace: WORK }],
      [RO, { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: RO }],
    ];
    const allowed: [string, Parameters<typeof can>[1]][] = [
      [REL, { verb: 'patch', resource: 'deployments', group: 'apps', namespace: WORK }],
      [REL, { verb: 'delete', resource: 'pods', namespace: WORK }],
      [REL, { verb: 'create', resource: 'pods', namespace: WORK }],
      [REL, { verb: 'get', resource: 'pods', subresource: 'log', namespace: WORK }],
      [REL, { verb: 'list', resource: 'nodes' }],
      [REL, { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: REL, name: LEASE }],
      [RO, { verb: 'list', resource: 'pods', namespace: WORK }],
      [RO, { verb: 'list', resource: 'pods', group: 'metrics.k8s.io', namespace: OTHER }],
    ];
    for (const [ns, attrs] of denied) expect(await can(ns, attrs), `${ns} ${JSON.stringify(attrs)} must be denied`).toBe(false);
    for (const [ns, attrs] of allowed) expect(await can(ns, attrs), `${ns} ${JSON.stringify(attrs)} must be allowed`).toBe(true);
  });

  it(
    "the agent with the operator ServiceAccount: leads on the chart's Lease, watches, and heals a crash-looping pod",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sentinelops-deploy-agent-'));
      const config = parseConfig({
        cluster: { mode: 'kubeconfig', kubeconfig: await serviceAccountKubeconfig(REL), defaultNamespace: WORK },
        store: { path: join(dir, 'sentinelops.db') },
        log: { level: 'silent' },
        safety: { allowedNamespaces: [WORK], cooldownSeconds: 1, minReplicas: 1 },
        agent: {
          // No interval cycle within the test: after the first (leadership) cycle, only the watches can trigger one.
          intervalSeconds: 600,
          namespaces: [WORK],
          leaderElection: { enabled: true, leaseName: LEASE, leaseNamespace: REL, leaseDurationSeconds: 6, renewSeconds: 2 },
        },
      });
      const runtime = createRuntime(config, { logger: silentLogger() });
      runtimes.push(runtime);
      const cycles: CycleReport[] = [];
      const agent = await startAgent({
        config,
        logger: silentLogger(),
        deps: runtime.deps,
        kubeConfig: runtime.deps.cluster.kubeConfig,
        identity: 'deploy-e2e',
        summary: null,
        onCycle: (c) => cycles.push(c),
      });
      agents.push(agent);
      await eventually(async () => agent.leader?.isLeader() || undefined, 20_000, 250);
      const held = await admin.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace: REL, name: LEASE });
      expect(held.spec?.holderIdentity).toBe('deploy-e2e');
      await eventually(async () => cycles.filter((c) => !c.error && !c.skipped).length >= 1 || undefined, 30_000, 250);
      expect(cycles.filter((c) => c.error)).toEqual([]);

      const [victim] = await readyPods(k, WORK, DEP);
      await k.core.patchNamespacedPod({
        namespace: WORK,
        name: victim!.metadata!.name!,
        body: [{ op: 'add', path: '/metadata/annotations/sentinelops.dev~1fault', value: 'crashloop' }],
      });
      const restart = await eventually(
        async () => cycles.flatMap((c) => c.results).find((r) => r.tool === 'restart_deployment' || r.tool === 'delete_pod'),
        60_000,
        250,
      );
      expect(restart).toMatchObject({ ok: true, arguments: { namespace: WORK, deployment: DEP } });
      // The pod watch (pods: watch in the agent profile) is what woke the agent up.
      expect(cycles.find((c) => c.results.includes(restart!))?.trigger).toMatch(/^watch: /);
      expect(cycles.filter((c) => c.error)).toEqual([]);
    },
    3 * SETTLE_MS,
  );
});
