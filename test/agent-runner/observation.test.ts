/**
 * agent_observation on the simulator, over the real MCP client the agent uses: per-deployment aggregates agree with
 * what get_metrics and list_pods say of the same pods, full rows come only for unhealthy pods or the deployments
 * asked for, and the API-read path (cache off, as rehearsals run) answers the same as the cache.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { agentObservationTool } from '../../tools/agent-observation.js';
import { getMetricsTool } from '../../tools/get-metrics.js';
import { type World, startWorld, until } from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function observeDemo(w: World) {
  const { client } = await w.runner();
  // Metrics come once metrics-server has scraped the running pods.
  const quiet = await until(
    async () => {
      const r = await client.call(agentObservationTool, { namespaces: ['demo'] });
      return r.ok && r.value.groups.find((g) => g.name === 'nginx-demo')?.metrics?.complete ? r.value : undefined;
    },
    30_000,
    'a complete metrics sample',
  );
  const full = await client.call(agentObservationTool, { namespaces: ['demo'], deployments: ['demo/nginx-demo'] });
  const metrics = await client.call(getMetricsTool, { namespace: 'demo', scope: 'deployment' });
  return { quiet, full: full.ok ? full.value : undefined, metrics: metrics.ok ? metrics.value : undefined, client };
}

describe('agent_observation on the simulator', () => {
  it.each([
    { cache: true, source: 'cache' },
    { cache: false, source: 'api' },
  ])(
    'cache $cache: one aggregate per deployment, pod rows only when asked for or unhealthy',
    async ({ cache, source }) => {
      world = await startWorld({ cluster: { cache } });
      const { quiet, full, metrics } = await observeDemo(world);
      expect(quiet.source?.source, JSON.stringify(world.runtime.deps.cache?.status())).toBe(source);
      const g = quiet.groups.find((x) => x.name === 'nginx-demo')!;
      expect(g).toMatchObject({ namespace: 'demo', pods: 3, readyPods: 3, terminating: 0, unhealthy: 0, restarted: [] });
      expect(g.hashes).toHaveLength(1);
      expect(quiet.deployments.find((d) => d.name === 'nginx-demo')!.revisionHashes.map((h) => h.podTemplateHash)).toContain(g.hashes[0]);
      // A healthy deployment is its aggregate only.
      expect(quiet.pods.filter((p) => p.ownerDeployment === 'nginx-demo')).toEqual([]);
      expect(quiet.totals.pods).toBeGreaterThanOrEqual(3);
      // The same pods get_metrics sums (a second read of the same sample may be a scrape later: same requests).
      const row = metrics!.items.find((r) => r.name === 'nginx-demo')!;
      expect(g.metrics).toMatchObject({ cpuRequestMillicores: row.cpuRequestMillicores, podsWithMetrics: 3, readyPods: 3, complete: true });
      // Asked for: every pod of it in full, with requests and usage.
      const rows = full!.pods.filter((p) => p.ownerDeployment === 'nginx-demo');
      expect(rows).toHaveLength(3);
      for (const p of rows) expect(p.cpuRequestMillicores * 3).toBe(row.cpuRequestMillicores);
      expect(rows.every((p) => p.cpuMillicores !== null && p.podTemplateHash === g.hashes[0])).toBe(true);
    },
    60_000,
  );

  it('a crashing pod is a full row and a restarted entry of its deployment', async () => {
    world = await startWorld({ cluster: { cache: false } });
    const { client } = await observeDemo(world);
    world.sim.faults.inject({ fault: 'crashloop', deployment: 'demo/nginx-demo' });
    const seen = await until(
      async () => {
        const r = await client.call(agentObservationTool, { namespaces: ['demo'] });
        return r.ok && r.value.groups.find((g) => g.name === 'nginx-demo')!.restarted.length > 0 ? r.value : undefined;
      },
      30_000,
      'a restart',
    );
    const g = seen.groups.find((x) => x.name === 'nginx-demo')!;
    const crashed = g.restarted[0]!;
    expect(crashed.restarts).toBeGreaterThan(0);
    if (!crashed.ready) expect(seen.pods.map((p) => p.name)).toContain(crashed.pod);
  }, 60_000);

  it('a metrics pipeline that fails still answers the cluster, with metricsAvailable false', async () => {
    // Prometheus on a closed loopback port: every usage read fails. The agent must still see crash loops then.
    world = await startWorld({
      cluster: { cache: false },
      metrics: { source: 'prometheus', prometheusUrl: 'http://127.0.0.1:9/', prometheusTimeoutSeconds: 1 },
    });
    const { client } = await world.runner();
    const r = await client.call(agentObservationTool, { namespaces: ['demo'] });
    expect(r.ok, r.ok ? '' : r.error).toBe(true);
    if (!r.ok) return;
    expect(r.value.metricsAvailable).toBe(false);
    expect(r.value.groups.find((g) => g.name === 'nginx-demo')).toMatchObject({ pods: 3 });
  }, 30_000);

  it('bad input changes nothing and says why', async () => {
    world = await startWorld();
    const { client } = await world.runner();
    await expect(client.call(agentObservationTool, { deployments: ['nginx-demo'] })).rejects.toThrow(/namespace\/name/);
  }, 30_000);
});
