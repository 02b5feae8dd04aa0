import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/cluster.js';
import { rankForDeletion } from '../../src/sim/controllers/replicaset.js';
import { R } from '../../src/sim/resources.js';
import type { KObject } from '../../src/sim/types.js';
import { stockDeployment } from '../../src/sim/objects.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function boot(opts: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({ clock: new VirtualClock(), serve: false, seed: 3, workload: { noise: 0 }, ...opts });
  return sim;
}

const deployment = (name: string, replicas: number, spec: Record<string, unknown> = {}) => stockDeployment({ namespace: 'default', name, replicas, spec });

const pods = (s: Simulator, ns = 'default') => s.store.list(R.pods, { namespace: ns }).items;
const rss = (s: Simulator, ns = 'default') => s.store.list(R.replicasets, { namespace: ns }).items;
const get = (s: Simulator, name: string, ns = 'default') => s.store.get(R.deployments, ns, name)!;
const setImage = (s: Simulator, name: string, image: string) =>
  s.store.mutate(R.deployments, 'default', name, (d) => {
    d.spec.template.spec.containers[0].image = image;
  });

describe('Deployment and ReplicaSet controllers', () => {
  it('creates a ReplicaSet named after the template hash, its pods, and reports status', async () => {
    const s = await boot();
    s.create(deployment('web', 3));
    await s.ready({ namespace: 'default', name: 'web' });
    const [rs] = rss(s);
    const hash = rs!.metadata.labels!['pod-template-hash']!;
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
    expect(rs!.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    for (const p of pods(s)) {
      expect(p.metadata.name.startsWith(`web-${hash}-`)).toBe(true);
      expect(p.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: rs!.metadata.name, controller: true })]);
      expect(p.status.phase).toBe('Running');
      expect(p.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`)).toEqual(
        expect.arrayContaining(['PodScheduled=True', 'Initialized=True', 'ContainersReady=True', 'Ready=True']),
      );
    }
    const d = get(s, 'web');
    expect(d.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    const reasons = Object.fromEntries(d.status.conditions.map((c: { type: string; reason: string }) => [c.type, c.reason]));
    expect(reasons).toEqual({ Available: 'MinimumReplicasAvailable', Progressing: 'NewReplicaSetAvailable' });
  });

  it('rolls out within maxSurge and maxUnavailable at every step, then rolls back to the old ReplicaSet', async () => {
    const s = await boot();
    s.create(deployment('web', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } } }));
    await s.ready({ namespace: 'default', name: 'web' });
    const [oldRs] = rss(s);
    setImage(s, 'web', 'nginx:1.28');
    let maxTotal = 0;
    let minAvailable = Infinity;
    for (let t = 0; t < 120; t++) {
      await s.step(250);
      const live = pods(s).filter((p) => !p.metadata.deletionTimestamp);
      maxTotal = Math.max(
        maxTotal,
        rss(s).reduce((a, rs) => a + rs.spec.replicas, 0),
        live.length,
      );
      minAvailable = Math.min(minAvailable, live.filter((p) => p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length);
    }
    expect(maxTotal).toBe(5); // 4 + maxSurge 1, reached but never passed
    expect(minAvailable).toBe(3); // 4 - maxUnavailable 1
    const d = get(s, 'web');
    expect(d.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    const newRs = rss(s).find((rs) => rs.metadata.name !== oldRs!.metadata.name)!;
    expect(newRs.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect(s.store.get(R.replicasets, 'default', oldRs!.metadata.name)!.spec.replicas).toBe(0);
    const events = s.store.list(R.events, { namespace: 'default', fieldSelector: 'reason=ScalingReplicaSet' }).items.map((e) => e.message);
    expect(events).toContain(`Scaled up replica set ${newRs.metadata.name} from 0 to 1`);

    // kubectl rollout undo: the template goes back; the old ReplicaSet becomes revision 3.
    s.store.mutate(R.deployments, 'default', 'web', (o) => {
      const t = structuredClone(oldRs!.spec.template);
      delete t.metadata.labels['pod-template-hash'];
      o.spec.template = t;
    });
    await s.ready({ namespace: 'default', name: 'web' });
    expect(rss(s)).toHaveLength(2);
    const back = s.store.get(R.replicasets, 'default', oldRs!.metadata.name)!;
    expect(back.spec.replicas).toBe(4);
    expect(back.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(get(s, 'web').metadata.annotations!['deployment.kubernetes.io/revision']).toBe('3');
    expect(
      new Set(
        pods(s)
          .filter((p) => !p.metadata.deletionTimestamp)
          .map((p) => p.metadata.labels!['pod-template-hash']),
      ),
    ).toEqual(new Set([back.metadata.labels!['pod-template-hash']]));
  });

  it('Recreate removes every old pod before the new ReplicaSet gets any', async () => {
    const s = await boot();
    s.create(deployment('batch', 3, { strategy: { type: 'Recreate' } }));
    await s.ready({ namespace: 'default', name: 'batch' });
    const oldHash = rss(s)[0]!.metadata.labels!['pod-template-hash'];
    setImage(s, 'batch', 'nginx:1.28');
    let overlap = false;
    for (let t = 0; t < 80; t++) {
      await s.step(250);
      const hashes = new Set(pods(s).map((p) => p.metadata.labels!['pod-template-hash']));
      if (hashes.has(oldHash) && hashes.size > 1) overlap = true;
    }
    expect(overlap).toBe(false);
    await s.ready({ namespace: 'default', name: 'batch' });
    expect(pods(s).every((p) => p.metadata.labels!['pod-template-hash'] !== oldHash)).toBe(true);
  });

  it('scales, replaces deleted pods, and keeps revisionHistoryLimit old ReplicaSets', async () => {
    const s = await boot();
    s.create(deployment('web', 2, { revisionHistoryLimit: 1 }));
    await s.ready({ namespace: 'default', name: 'web' });
    s.store.mutate(R.deployments, 'default', 'web', (d) => {
      d.spec.replicas = 5;
    });
    await s.ready({ namespace: 'default', name: 'web' });
    expect(pods(s)).toHaveLength(5);
    const victim = pods(s)[0]!;
    s.store.delete(R.pods, 'default', victim.metadata.name);
    await s.step(5000);
    expect(pods(s).filter((p) => p.status.phase === 'Running')).toHaveLength(5);
    for (const image of ['nginx:1.28', 'nginx:1.29', 'nginx:1.30']) {
      setImage(s, 'web', image);
      await s.ready({ namespace: 'default', name: 'web' });
      await s.step(5000);
    }
    expect(
      rss(s)
        .map((rs) => rs.metadata.annotations!['deployment.kubernetes.io/revision'])
        .sort(),
    ).toEqual(['3', '4']); // revisions 1..4; limit 1 keeps one old
  });

  it('ranks pods for scale-down like upstream: unscheduled, pending, not ready, restarts, newest', () => {
    const mk = (name: string, o: { node?: string; phase?: string; ready?: boolean; restarts?: number; created?: string }): KObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z' },
      spec: { nodeName: o.node },
      status: {
        phase: o.phase ?? 'Running',
        conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }],
        containerStatuses: [{ restartCount: o.restarts ?? 0 }],
      },
    });
    const ranked = rankForDeletion([
      mk('old-ready', { node: 'n', ready: true }),
      mk('new-ready', { node: 'n', ready: true, created: '2026-01-01T01:00:00Z' }),
      mk('restarting', { node: 'n', ready: true, restarts: 4 }),
      mk('not-ready', { node: 'n', ready: false }),
      mk('pending', { node: 'n', phase: 'Pending' }),
      mk('unscheduled', { phase: 'Pending' }),
    ]).map((p) => p.metadata.name);
    expect(ranked).toEqual(['unscheduled', 'pending', 'not-ready', 'restarting', 'new-ready', 'old-ready']);
  });

  it('garbage-collects ReplicaSets and pods when their Deployment is deleted', async () => {
    const s = await boot();
    s.create(deployment('web', 3));
    await s.ready({ namespace: 'default', name: 'web' });
    s.store.delete(R.deployments, 'default', 'web');
    await s.step(1000);
    expect(rss(s)).toHaveLength(0);
    expect(pods(s).map((p) => Boolean(p.metadata.deletionTimestamp))).toEqual([true, true, true]);
    await s.step(5000);
    expect(pods(s)).toHaveLength(0);
  });
});

describe('scheduler', () => {
  it('marks pods Unschedulable with upstream wording when nothing fits, and binds them once a node fits', async () => {
    const s = await boot();
    const big = deployment('big', 2);
    big.spec.template.spec.containers[0].resources = { requests: { cpu: '6', memory: '1Gi' }, limits: { cpu: '6', memory: '1Gi' } };
    s.create(big);
    await s.step(2000);
    const [p] = pods(s);
    const cond = p!.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled');
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(cond.message).toBe('0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    expect(p!.spec.nodeName).toBeUndefined();
    const ev = s.store.list(R.events, { namespace: 'default', fieldSelector: `involvedObject.name=${p!.metadata.name},reason=FailedScheduling` }).items;
    expect(ev).toHaveLength(1);
    expect(ev[0]!.type).toBe('Warning');

    s.nodes.createNode({ name: 'node-big', cpu: '16', memory: '64Gi' }, 9);
    await s.ready({ namespace: 'default', name: 'big' });
    expect(pods(s).map((x) => x.spec.nodeName)).toEqual(['node-big', 'node-big']);
  });

  it('spreads pods over the least allocated nodes and never overcommits requests', async () => {
    const s = await boot({ nodes: 2, nodeCpu: '1', nodeMemory: '4Gi' });
    s.create(deployment('web', 25));
    await s.step(10_000);
    const bound = pods(s).filter((p) => p.spec.nodeName);
    expect(bound).toHaveLength(20); // 2 nodes x 1000m / 100m
    const perNode: Record<string, number> = {};
    for (const p of bound) perNode[p.spec.nodeName] = (perNode[p.spec.nodeName] ?? 0) + 1;
    expect(perNode).toEqual({ 'node-1': 10, 'node-2': 10 });
  });
});
