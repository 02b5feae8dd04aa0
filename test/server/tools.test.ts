/**
 * Every tool through a real SDK client against the simulator, with its effect checked in the cluster
 * and its audit row in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from './harness.js';

const NS = 'demo';
const DEP = 'nginx-demo';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ safety: { cooldownSeconds: 0 } });
  await eventually(async () => (await h.deps.cluster.readDeployment(NS, DEP)).status?.readyReplicas);
});
afterAll(() => h?.close());

const replicas = async () => (await h.deps.cluster.readDeployment(NS, DEP)).spec?.replicas;
const lastAudit = () => h.deps.store.audit.list({ limit: 1 })[0]!;

describe('observe', () => {
  it('cluster_health reports a reachable API server and ready nodes', async () => {
    const r = await h.ok<{ apiServer: { reachable: boolean; url: string }; nodes: { total: number; ready: number } }>('cluster_health');
    expect(r.apiServer.reachable).toBe(true);
    expect(r.apiServer.url).toBe(h.sim.url);
    expect(r.nodes.total).toBeGreaterThan(0);
    expect(r.nodes.ready).toBe(r.nodes.total);
  });

  it('list_pods returns compact pods owned by the demo deployment', async () => {
    const r = await h.ok<{ items: { name: string; ownerDeployment: string; phase: string }[]; truncated: boolean }>('list_pods', { namespace: NS });
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.every((p) => p.ownerDeployment === DEP)).toBe(true);
    expect(r.truncated).toBe(false);
    const limited = await h.ok<{ items: unknown[]; truncated: boolean }>('list_pods', { namespace: NS, limit: 1 });
    expect(limited.items).toHaveLength(1);
    expect(limited.truncated).toBe(r.items.length > 1);
    const failed = await h.ok<{ items: unknown[] }>('list_pods', { namespace: NS, status: 'failed' });
    expect(failed.items).toEqual([]);
  });

  it('list_deployments shows revision, images and HPA control', async () => {
    const r = await h.ok<{ items: { name: string; revision: number; images: string[]; hpaControlled: boolean }[] }>('list_deployments', { namespace: NS });
    const d = r.items.find((i) => i.name === DEP)!;
    expect(d.revision).toBeGreaterThanOrEqual(1);
    expect(d.images.length).toBeGreaterThan(0);
    expect(d.hpaControlled).toBe(false);
  });

  it('list_nodes and list_events answer', async () => {
    const nodes = await h.ok<{ items: { name: string; ready: boolean; cpuAllocatableMillicores: number }[] }>('list_nodes');
    expect(nodes.items.length).toBeGreaterThan(0);
    expect(nodes.items[0]!.cpuAllocatableMillicores).toBeGreaterThan(0);
    const events = await h.ok<{ items: { object: string }[] }>('list_events', { namespace: NS });
    expect(Array.isArray(events.items)).toBe(true);
  });

  it('get_pod_logs returns lines and applies grep', async () => {
    const pods = await h.ok<{ items: { name: string }[] }>('list_pods', { namespace: NS });
    const pod = pods.items[0]!.name;
    const all = await h.ok<{ lines: string[]; scanned: number }>('get_pod_logs', { namespace: NS, pod, tailLines: 20 });
    expect(all.lines.length).toBeLessThanOrEqual(20);
    const none = await h.ok<{ lines: string[] }>('get_pod_logs', { namespace: NS, pod, grep: 'no-line-has-this-text-42' });
    expect(none.lines).toEqual([]);
    expect(await h.fails('get_pod_logs', { namespace: NS, pod, grep: '(' })).toMatch(/not a valid regular expression/);
    expect(await h.fails('get_pod_logs', { namespace: NS, pod: 'nope' })).toMatch(/pod demo\/nope not found; list_pods shows what exists/);
  });

  it('get_metrics names its source and computes utilization of request', async () => {
    const r = await eventually(async () => {
      const m = await h.ok<{
        source: string;
        complete: boolean;
        items: { name: string; cpuRequestMillicores: number; cpuUtilization: number | null; podsWithMetrics: number }[];
      }>('get_metrics', { namespace: NS });
      return m.items.find((i) => i.name === DEP && i.podsWithMetrics > 0) ? m : undefined;
    });
    expect(r.source).toBe('metrics-server');
    const row = r.items.find((i) => i.name === DEP)!;
    expect(row.cpuRequestMillicores).toBeGreaterThan(0);
    expect(row.cpuUtilization).not.toBeNull();
    const pods = await h.ok<{ scope: string; items: { kind: string }[] }>('get_metrics', { namespace: NS, deployment: DEP, scope: 'pod' });
    expect(pods.items.map((i) => i.kind)).toEqual(['pod', 'pod', 'pod']);
  });
});

describe('act', () => {
  it('scale_deployment changes replicas and audits before/after', async () => {
    const before = await replicas();
    const r = await h.ok<{ dryRun: boolean; before: { replicas: number }; after: { replicas: number } }>('scale_deployment', {
      namespace: NS,
      deployment: DEP,
      replicas: 4,
    });
    expect(r).toMatchObject({ dryRun: false, before: { replicas: before }, after: { replicas: 4 } });
    expect(await replicas()).toBe(4);
    expect(lastAudit()).toMatchObject({
      caller: 'test-client',
      tool: 'scale_deployment',
      target: `deployment/${NS}/${DEP}`,
      ok: true,
      dryRun: false,
      before: { replicas: before },
      after: { replicas: 4 },
    });
  });

  it('bad input is an isError result and changes nothing', async () => {
    const before = await replicas();
    const auditCount = h.deps.store.audit.list({ limit: 1000 }).length;
    expect(await h.fails('scale_deployment', { namespace: NS, deployment: DEP, replicas: -1 })).toBe(
      'invalid arguments for scale_deployment: replicas: Number must be greater than or equal to 0. Nothing was changed.',
    );
    expect(await h.fails('scale_deployment', { namespace: NS, deployment: 'Bad_Name', replicas: 3 })).toMatch(/lowercase Kubernetes name/);
    expect(await h.fails('scale_deployment', { namespace: NS, deployment: DEP, replicas: 'three' })).toMatch(/replicas: Expected number, received string/);
    expect(await replicas()).toBe(before);
    // Refused before the tool runs, each with an audit row of its own.
    const refusals = h.deps.store.audit.list({ limit: 1000 }).slice(0, 3);
    expect(refusals.map((r) => [r.tool, r.ok])).toEqual(Array(3).fill(['scale_deployment', false]));
    expect(h.deps.store.audit.list({ limit: 1000 })).toHaveLength(auditCount + 3);
  });

  it('refuses replicas outside min/max, unknown deployments and protected namespaces, auditing each refusal', async () => {
    const before = await replicas();
    expect(await h.fails('scale_deployment', { namespace: NS, deployment: DEP, replicas: 50 })).toMatch(/outside the allowed range 2\.\.10/);
    expect(lastAudit()).toMatchObject({ ok: false, tool: 'scale_deployment', error: expect.stringMatching(/allowed range/) });
    expect(await h.fails('scale_deployment', { namespace: NS, deployment: 'ghost', replicas: 3 })).toMatch(
      /deployment demo\/ghost not found; list_deployments shows what exists/,
    );
    expect(lastAudit()).toMatchObject({ ok: false, target: 'deployment/demo/ghost' });
    expect(await h.fails('scale_deployment', { namespace: 'kube-system', deployment: 'coredns', replicas: 3 })).toMatch(/namespace kube-system is protected/);
    expect(lastAudit()).toMatchObject({ ok: false, target: 'deployment/kube-system/coredns', error: expect.stringMatching(/protected/) });
    expect(await h.fails('delete_pod', { namespace: 'kube-system', pod: 'anything' })).toMatch(/protected/);
    expect(await replicas()).toBe(before);
  });

  it('dry-run returns the plan and changes nothing', async () => {
    const before = await replicas();
    const r = await h.ok<{ dryRun: boolean; message: string; after?: unknown }>('scale_deployment', {
      namespace: NS,
      deployment: DEP,
      replicas: 2,
      dryRun: true,
    });
    expect(r.dryRun).toBe(true);
    expect(r.message).toMatch(/dry run: would scale deployment demo\/nginx-demo from \d+ to 2 replicas/);
    expect(r.after).toBeUndefined();
    expect(await replicas()).toBe(before);
    expect(lastAudit()).toMatchObject({ dryRun: true, ok: true, after: null });
  });

  it('restart_deployment rolls the pods and reports progress when waiting', async () => {
    const progress: string[] = [];
    const result = await h.client.callTool(
      { name: 'restart_deployment', arguments: { namespace: NS, deployment: DEP, wait: true, timeoutSeconds: 60 } },
      undefined,
      { onprogress: (p) => void progress.push(p.message ?? ''), timeout: 90_000 },
    );
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as { after: { restartedAt: string; rollout: { done: boolean } } };
    expect(out.after.rollout.done).toBe(true);
    // The last progress notification is the rollout's verdict, as `kubectl rollout status` would print it.
    expect(progress.at(-1)).toMatch(/^rolled out: (\d+)\/\1 available$/);
    const dep = await h.deps.cluster.readDeployment(NS, DEP);
    expect(dep.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(out.after.restartedAt);
  });

  it('delete_pod deletes a named pod and a random pod of a deployment', async () => {
    const pods = await h.ok<{ items: { name: string }[] }>('list_pods', { namespace: NS, status: 'running' });
    const victim = pods.items[0]!.name;
    const r = await h.ok<{ after: { deleted: string } }>('delete_pod', { namespace: NS, pod: victim });
    expect(r.after.deleted).toBe(victim);
    await eventually(async () => {
      const p = await h.deps.cluster.readPod(NS, victim).catch(() => undefined);
      return !p || p.metadata?.deletionTimestamp !== undefined;
    });
    const random = await h.ok<{ before: { pod: { ownerDeployment: string } }; after: { deleted: string } }>('delete_pod', { namespace: NS, deployment: DEP });
    expect(random.before.pod.ownerDeployment).toBe(DEP);
    expect(await h.fails('delete_pod', { namespace: NS })).toMatch(/exactly one of pod .* or deployment/);
  });

  it("rollback_deployment restores the previous revision's template", async () => {
    const original = (await h.deps.cluster.readDeployment(NS, DEP)).spec!.template!.spec!.containers[0]!.image!;
    await h.deps.cluster.patchDeployment(NS, DEP, {
      spec: {
        template: {
          spec: {
            containers: [{ name: (await h.deps.cluster.readDeployment(NS, DEP)).spec!.template!.spec!.containers[0]!.name, image: 'nginx:does-not-exist' }],
          },
        },
      },
    });
    const bad = await eventually(async () => {
      const d = await h.ok<{ items: { name: string; revision: number; previousRevision: number | null; images: string[] }[] }>('list_deployments', {
        namespace: NS,
      });
      const dep = d.items.find((i) => i.name === DEP)!;
      return dep.images[0] === 'nginx:does-not-exist' && dep.previousRevision !== null ? dep : undefined;
    });
    const r = await h.ok<{ before: { revision: number; toRevision: number; toImages: string[] }; after: { images: string[]; changed: boolean } }>(
      'rollback_deployment',
      { namespace: NS, deployment: DEP },
    );
    expect(r.before.revision).toBe(bad.revision);
    expect(r.before.toRevision).toBe(bad.previousRevision);
    expect(r.after).toEqual({ images: [original], changed: true });
    expect((await h.deps.cluster.readDeployment(NS, DEP)).spec!.template!.spec!.containers[0]!.image).toBe(original);
    expect(await h.fails('rollback_deployment', { namespace: NS, deployment: DEP, toRevision: 999 })).toMatch(
      /revision 999 of deployment demo\/nginx-demo not found; available revisions/,
    );
  });
});

describe('incidents', () => {
  it('log_incident opens, acts on and resolves; list/get/stats read them back', async () => {
    const opened = await h.ok<{ created: boolean; incident: { id: string; outcome: string } }>('log_incident', {
      type: 'crash_loop',
      severity: 'high',
      namespace: NS,
      target: DEP,
      title: 'nginx-demo crash-looping',
      details: { restarts: 5 },
    });
    expect(opened).toMatchObject({ created: true, incident: { outcome: 'open' } });
    const id = opened.incident.id;
    const acted = await h.ok<{ incident: { acknowledgedAt: string | null; actions: unknown[] } }>('log_incident', {
      id,
      action: { tool: 'restart_deployment', arguments: { deployment: DEP }, ok: true, reason: 'restart once' },
    });
    expect(acted.incident.acknowledgedAt).not.toBeNull();
    expect(acted.incident.actions).toHaveLength(1);
    const resolved = await h.ok<{ incident: { outcome: string; resolvedAt: string } }>('log_incident', { id, outcome: 'resolved' });
    expect(resolved.incident.outcome).toBe('resolved');
    const list = await h.ok<{ items: { id: string }[] }>('list_incidents', { namespace: NS });
    expect(list.items.map((i) => i.id)).toContain(id);
    const got = await h.ok<{ id: string; details: unknown }>('get_incident', { id });
    expect(got).toMatchObject({ id, details: { restarts: 5 } });
    const stats = await h.ok<{ total: number; byType: Record<string, number>; mttrSeconds: { count: number } }>('incident_stats');
    expect(stats.byType.crash_loop).toBeGreaterThanOrEqual(1);
    expect(stats.mttrSeconds.count).toBeGreaterThanOrEqual(1);
    expect(await h.fails('get_incident', { id: 'inc-99999' })).toMatch(/incident inc-99999 not found; list_incidents/);
    expect(await h.fails('log_incident', { type: 'x' })).toMatch(/a new incident needs severity, namespace, target, title/);
    expect(h.deps.store.audit.list({ tool: 'log_incident', limit: 10 }).length).toBeGreaterThanOrEqual(4);
  });
});

describe('replica history', () => {
  it('sampleReplicas records every deployment', async () => {
    const { sampleReplicas } = await import('../../src/services/replica-sampler.js');
    const n = await sampleReplicas(h.deps);
    expect(n).toBeGreaterThan(0);
    const rows = h.deps.store.replicas.list({ namespace: NS, deployment: DEP });
    expect(rows.at(-1)).toMatchObject({ namespace: NS, deployment: DEP, replicas: await replicas() });
  });
});
