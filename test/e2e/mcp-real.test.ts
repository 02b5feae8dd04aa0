/**
 * The MCP server against a real Kubernetes API (test/cluster/up.sh: kube-apiserver, controllers, kwok fake
 * nodes, metrics-server; or any cluster named by SENTINELOPS_E2E_KUBECONFIG). An SDK Client drives
 * createServer() over the in-memory transport, and another drives the real stdio CLI; every read tool is
 * called, and every mutating tool's effect is checked with client-node in a throwaway namespace.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepMerge, parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/base/log.js';
import { createServer } from '../../src/mcp/create-server.js';
import type { ServerDeps } from '../../src/catalog/deps.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import {
  eventually,
  kube,
  kubeconfigPath,
  textOf,
  metricsServer,
  nginxDeployment,
  readyPods,
  realCluster,
  SETTLE_MS,
  toolCaller,
  uniqueNamespace,
  waitRolledOut,
  type Kube,
  type ToolCaller,
} from './helpers.js';
import { describeWith, itWith } from '../helpers/prerequisite.js';

const ROOT = resolve(__dirname, '../..');
const NS = uniqueNamespace('e2e-mcp');
const DEP = 'web';
const T = { timeout: 2 * SETTLE_MS };

interface Served {
  runtime: Runtime;
  deps: ServerDeps;
  client: Client;
  tools: ToolCaller;
  close(): Promise<void>;
}

/** createRuntime + createServer on the real cluster, an SDK client over the linked in-memory transport. */
async function serve(safety: Record<string, unknown> = {}): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-e2e-'));
  const config = parseConfig(
    deepMerge(
      {
        cluster: { mode: 'kubeconfig', kubeconfig: kubeconfigPath, defaultNamespace: NS },
        store: { path: join(dir, 'sentinelops.db') },
        log: { level: 'silent' },
      },
      { safety: { cooldownSeconds: 0, ...safety } },
    ),
  );
  const runtime = createRuntime(config, { logger: silentLogger() });
  const { server, cleanup } = createServer(runtime.deps);
  const client = new Client({ name: 'e2e-client', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  return {
    runtime,
    deps: runtime.deps,
    client,
    tools: toolCaller(client),
    close: async () => {
      await client.close();
      await cleanup();
      runtime.close();
    },
  };
}

describeWith(realCluster, 'MCP server on a real cluster (SENTINELOPS_E2E_KUBECONFIG)', () => {
  let k: Kube;
  let s: Served;
  let t: ToolCaller;
  const specReplicas = async () => (await k.apps.readNamespacedDeployment({ namespace: NS, name: DEP })).spec?.replicas;
  const image = async () => (await k.apps.readNamespacedDeployment({ namespace: NS, name: DEP })).spec?.template?.spec?.containers[0]?.image;
  const lastAudit = () => s.deps.store.audit.list({ limit: 1 })[0]!;

  beforeAll(async () => {
    k = kube(kubeconfigPath);
    await k.core.createNamespace({ body: { metadata: { name: NS } } });
    await k.apps.createNamespacedDeployment({ namespace: NS, body: nginxDeployment(DEP, 3) });
    await waitRolledOut(k, NS, DEP, 3);
    s = await serve();
    t = s.tools;
  }, 2 * SETTLE_MS);

  afterAll(async () => {
    await s?.close();
    await k?.core.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  describe('read tools', () => {
    it('cluster_health: the API server is reachable and every node is Ready', async () => {
      const h = await t.ok<{
        apiServer: { reachable: boolean; version: string | null };
        nodes: { total: number; ready: number };
        pods: { byPhase: Record<string, number> };
        metrics: { source: string | null; available: boolean };
      }>('cluster_health', { namespace: NS });
      expect(h.apiServer.reachable).toBe(true);
      expect(h.apiServer.version).toMatch(/^v1\.\d+/);
      expect(h.nodes.total).toBeGreaterThan(0);
      expect(h.nodes.ready).toBe(h.nodes.total);
      expect(h.pods.byPhase.Running).toBe(3);
      // ageMs: how old the usage read is (added when metrics were read).
      expect(h.metrics).toMatchObject(metricsServer.missing ? { source: null, available: false } : { source: 'metrics-server', available: true });
    });

    it('list_pods, list_deployments and list_nodes describe what client-node sees', async () => {
      const pods = await t.ok<{
        items: { name: string; ownerDeployment: string | null; phase: string; ready: boolean; node: string | null }[];
        truncated: boolean;
      }>('list_pods', { namespace: NS });
      const real = (await readyPods(k, NS, DEP)).map((p) => p.metadata!.name!).sort();
      expect(pods.items.map((p) => p.name).sort()).toEqual(real);
      expect(pods.items.every((p) => p.ownerDeployment === DEP && p.phase === 'Running' && p.ready && p.node)).toBe(true);
      const one = await t.ok<{ items: unknown[]; truncated: boolean; continue?: string }>('list_pods', { namespace: NS, limit: 1 });
      expect(one.items).toHaveLength(1);
      expect(one.truncated).toBe(true);
      expect((await t.ok<{ items: unknown[] }>('list_pods', { namespace: NS, status: 'failed' })).items).toEqual([]);

      const deps = await t.ok<{
        items: { name: string; replicas: number; readyReplicas: number; revision: number; images: string[]; hpaControlled: boolean }[];
      }>('list_deployments', { namespace: NS });
      expect(deps.items).toEqual([
        expect.objectContaining({ name: DEP, replicas: 3, readyReplicas: 3, revision: 1, images: ['nginx:1.27'], hpaControlled: false }),
      ]);

      const nodes = await t.ok<{ items: { name: string; ready: boolean; cpuAllocatableMillicores: number }[] }>('list_nodes');
      const realNodes = (await k.core.listNode()).items.map((n) => n.metadata!.name!).sort();
      expect(nodes.items.map((n) => n.name).sort()).toEqual(realNodes);
      expect(nodes.items.every((n) => n.ready && n.cpuAllocatableMillicores > 0)).toBe(true);
    });

    it("list_events returns the controllers' events for the namespace", async () => {
      const events = await eventually(async () => {
        const e = await t.ok<{ items: { object: string; reason: string; type: string }[] }>('list_events', { namespace: NS });
        return e.items.some((i) => i.reason === 'Scheduled') && e.items.some((i) => i.reason === 'ScalingReplicaSet') ? e : undefined;
      }, SETTLE_MS);
      expect(events.items.every((i) => i.type === 'Normal' || i.type === 'Warning')).toBe(true);
      // A healthy namespace may have no Warning at all: write one, so the type filter has something to keep and to drop.
      const now = new Date();
      await k.core.createNamespacedEvent({
        namespace: NS,
        body: {
          metadata: { name: 'e2e-warning' },
          involvedObject: { kind: 'Deployment', namespace: NS, name: DEP },
          reason: 'E2eWarning',
          message: 'written by the e2e test',
          type: 'Warning',
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
          source: { component: 'sentinelops-e2e' },
        },
      });
      const warnings = await t.ok<{ items: { type: string; reason: string }[] }>('list_events', { namespace: NS, type: 'Warning' });
      expect(warnings.items.map((i) => i.reason)).toContain('E2eWarning');
      expect(warnings.items.every((i) => i.type === 'Warning')).toBe(true);
    });

    it('get_pod_logs: a pod without logs (kwok runs no containers) is a clear tool error; a missing pod is not found', async () => {
      const target = (await readyPods(k, NS, DEP))[0]!;
      const pod = target.metadata!.name!;
      const node = await k.core.readNode({ name: target.spec!.nodeName! });
      const r = await t.call('get_pod_logs', { namespace: NS, pod, tailLines: 10 });
      if (node.metadata?.annotations?.['kwok.x-k8s.io/node'] === 'fake') {
        // kwok answers 400 "no logs found for container"; a real kubelet returns the (possibly empty) log.
        expect(r.isError).toBe(true);
        expect(textOf(r)).toMatch(
          new RegExp(
            `^no logs available for pod ${NS}/${pod}: no logs found for container "nginx".*; the container may not have started or written anything yet; list_pods and list_events show its state$`,
          ),
        );
      } else {
        expect(r.isError).toBeFalsy();
        expect(Array.isArray((r.structuredContent as { lines: string[] }).lines)).toBe(true);
      }
      expect(await t.fails('get_pod_logs', { namespace: NS, pod, previous: true })).toMatch(/previous=true needs a container that has restarted/);
      expect(await t.fails('get_pod_logs', { namespace: NS, pod: 'nope' })).toMatch(new RegExp(`pod ${NS}/nope not found; list_pods shows what exists`));
    });

    // metrics-server needs two scrapes 15 s apart before it reports a new pod's CPU: ~35 s on a fresh pod.
    itWith(
      metricsServer,
      "get_metrics reads metrics-server: kwok's annotated usage as % of request",
      async () => {
        const row = await eventually(
          async () => {
            const m = await t.ok<{
              source: string;
              items: {
                kind: string;
                name: string;
                pods: number;
                podsWithMetrics: number;
                cpuMillicores: number;
                cpuRequestMillicores: number;
                memoryRequestBytes: number;
                cpuUtilization: number | null;
                memoryUtilization: number | null;
              }[];
            }>('get_metrics', { namespace: NS });
            expect(m.source).toBe('metrics-server');
            const r = m.items.find((i) => i.kind === 'deployment' && i.name === DEP);
            return r && r.podsWithMetrics === 3 ? r : undefined;
          },
          SETTLE_MS,
          1000,
        );
        expect(row).toMatchObject({ pods: 3, cpuRequestMillicores: 1500, memoryRequestBytes: 3 * 128 * 1024 * 1024 });
        expect(row.cpuMillicores).toBeCloseTo(750, -1);
        expect(row.cpuUtilization).toBeCloseTo(50, 0);
        expect(row.memoryUtilization).toBeCloseTo(50, 0);
        const pods = await t.ok<{ scope: string; items: { kind: string }[] }>('get_metrics', { namespace: NS, deployment: DEP, scope: 'pod' });
        expect(pods.scope).toBe('pod');
        expect(pods.items).toHaveLength(3);
        expect(pods.items.every((i) => i.kind === 'pod')).toBe(true);
      },
      T.timeout,
    );
  });

  describe('mutating tools', () => {
    it(
      'scale_deployment sets spec.replicas and the pods follow; the audit row has before and after',
      async () => {
        const r = await t.ok<{ dryRun: boolean; before: { replicas: number }; after: { replicas: number } }>('scale_deployment', {
          namespace: NS,
          deployment: DEP,
          replicas: 4,
        });
        expect(r).toMatchObject({ dryRun: false, before: { replicas: 3 }, after: { replicas: 4 } });
        expect(await specReplicas()).toBe(4);
        await waitRolledOut(k, NS, DEP, 4);
        expect(lastAudit()).toMatchObject({
          caller: 'e2e-client',
          tool: 'scale_deployment',
          target: `deployment/${NS}/${DEP}`,
          ok: true,
          before: { replicas: 3 },
          after: { replicas: 4 },
        });
      },
      T.timeout,
    );

    it(
      'restart_deployment (wait) creates a new ReplicaSet and reports progress',
      async () => {
        const rsNames = async () =>
          (await k.apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: `app=${DEP}` })).items.map((rs) => rs.metadata!.name!);
        const before = await rsNames();
        const progress: string[] = [];
        const result = await s.client.callTool(
          { name: 'restart_deployment', arguments: { namespace: NS, deployment: DEP, wait: true, timeoutSeconds: 60 } },
          undefined,
          { onprogress: (p) => void progress.push(p.message ?? ''), timeout: T.timeout },
        );
        expect(result.isError).toBeFalsy();
        const out = result.structuredContent as { after: { restartedAt: string; rollout: { done: boolean; updated: number; desired: number } } };
        expect(out.after.rollout).toMatchObject({ done: true, updated: 4, desired: 4 });
        expect(progress.at(-1)).toBe('rolled out: 4/4 available');
        const after = await rsNames();
        const created = after.filter((n) => !before.includes(n));
        expect(created).toHaveLength(1);
        const rs = await k.apps.readNamespacedReplicaSet({ namespace: NS, name: created[0]! });
        expect(rs.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(out.after.restartedAt);
        expect(rs.status?.readyReplicas).toBe(4);
        expect(lastAudit()).toMatchObject({ tool: 'restart_deployment', ok: true });
      },
      T.timeout,
    );

    it(
      'delete_pod deletes a named pod, and the ReplicaSet replaces it',
      async () => {
        await waitRolledOut(k, NS, DEP, 4);
        const victim = (await readyPods(k, NS, DEP))[0]!.metadata!.name!;
        const r = await t.ok<{ after: { deleted: string } }>('delete_pod', { namespace: NS, pod: victim });
        expect(r.after.deleted).toBe(victim);
        await eventually(
          async () => {
            const pods = await readyPods(k, NS, DEP);
            return pods.length === 4 && !pods.some((p) => p.metadata!.name === victim);
          },
          SETTLE_MS,
          250,
        );
        const random = await t.ok<{ before: { pod: { ownerDeployment: string } }; after: { deleted: string } }>('delete_pod', {
          namespace: NS,
          deployment: DEP,
        });
        expect(random.before.pod.ownerDeployment).toBe(DEP);
        expect(lastAudit()).toMatchObject({ tool: 'delete_pod', ok: true, after: { deleted: random.after.deleted } });
        await eventually(
          async () => (await readyPods(k, NS, DEP)).every((p) => p.metadata!.name !== random.after.deleted) && (await readyPods(k, NS, DEP)).length === 4,
          SETTLE_MS,
          250,
        );
      },
      T.timeout,
    );

    it(
      'rollback_deployment after a bad image brings the previous image back',
      async () => {
        const good = await image();
        await k.apps.patchNamespacedDeployment({
          namespace: NS,
          name: DEP,
          body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:does-not-exist' }],
        });
        // kwok's fault stage turns the new pods into ImagePullBackOff; the rollout stalls.
        await eventually(
          async () => {
            const pods = (await k.core.listNamespacedPod({ namespace: NS, labelSelector: `app=${DEP}` })).items;
            return pods.some(
              (p) =>
                p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff' ||
                p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull',
            );
          },
          SETTLE_MS,
          250,
        );
        const bad = await eventually(async () => {
          const d = await t.ok<{ items: { name: string; revision: number; previousRevision: number | null; images: string[] }[] }>('list_deployments', {
            namespace: NS,
          });
          const dep = d.items.find((i) => i.name === DEP)!;
          return dep.images[0] === 'nginx:does-not-exist' && dep.previousRevision !== null ? dep : undefined;
        }, SETTLE_MS);
        const r = await t.ok<{ before: { revision: number; toRevision: number; toImages: string[] }; after: { images: string[]; changed: boolean } }>(
          'rollback_deployment',
          { namespace: NS, deployment: DEP },
        );
        expect(r.before).toMatchObject({ revision: bad.revision, toRevision: bad.previousRevision, toImages: [good] });
        expect(r.after).toEqual({ images: [good], changed: true });
        expect(await image()).toBe(good);
        await waitRolledOut(k, NS, DEP, 4);
        expect(await t.fails('rollback_deployment', { namespace: NS, deployment: DEP, toRevision: 999 })).toMatch(
          new RegExp(`revision 999 of deployment ${NS}/${DEP} not found; available revisions`),
        );
      },
      T.timeout,
    );

    it('refuses protected namespaces and bad input, changes nothing, and audits the refusal', async () => {
      const before = await specReplicas();
      expect(await t.fails('scale_deployment', { namespace: 'kube-system', deployment: 'coredns', replicas: 3 })).toMatch(/namespace kube-system is protected/);
      expect(lastAudit()).toMatchObject({
        ok: false,
        tool: 'scale_deployment',
        target: 'deployment/kube-system/coredns',
        error: expect.stringMatching(/protected/),
      });
      expect(await t.fails('delete_pod', { namespace: 'kube-node-lease', pod: 'anything' })).toMatch(/protected/);
      expect(await t.fails('scale_deployment', { namespace: NS, deployment: DEP, replicas: 50 })).toMatch(/outside the allowed range 2\.\.10/);
      expect(await t.fails('scale_deployment', { namespace: NS, deployment: 'ghost', replicas: 3 })).toMatch(
        new RegExp(`deployment ${NS}/ghost not found; list_deployments shows what exists`),
      );
      expect(await t.fails('scale_deployment', { namespace: NS, deployment: DEP, replicas: -1 })).toMatch(
        /invalid arguments for scale_deployment: replicas: Number must be greater than or equal to 0. Nothing was changed/,
      );
      const dry = await t.ok<{ dryRun: boolean; message: string }>('scale_deployment', { namespace: NS, deployment: DEP, replicas: 2, dryRun: true });
      expect(dry.message).toMatch(new RegExp(`dry run: would scale deployment ${NS}/${DEP} from ${before} to 2 replicas`));
      expect(await specReplicas()).toBe(before);
      const audit = s.deps.store.audit.list({ limit: 100 });
      expect(audit.filter((a) => !a.ok).map((a) => a.target)).toEqual(expect.arrayContaining([`deployment/kube-system/coredns`, `deployment/${NS}/ghost`]));
    });
  });

  describe('read-only profile', () => {
    it('registers no mutating tool, and the read tools still work', async () => {
      const ro = await serve({ readOnly: true });
      try {
        const listed = (await ro.client.listTools()).tools;
        expect(listed.length).toBeGreaterThan(0);
        expect(listed.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
        expect(listed.map((tool) => tool.name)).not.toContain('scale_deployment');
        const before = await specReplicas();
        const r = await ro.tools.call('scale_deployment', { namespace: NS, deployment: DEP, replicas: 5 });
        expect(r.isError).toBe(true);
        expect(await specReplicas()).toBe(before);
        const pods = await ro.tools.ok<{ items: unknown[] }>('list_pods', { namespace: NS });
        expect(pods.items.length).toBe(before);
      } finally {
        await ro.close();
      }
    });
  });

  describe('stdio CLI (tsx src/cli.ts --kubeconfig)', () => {
    it(
      'serves the real cluster: health, pods, and a scale that lands in the cluster',
      async () => {
        const transport = new StdioClientTransport({
          command: process.execPath,
          args: [
            '--import',
            'tsx',
            join(ROOT, 'src/cli.ts'),
            '--kubeconfig',
            kubeconfigPath,
            '--db',
            join(mkdtempSync(join(tmpdir(), 'sentinelops-e2e-stdio-')), 'x.db'),
          ],
          cwd: ROOT,
          env: { ...(process.env as Record<string, string>), LOG_LEVEL: 'warn', SENTINELOPS_COOLDOWN_SECONDS: '0' },
          stderr: 'pipe',
        });
        const client = new Client({ name: 'e2e-stdio', version: '1' });
        await client.connect(transport);
        try {
          const cli = toolCaller(client);
          const health = await cli.ok<{ apiServer: { reachable: boolean; url: string } }>('cluster_health');
          expect(health.apiServer.reachable).toBe(true);
          expect(health.apiServer.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+/);
          const before = await specReplicas();
          const pods = await cli.ok<{ items: { ownerDeployment: string }[] }>('list_pods', { namespace: NS });
          expect(pods.items.length).toBe(before);
          const scaled = await cli.ok<{ after: { replicas: number } }>('scale_deployment', { namespace: NS, deployment: DEP, replicas: 3 });
          expect(scaled.after.replicas).toBe(3);
          expect(await specReplicas()).toBe(3);
          await waitRolledOut(k, NS, DEP, 3);
          expect(await cli.fails('scale_deployment', { namespace: 'kube-system', deployment: 'x', replicas: 3 })).toMatch(/protected/);
        } finally {
          await client.close();
        }
      },
      T.timeout,
    );
  });
});
