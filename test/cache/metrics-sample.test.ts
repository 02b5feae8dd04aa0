/**
 * One metrics sample per resolution window, shared by callers: the real metrics.k8s.io source over the simulator,
 * counted by a decorator, read through SampledMetricsSource on a virtual clock; and cluster_health answering from
 * the cache, the kept sample (with its age) and the kept server version instead of asking the API each call.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { silentLogger } from '../../src/base/log.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { parseConfig } from '../../src/config/load.js';
import { ClusterClient } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { MetricsServerSource } from '../../src/metrics/metrics-server-source.js';
import { SampledMetricsSource } from '../../src/metrics/sampled-source.js';
import type { MetricsSource, UsageSample } from '../../src/ports/metrics-source.js';
import { clusterHealth } from '../../src/services/health.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';

/** Counts the reads that reach the real source; `fail` makes the next read throw as an unreachable API would. */
class Counted implements MetricsSource {
  readonly name = 'counted';
  reads: (string | undefined)[] = [];
  fail = false;
  constructor(private readonly inner: MetricsSource) {}
  async podUsage(namespace?: string): Promise<UsageSample | undefined> {
    this.reads.push(namespace);
    if (this.fail) throw new Error('metrics API down');
    return this.inner.podUsage(namespace);
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('SampledMetricsSource', () => {
  let sim: Simulator;
  let real: MetricsSource;

  beforeAll(async () => {
    sim = await startSimulator({ demo: true, seed: 9 });
    await sim.ready({ timeoutMs: 20_000 });
    const config = parseConfig({ cluster: { mode: 'sim' } });
    real = new MetricsServerSource(new ClusterClient(loadKubeConfig({ ...config.cluster, simKubeconfigYaml: sim.kubeconfigYaml() })));
    await until('a first metrics sample', async () => ((await real.podUsage())?.pods.length ?? 0) > 0);
  }, 40_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it('reads once per resolution window, states the age, and serves a namespace from the cluster-wide sample', async () => {
    const clock = new VirtualClock();
    const counted = new Counted(real);
    const sampled = new SampledMetricsSource(counted, clock, 15_000);
    const first = (await sampled.podUsage())!;
    expect(first.ageMs).toBe(0);
    expect(first.pods.length).toBeGreaterThan(0);
    clock.advance(10_000);
    const again = (await sampled.podUsage())!;
    expect(again.ageMs).toBe(10_000);
    expect(again.pods).toEqual(first.pods);
    const demo = (await sampled.podUsage('demo'))!;
    expect(demo.pods.length).toBeGreaterThan(0);
    expect(demo.pods.every((p) => p.namespace === 'demo')).toBe(true);
    expect(counted.reads).toEqual([undefined]);
    clock.advance(5_000);
    expect((await sampled.podUsage())!.ageMs).toBe(0);
    expect(counted.reads).toEqual([undefined, undefined]);
  });

  it('shares one read between concurrent callers and does not keep a failure', async () => {
    const clock = new VirtualClock();
    const counted = new Counted(real);
    const sampled = new SampledMetricsSource(counted, clock, 15_000);
    const answers = await Promise.all([sampled.podUsage(), sampled.podUsage(), sampled.podUsage()]);
    expect(counted.reads.length).toBe(1);
    expect(answers.every((a) => a?.pods.length === answers[0]?.pods.length)).toBe(true);
    clock.advance(15_000);
    counted.fail = true;
    await expect(sampled.podUsage()).rejects.toThrow('metrics API down');
    counted.fail = false;
    expect((await sampled.podUsage())?.pods.length).toBeGreaterThan(0);
    expect(counted.reads.length).toBe(3);
  });
});

describe('cluster_health from the cache', () => {
  let sim: Simulator;
  let runtime: Runtime;

  beforeAll(async () => {
    sim = await startSimulator({ demo: true, seed: 10 });
    await sim.ready({ timeoutMs: 20_000 });
    const dir = mkdtempSync(join(tmpdir(), 'sentinelops-health-'));
    const config = parseConfig({ cluster: { mode: 'sim' }, store: { path: join(dir, 's.db') }, log: { level: 'silent' }, metrics: { sampleSeconds: 15 } });
    runtime = createRuntime(config, { logger: silentLogger(), simKubeconfigYaml: sim.kubeconfigYaml() });
    expect(await runtime.deps.cache!.whenSynced(10_000)).toBe(true);
  }, 30_000);

  afterAll(async () => {
    runtime?.close();
    await sim?.stop();
  });

  it('asks /version and the metrics API once, then answers from what it keeps, with the sample age', async () => {
    const cluster = runtime.deps.cluster;
    let versionReads = 0;
    const version = cluster.version.bind(cluster);
    cluster.version = () => {
      versionReads++;
      return version();
    };
    const ctx = { ...runtime.deps, caller: 'test', random: Math.random };
    const first = await until('metrics in cluster_health', async () => {
      const h = await clusterHealth(ctx, {});
      return h.metrics.available && h;
    });
    expect(first.source).toEqual({ source: 'cache', ageMs: expect.any(Number) });
    expect(first.apiServer).toMatchObject({ reachable: true, version: expect.any(String) });
    const reads = versionReads;
    const second = await clusterHealth(ctx, {});
    expect(versionReads).toBe(reads);
    expect(second.apiServer.version).toBe(first.apiServer.version);
    expect(second.metrics).toMatchObject({ available: true, source: 'metrics-server', ageMs: expect.any(Number) });
    expect(second.metrics.ageMs!).toBeGreaterThanOrEqual(first.metrics.ageMs ?? 0);
    expect(second.metrics.ageMs!).toBeLessThan(15_000);
  });
});
