import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/cluster.js';
import { ApiError } from '../../src/sim/errors.js';
import { R } from '../../src/sim/resources.js';
import type { KObject } from '../../src/sim/types.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** Whole-second kubelet delays (image size costs nothing: pullMBps 0), so timings in timestamps are exact. */
async function boot(opts: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({
    clock: new VirtualClock(),
    serve: false,
    seed: 11,
    demo: true,
    workload: { noise: 0 },
    kubelet: { sandboxSeconds: [0, 0], pullSeconds: [1, 1], pullMBps: 0, startSeconds: [0, 0] },
    ...opts,
  });
  await sim.ready();
  return sim;
}

const demoPods = (s: Simulator) => s.store.list(R.pods, { namespace: 'demo' }).items;
const live = (s: Simulator) => demoPods(s).filter((p) => !p.metadata.deletionTimestamp);
const cs = (p: KObject) => p.status.containerStatuses[0];
const cond = (o: KObject, type: string) => o.status.conditions.find((c: { type: string }) => c.type === type);
const secs = (iso: string) => Date.parse(iso) / 1000;

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('faults', () => {
  it('crashloop: restarts at once, then backs off 10, 20, 40 ... 300 s; clearing stops the crashes', async () => {
    const s = await boot();
    const f = s.faults.inject({ fault: 'crashloop', deployment: 'demo/nginx-demo', crashAfterSeconds: 1 });
    expect(f).toMatchObject({ id: 'fault-1', fault: 'crashloop', target: 'demo/nginx-demo', state: 'active' });
    const name = demoPods(s)[0]!.metadata.name;
    const gaps: number[] = [];
    const waiting = new Set<string>();
    let lastStart = '';
    for (let t = 0; t < 1400; t++) {
      await s.step(1000);
      const p = s.store.get(R.pods, 'demo', name)!;
      const c = cs(p);
      if (c.state.waiting) waiting.add(c.state.waiting.message);
      const started = c.state.running?.startedAt;
      if (started && started !== lastStart && c.lastState.terminated) {
        gaps.push(secs(started) - secs(c.lastState.terminated.finishedAt));
        lastStart = started;
      }
    }
    expect(gaps.slice(0, 8)).toEqual([1, 10, 20, 40, 80, 160, 300, 300]);
    const p = s.store.get(R.pods, 'demo', name)!;
    expect(cs(p).restartCount).toBe(gaps.length + (cs(p).state.running ? 0 : 1));
    expect(cs(p).lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect([...waiting]).toContain(`back-off 2m40s restarting failed container=nginx pod=${name}_demo(${p.metadata.uid})`);
    const backoffs = s.store.list(R.events, { namespace: 'demo', fieldSelector: `involvedObject.name=${name},reason=BackOff` }).items;
    expect(backoffs[0]!.message).toBe(`Back-off restarting failed container nginx in pod ${name}_demo(${p.metadata.uid})`);
    expect(backoffs[0]!.count).toBeGreaterThan(5);

    expect(s.faults.clear(f.id)).toBe(true);
    expect(s.faults.list()).toEqual([]);
    await s.step(400_000);
    const after = s.store.get(R.pods, 'demo', name)!;
    const restarts = cs(after).restartCount;
    await s.step(600_000);
    expect(cs(s.store.get(R.pods, 'demo', name)!).restartCount).toBe(restarts);
    expect(cs(s.store.get(R.pods, 'demo', name)!).state.running).toBeDefined();
  });

  it('bad-image-rollout: new pods go ErrImagePull -> ImagePullBackOff, old pods keep serving, progress deadline passes', async () => {
    const s = await boot();
    s.store.mutate(R.deployments, 'demo', 'nginx-demo', (d) => {
      d.spec.progressDeadlineSeconds = 60;
    });
    const f = s.faults.inject({ fault: 'bad-image-rollout', deployment: 'demo/nginx-demo' });
    expect(f.detail).toMatchObject({ image: 'nginx:does-not-exist', previousImage: 'nginx:1.27' });
    await s.step(1500);
    const bad = () => live(s).find((p) => p.spec.containers[0].image === 'nginx:does-not-exist')!;
    expect(cs(bad()).state.waiting.reason).toBe('ErrImagePull');
    await s.step(1000);
    expect(cs(bad()).state.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:does-not-exist"' });
    const failed = s.store
      .list(R.events, { namespace: 'demo', fieldSelector: `involvedObject.name=${bad().metadata.name},reason=Failed` })
      .items.map((e) => e.message);
    expect(failed).toContain('Error: ErrImagePull');
    expect(failed.some((m) => m.startsWith('Failed to pull image "nginx:does-not-exist": rpc error: code = NotFound'))).toBe(true);
    await s.step(70_000);
    const d = s.store.get(R.deployments, 'demo', 'nginx-demo')!;
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(d.status).toMatchObject({ availableReplicas: 3, updatedReplicas: 1 });
    expect(live(s).filter((p) => cond(p, 'Ready').status === 'True')).toHaveLength(3);
    expect(d.metadata.annotations!['kubernetes.io/change-cause']).toBe('sentinelops-sim bad-image-rollout (fault-1)');
  });

  it('memory-leak: memory grows until the container is OOMKilled with exit code 137', async () => {
    const s = await boot();
    const name = demoPods(s)[0]!.metadata.name;
    const before = s.workload.podUsage('demo', name)!.containers[0]!.memoryBytes;
    s.faults.inject({ fault: 'memory-leak', deployment: 'demo/nginx-demo', mibPerMinute: 64 });
    await s.step(60_000);
    const grown = s.workload.podUsage('demo', name)!.containers[0]!.memoryBytes;
    expect(grown - before).toBeGreaterThan(55 * 1024 * 1024);
    await s.step(60_000);
    const c = cs(s.store.get(R.pods, 'demo', name)!);
    expect(c.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect(c.restartCount).toBe(1);
    const oom = s.store.list(R.events, { namespace: 'demo', fieldSelector: `involvedObject.name=${name},reason=OOMKilling` }).items;
    expect(oom).toHaveLength(1);
    // The restarted container starts from its baseline again (the leak goes on from there).
    await s.step(5_000);
    const now = s.store.get(R.pods, 'demo', name)!;
    const runningFor = (s.clock.now() - Date.parse(cs(now).state.running.startedAt)) / 1000;
    const expected = before + (64 * 1024 * 1024 * runningFor) / 60;
    expect(Math.abs(s.workload.podUsage('demo', name)!.containers[0]!.memoryBytes - expected)).toBeLessThan(2 * 1024 * 1024);
  });

  it('node-down: Unknown after the grace period, pods evicted after their toleration and recreated elsewhere; node-up finishes it', async () => {
    const s = await boot({ tolerationSeconds: 30, nodeMonitorGraceSeconds: 10 });
    const victims = demoPods(s)
      .filter((p) => p.spec.nodeName === 'node-1')
      .map((p) => p.metadata.name);
    expect(victims.length).toBeGreaterThan(0);
    const f = s.faults.inject({ fault: 'node-down', node: 'node-1' });
    await s.step(11_000);
    const node = s.store.get(R.nodes, undefined, 'node-1')!;
    expect(cond(node, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(node.spec.taints.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
    ]);
    for (const v of victims) expect(cond(s.store.get(R.pods, 'demo', v)!, 'Ready').status).toBe('False');
    expect(s.providers.podMetrics!('demo').map((m) => m.metadata.name)).not.toContain(victims[0]);
    await s.step(31_000);
    for (const v of victims) expect(s.store.get(R.pods, 'demo', v)!.metadata.deletionTimestamp).toBeDefined();
    await s.ready();
    const replacements = live(s);
    expect(replacements).toHaveLength(3);
    expect(replacements.every((p) => p.spec.nodeName !== 'node-1')).toBe(true);
    // Nobody confirms the old pods stopped until the node is back.
    expect(demoPods(s)).toHaveLength(3 + victims.length);
    expect(s.faults.clear(f.id)).toBe(true);
    await s.step(3000);
    expect(cond(s.store.get(R.nodes, undefined, 'node-1')!, 'Ready').status).toBe('True');
    expect(s.store.get(R.nodes, undefined, 'node-1')!.spec.taints).toBeUndefined();
    expect(demoPods(s)).toHaveLength(3);
  });

  it('crash-pod, cpu-spike with a lifetime, crashing-rollout and unschedulable-rollout', async () => {
    const s = await boot();
    const crashed = s.faults.inject({ fault: 'crash-pod', deployment: 'demo/nginx-demo' });
    expect(crashed.state).toBe('done');
    const pod = (crashed.detail!.pods as string[])[0]!;
    await s.step(3000);
    expect(cs(s.store.get(R.pods, 'demo', pod)!)).toMatchObject({ restartCount: 1, ready: true });

    const base = s.workload.demand('demo/nginx-demo');
    const spike = s.faults.inject({ fault: 'cpu-spike', deployment: 'demo/nginx-demo', multiplier: 4, durationSeconds: 60 });
    expect(spike.expiresAt).toBe(new Date(s.clock.now() + 60_000).toISOString().replace('.000Z', 'Z'));
    expect(s.workload.demand('demo/nginx-demo')).toBeCloseTo(base * 4);
    await s.step(61_000);
    expect(s.workload.demand('demo/nginx-demo')).toBeCloseTo(base);
    expect(s.faults.list()).toEqual([]);

    s.faults.inject({ fault: 'crashing-rollout', deployment: 'demo/nginx-demo', crashAfterSeconds: 2 });
    await s.step(30_000);
    const newest = live(s).filter((p) => p.metadata.annotations?.['sim.sentinelops.io/crash-after-seconds'] === '2');
    expect(newest.length).toBeGreaterThan(0);
    // Without a readiness probe each new pod is Ready for a moment before it crashes, so the rollout
    // goes through, as it would on a real cluster; every new pod then crash-loops.
    expect(newest).toHaveLength(3);
    for (const p of newest) expect(cs(p).restartCount).toBeGreaterThan(0);

    s.faults.inject({ fault: 'unschedulable-rollout', deployment: 'demo/nginx-demo' });
    await s.step(2000);
    const pending = live(s).find((p) => !p.spec.nodeName)!;
    expect(cond(pending, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(pending.spec.containers[0].resources.requests.cpu).toBe('8');
  });

  it('refuses bad fault requests with Kubernetes-shaped errors and changes nothing', async () => {
    const s = await boot();
    const before = s.dump();
    expect(errorOf(() => s.faults.inject({ fault: 'explode' }))).toMatchObject({ code: 400 });
    expect(errorOf(() => s.faults.inject({ fault: 'memory-leak', deployment: 'demo/nginx-demo', mibPerMinute: -1 }))).toMatchObject({
      code: 422,
      reason: 'Invalid',
    });
    expect(errorOf(() => s.faults.inject({ fault: 'crashloop', deployment: 'demo/nope' }))).toMatchObject({ code: 404 });
    expect(errorOf(() => s.faults.inject({ fault: 'node-down', node: 'node-9' }))).toMatchObject({ code: 404 });
    expect(errorOf(() => s.faults.inject({ fault: 'load', deployment: 'demo/nginx-demo' }))).toMatchObject({ code: 422 });
    expect(errorOf(() => s.faults.inject({ fault: 'cpu-spike', deployment: 'demo/nginx-demo', until: '2020-01-01T00:00:00Z' }))).toMatchObject({ code: 422 });
    expect(errorOf(() => s.faults.inject({ fault: 'crash-pod', pod: 'demo/ghost' }))).toMatchObject({ code: 404 });
    expect(s.faults.list()).toEqual([]);
    expect(s.faults.clear('fault-99')).toBe(false);
    expect(s.dump()).toBe(before);
  });
});
