/**
 * One agent over two simulated clusters (agent.clusters), one of them stopped before the agent starts: the
 * reachable cluster's cycles keep their schedule, its Lease is taken on its own API server, and the
 * unreachable one is reported in its runner's status rather than failing the start or the other loop.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { type StartedAgent, startAgent } from '../../src/app/start-agent.js';
import { silentLogger } from '../../src/base/log.js';
import { parseConfig } from '../../src/config/load.js';
import { type SimClusters, startSimClusters } from '../../src/sim/many.js';

let many: SimClusters | undefined;
let runtime: Runtime | undefined;
let agent: StartedAgent | undefined;

afterAll(async () => {
  await agent?.stop();
  runtime?.close();
  await many?.stop().catch(() => {});
});

it('a stopped cluster does not delay the other cluster’s cycles and is reported, not fatal', async () => {
  many = await startSimClusters(2, { demo: true, port: 0 });
  await Promise.all(many.sims.map((s) => s.ready({ timeoutMs: 20_000 })));
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-multi-agent-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, many.kubeconfigYaml());
  await many.sims[1]!.stop();

  const config = parseConfig({
    cluster: { mode: 'kubeconfig', kubeconfig, requestTimeoutSeconds: 3 },
    store: { path: join(dir, 'state.db') },
    log: { level: 'silent' },
    agent: { intervalSeconds: 0.5, clusters: ['sim-1', 'sim-2'], clusterOverrides: { 'sim-2': { dryRun: true } } },
  });
  runtime = createRuntime(config, { logger: silentLogger() });
  const cycles: Record<string, number[]> = { 'sim-1': [], 'sim-2': [] };
  const started = Date.now();
  agent = await startAgent({
    config,
    logger: silentLogger(),
    deps: runtime.deps,
    watch: false,
    summary: null,
    onCycle: (r) => cycles[r.cluster!]!.push(Date.now()),
  });
  expect(Object.keys(agent.runners ?? {})).toEqual(['sim-1', 'sim-2']);
  // The start itself waits for neither cluster's loop; give the loops 5 s.
  await new Promise((r) => setTimeout(r, 5000));

  const one = cycles['sim-1']!;
  expect(one.length).toBeGreaterThanOrEqual(5);
  // on schedule: no gap between sim-1's cycles near the 3 s request timeout sim-2's calls wait out
  const gaps = one.slice(1).map((t, i) => t - one[i]!);
  expect(Math.max(...gaps)).toBeLessThan(2500);
  expect(one[0]! - started).toBeLessThan(2500);

  const s1 = agent.runners!['sim-1']!.status();
  const s2 = agent.runners!['sim-2']!.status();
  expect(s1.leader).toBe(true);
  expect(s1.dryRun).toBe(false);
  // the override applies to sim-2 only
  expect(s2.dryRun).toBe(true);
  // unreachable: it cannot hold its Lease (on its own API server), so it does not act, and says so
  expect(s2.leader).toBe(false);
  expect(s2.running).toBe(true);

  // sim-1's Lease lives on sim-1's API server
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  kc.setCurrentContext('sim-1');
  kc.clusters = kc.clusters.map((c) => ({ ...c, skipTLSVerify: true }));
  const lease = await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace: 'default', name: 'sentinelops-agent' });
  expect(lease.spec?.holderIdentity).toBe(s1.identity);
}, 40_000);

it('an unknown cluster in agent.clusters stops the start with the known names', async () => {
  const config = parseConfig({ ...runtime!.deps.config, agent: { ...runtime!.deps.config.agent, clusters: ['sim-9'] } });
  await expect(startAgent({ config, logger: silentLogger(), deps: runtime!.deps, watch: false, summary: null })).rejects.toThrow(
    /unknown cluster "sim-9"; known clusters: sim-1, sim-2/,
  );
});
