/**
 * Messages a newcomer meets in the first minutes: a freshly started simulated cluster is "starting", not
 * unhealthy; get_metrics says metrics are not scraped yet instead of an empty complete answer; list errors name
 * their namespace (or all namespaces) without stray punctuation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { silentLogger } from '../../src/base/log.js';
import { loadConfig } from '../../src/config/load.js';
import { describeRef, mapK8sError } from '../../src/k8s/errors.js';
import { clusterHealth } from '../../src/services/health.js';
import { getMetrics } from '../../src/services/metrics.js';
import type { ServiceContext } from '../../src/services/context.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';

describe('a fresh simulated cluster', () => {
  let sim: Simulator;
  let runtime: Runtime;
  let ctx: ServiceContext;
  beforeAll(async () => {
    sim = await startSimulator({ demo: true, port: 0 });
    const config = loadConfig({ env: {}, overrides: { cluster: { mode: 'sim' }, store: { path: ':memory:' } } });
    runtime = createRuntime(config, { logger: silentLogger(), simKubeconfigYaml: sim.kubeconfigYaml() });
    ctx = { ...runtime.deps, caller: 'test', random: Math.random };
  });
  afterAll(async () => {
    runtime.close();
    await sim.stop();
  });

  it('is starting, not unhealthy, in its first seconds; then healthy', async () => {
    const first = await clusterHealth(ctx, { namespace: 'demo' });
    expect(first.status).not.toBe('unhealthy');
    const deployment = first.problems.find((p) => p.kind === 'Deployment' && p.name === 'nginx-demo');
    expect(deployment).toMatchObject({ severity: 'low', reason: 'Starting' });
    expect(deployment!.message).toMatch(/^0\/3 replicas ready; the others are starting$/);
    expect(first.problems.filter((p) => p.severity === 'critical')).toEqual([]);

    await sim.ready({ namespace: 'demo', name: 'nginx-demo', timeoutMs: 60_000 });
    const later = await clusterHealth(ctx, { namespace: 'demo' });
    expect(later.problems.filter((p) => p.kind === 'Deployment')).toEqual([]);
  });

  it('get_metrics says the pods are not measured yet rather than answering an empty, complete list', async () => {
    // Right after the pods run, the metrics source has not sampled them: an incomplete answer that says why (not an
    // error: the pipeline works, so the agent must not open a metrics outage on a young cluster).
    const fresh = await startSimulator({ demo: true, port: 0 });
    const config = loadConfig({ env: {}, overrides: { cluster: { mode: 'sim' }, store: { path: ':memory:' } } });
    const rt = createRuntime(config, { logger: silentLogger(), simKubeconfigYaml: fresh.kubeconfigYaml() });
    try {
      const answer = await getMetrics({ ...rt.deps, caller: 'test', random: Math.random }, { namespace: 'demo' });
      expect(answer.complete).toBe(false);
      expect(answer.note).toMatch(
        /no pod in namespace demo is running yet \(3 starting\)|metrics are not scraped yet for the 3 running pod\(s\) in namespace demo/,
      );
    } finally {
      rt.close();
      await fresh.stop();
    }
  });
});

describe('list error wording', () => {
  it('names the namespace, or all namespaces', () => {
    expect(describeRef({ kind: 'pods in namespace', namespace: 'demo' })).toBe('pods in namespace demo');
    expect(describeRef({ kind: 'deployments in namespace' })).toBe('deployments in all namespaces');
    expect(describeRef({ kind: 'deployment', namespace: 'demo', name: 'web' })).toBe('deployment demo/web');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(mapK8sError(refused, { kind: 'deployments in namespace' }).message).toMatch(
      /^cannot reach the Kubernetes API \(ECONNREFUSED\) while reading deployments in all namespaces;/,
    );
    expect(mapK8sError(refused, { kind: 'pods in namespace', namespace: 'demo' }).message).toContain('while reading pods in namespace demo;');
  });
});
