/**
 * The simulator's world as issue 14 asks for it: metrics-server lag, readiness probes from the pod spec, app boot,
 * CPU shared on a saturated node, a queue that grows and drains, and the faults built on them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { cpuMillicores } from '../../src/base/quantity.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/cluster.js';
import { R } from '../../src/sim/resources.js';
import type { KObject } from '../../src/sim/types.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function boot(opts: SimulatorOptions = {}): Promise<Simulator> {
  sim = await startSimulator({
    clock: new VirtualClock(),
    serve: false,
    seed: 5,
    workload: { noise: 0, tickSeconds: 1 },
    kubelet: { sandboxSeconds: [0, 0], pullSeconds: [1, 1], pullMBps: 0, startSeconds: [0, 0] },
    ...opts,
  });
  return sim;
}

function web(s: Simulator, o: { replicas?: number; cpu?: string; limit?: string; probe?: Record<string, unknown>; annotations?: Record<string, string> } = {}) {
  s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  s.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'demo' },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, ...(o.annotations ? { annotations: o.annotations } : {}) },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              ports: [{ containerPort: 80 }],
              ...(o.probe ? { readinessProbe: o.probe } : {}),
              resources: { requests: { cpu: o.cpu ?? '100m', memory: '64Mi' }, limits: { cpu: o.limit ?? '200m', memory: '128Mi' } },
            },
          ],
        },
      },
    },
  });
}

const pods = (s: Simulator) => s.store.list(R.pods, { namespace: 'demo' }).items.filter((p) => !p.metadata.deletionTimestamp);
const ready = (p: KObject) =>
  (p.status?.conditions as { type: string; status: string }[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const metricCpu = (s: Simulator) => s.providers.podMetrics!('demo').map((m) => cpuMillicores(m.containers[0].usage.cpu));
const nodeCpu = (s: Simulator, node: string) => cpuMillicores(s.providers.nodeMetrics!().find((n) => n.metadata.name === node)!.usage.cpu);

describe('metrics-server lag', () => {
  it('shows a demand step only after the next scrape, and in full one scrape later', async () => {
    const s = await boot();
    web(s);
    await s.step(60_000);
    s.workload.setDemand('demo/web', 150); // 50m per pod
    await s.step(46_000);
    expect(metricCpu(s).map(Math.round)).toEqual([50, 50, 50]);
    // Scrapes fall every 15 s from the simulator's start (0, 15, 30 ... 105 s); now is 106 s.
    s.workload.setDemand('demo/web', 450); // 150m per pod
    for (let t = 106; t < 120; t++) {
      expect(metricCpu(s).map(Math.round), `${t} s`).toEqual([50, 50, 50]); // invisible until the 120 s scrape
      await s.step(1000);
    }
    await s.step(1000); // 121 s: the rate over 105–120 s, partly before the step
    const partial = metricCpu(s);
    expect(partial.every((c) => c > 50 && c < 150)).toBe(true);
    await s.step(15_000); // 136 s: the rate over 120–135 s
    expect(metricCpu(s).map(Math.round)).toEqual([150, 150, 150]);
    expect(s.providers.podMetrics!('demo')[0]).toMatchObject({ window: '15s' });
  });

  it('scraping faster than the workload ticks (the real-clock setup) reads the true rate across demand steps, never a multiple or 0', async () => {
    // A 10 s workload tick and a 1 s scrape: the counters must not take the rate seen at a tick back to the tick before.
    const s = await boot({ workload: { noise: 0, tickSeconds: 10 }, metricResolutionSeconds: 1 });
    web(s); // 3 × 100m requested: 120m of demand, 40m per pod
    await s.step(30_500);
    expect(metricCpu(s).map(Math.round)).toEqual([40, 40, 40]);
    const seen: number[] = [];
    const counters: number[] = [];
    const watch = async (seconds: number) => {
      for (let t = 0; t < seconds; t++) {
        await s.step(1000);
        seen.push(...metricCpu(s));
        counters.push(s.workload.usage().reduce((n, u) => n + u.containers[0]!.cpuSecondsTotal, 0));
      }
    };
    await s.step(3200); // mid-way between two ticks
    s.workload.setDemand('demo/web', 600); // 200m per pod
    await watch(12);
    expect(metricCpu(s).map(Math.round)).toEqual([200, 200, 200]);
    s.workload.setDemand('demo/web', 120);
    await watch(12);
    expect(metricCpu(s).map(Math.round)).toEqual([40, 40, 40]);
    expect(Math.max(...seen)).toBeLessThan(200.5);
    expect(Math.min(...seen)).toBeGreaterThan(39.5);
    for (let i = 1; i < counters.length; i++) expect(counters[i]!, `counter at ${i} s`).toBeGreaterThanOrEqual(counters[i - 1]!);
  });

  it('has no metrics for a pod until two scrapes saw it', async () => {
    const s = await boot();
    web(s, { replicas: 1 });
    await s.step(5000);
    expect(pods(s).every(ready)).toBe(true);
    expect(metricCpu(s)).toEqual([]);
    await s.step(30_000);
    expect(metricCpu(s)).toHaveLength(1);
  });
});

describe('readiness probes and start-up', () => {
  it('is ready after initialDelaySeconds, unready after failureThreshold failed periods, ready again on success', async () => {
    const s = await boot();
    web(s, { replicas: 1, probe: { httpGet: { path: '/healthz', port: 80 }, initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 3 } });
    await s.step(20_000); // the container started at ~1 s; the first probe at 21–23 s
    expect(pods(s).some(ready)).toBe(false);
    await s.step(4000);
    expect(pods(s).every(ready)).toBe(true);

    const f = s.faults.inject({ fault: 'dependency-down', deployment: 'demo/web' });
    await s.step(19_000); // at most two failed probes so far
    expect(pods(s).every(ready)).toBe(true);
    await s.step(12_000); // the third failure came within 30 s
    expect(pods(s).some(ready)).toBe(false);
    const events = s.store.list(R.events, { namespace: 'demo', fieldSelector: 'reason=Unhealthy' }).items;
    expect(events[0]!.message).toBe('Readiness probe failed: HTTP probe failed with statuscode: 503');

    s.faults.clear(f.id);
    await s.step(10_500);
    expect(pods(s).every(ready)).toBe(true);
  });

  it('pays the image pull by size on a cold node and skips it on a warm one; the app boots before it serves', async () => {
    const s = await boot({ nodes: 1, kubelet: { sandboxSeconds: [0, 0], pullSeconds: [1, 1], pullMBps: 50, startSeconds: [0, 0] } });
    web(s, {
      replicas: 1,
      annotations: { 'sim.sentinelops.io/image-mb': '500', 'sim.sentinelops.io/startup-seconds': '30' },
      probe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 2 },
    });
    await s.step(10_500); // 1 s + 500 MB / 50 MB/s = 11 s of pull
    expect(pods(s)[0]!.status.containerStatuses[0].state.waiting?.reason).toBe('ContainerCreating');
    await s.step(1000);
    expect(pods(s)[0]!.status.containerStatuses[0].state.running).toBeDefined();
    await s.step(28_000); // booting: the probe is refused
    expect(pods(s).some(ready)).toBe(false);
    expect(s.workload.service('demo/web')!.servingPods).toBe(0);
    await s.step(5000);
    expect(pods(s).every(ready)).toBe(true);
    expect(s.workload.service('demo/web')!.servingPods).toBe(1);

    // A second pod on the same node finds the image there: no pull, only the boot.
    s.store.mutate(R.deployments, 'demo', 'web', (d) => {
      d.spec.replicas = 2;
    });
    await s.step(2000);
    const fresh = pods(s).find((p) => !ready(p))!;
    expect(fresh.status.containerStatuses[0].state.running).toBeDefined();
  });
});

describe('CPU contention', () => {
  it('never runs a node above its CPU; pods keep their requests and share the rest by request', async () => {
    const s = await boot({ nodes: 1, nodeCpu: '2' });
    web(s, { replicas: 4, cpu: '200m', limit: '1' });
    await s.step(40_000);
    s.workload.setDemand('demo/web', 4000); // 1000m per pod wanted: 4 CPU on a 2 CPU node
    await s.step(40_000);
    expect(nodeCpu(s, 'node-1')).toBeLessThanOrEqual(2000);
    expect(nodeCpu(s, 'node-1')).toBeGreaterThan(1990);
    const before = metricCpu(s);
    for (const c of before) expect(c).toBeCloseTo(485, 0); // (2000 - 60 system) / 4

    s.faults.inject({ fault: 'noisy-neighbour', node: 'node-1', millicores: 2000, requestMillicores: 1000 });
    await s.step(40_000);
    expect(nodeCpu(s, 'node-1')).toBeLessThanOrEqual(2000);
    expect(nodeCpu(s, 'node-1')).toBeGreaterThan(1990); // the neighbour's CPU counts in the node's usage
    const after = metricCpu(s);
    for (const c of after) {
      expect(c).toBeGreaterThanOrEqual(199); // the request is guaranteed
      expect(c).toBeLessThan(before[0]! - 100); // the spare above it now goes mostly to the neighbour
    }
    // Throttled pods serve less than the demand: work queues.
    expect(s.workload.service('demo/web')!.backlog).toBeGreaterThan(0);
  });
});

describe('demand that queues', () => {
  it('grows a backlog above capacity, drops work past the timeout, and drains when demand falls', async () => {
    const s = await boot();
    web(s, { replicas: 2 }); // 2 x 200m limit = 400m capacity
    await s.step(40_000);
    expect(s.workload.service('demo/web')).toMatchObject({ backlog: 0, queueWaitSeconds: 0 });
    s.workload.setDemand('demo/web', 500);
    await s.step(10_000);
    const growing = s.workload.service('demo/web')!;
    expect(growing.backlog).toBeGreaterThan(900); // ~100m × 10 s
    expect(growing.queueWaitSeconds).toBeGreaterThan(2);
    expect(growing.p95LatencyMs).toBeGreaterThan(2000);
    expect(growing.dropped).toBe(0);
    await s.step(200_000);
    const full = s.workload.service('demo/web')!;
    expect(full.backlog).toBeCloseTo(30 * 500, -2); // bounded by timeout (30 s) × demand
    expect(full.dropped).toBeGreaterThan(0);
    s.workload.setDemand('demo/web', 100);
    await s.step(60_000);
    const drained = s.workload.service('demo/web')!;
    expect(drained.backlog).toBe(0);
    expect(drained.queueWaitSeconds).toBe(0);
    expect(drained.p95LatencyMs).toBeLessThan(200);
  });

  it('fails every request while a dependency is down, and restarts do not help', async () => {
    const s = await boot();
    web(s, { replicas: 2, probe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5, failureThreshold: 2 } });
    await s.step(40_000);
    s.faults.inject({ fault: 'dependency-down', deployment: 'demo/web', durationSeconds: 300 });
    await s.step(20_000);
    expect(pods(s).some(ready)).toBe(false);
    const svc = s.workload.service('demo/web')!;
    expect(svc).toMatchObject({ failing: true, servingPods: 0 });
    const dropped = svc.dropped;
    s.store.delete(R.pods, 'demo', pods(s)[0]!.metadata.name);
    await s.step(60_000);
    expect(pods(s)).toHaveLength(2);
    expect(pods(s).some(ready)).toBe(false);
    expect(s.workload.service('demo/web')!.dropped).toBeGreaterThan(dropped);
    await s.step(240_000); // the fault expired
    expect(pods(s).every(ready)).toBe(true);
    expect(s.workload.service('demo/web')!.failing).toBe(false);
  });
});

describe('rollout faults on readiness', () => {
  it('unready-rollout: the new pods run but never become ready; the old ones keep serving', async () => {
    const s = await boot();
    web(s, { replicas: 3 });
    await s.step(40_000);
    s.faults.inject({ fault: 'unready-rollout', deployment: 'demo/web' });
    await s.step(120_000);
    const fresh = pods(s).filter((p) => p.spec.containers[0].readinessProbe);
    expect(fresh.length).toBeGreaterThan(0);
    for (const p of fresh) {
      expect(p.status.phase).toBe('Running');
      expect(ready(p)).toBe(false);
    }
    expect(pods(s).filter(ready).length).toBeGreaterThanOrEqual(2); // maxUnavailable 25 % of 3 rounds down to 0... surge only
    expect(s.workload.service('demo/web')!.servingPods).toBe(pods(s).filter(ready).length);
  });

  it('slow-start: the new revision becomes ready only after its start-up seconds', async () => {
    const s = await boot();
    web(s, { replicas: 1, probe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5 } });
    await s.step(40_000);
    s.faults.inject({ fault: 'slow-start', deployment: 'demo/web', startupSeconds: 120 });
    await s.step(100_000);
    const fresh = pods(s).find((p) => p.metadata.annotations?.['sim.sentinelops.io/startup-seconds'] === '120')!;
    expect(fresh.status.phase).toBe('Running');
    expect(ready(fresh)).toBe(false);
    await s.step(30_000);
    expect(ready(pods(s).find((p) => p.metadata.name === fresh.metadata.name)!)).toBe(true);
  });
});
