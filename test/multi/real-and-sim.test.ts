/**
 * The real control plane (SENTINELOPS_E2E_KUBECONFIG) and a simulated cluster side by side, as two contexts of
 * one KUBECONFIG list: list_clusters reaches both, and a tool's `cluster` picks which API server answers.
 * Skips locally without the real cluster (with the reason); fails under CI without it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { silentLogger } from '../../src/base/log.js';
import { parseConfig } from '../../src/config/load.js';
import { type Simulator, startSimulator } from '../../src/sim/cluster.js';
import { multiKubeconfigYaml } from '../../src/sim/multi-kubeconfig.js';
import { describeWith, E2E_KUBECONFIG, realCluster } from '../helpers/prerequisite.js';
import { type ConnectedClient, connectClient } from '../server/harness.js';

describeWith(realCluster, 'many clusters: the real control plane beside a simulated one', () => {
  let sim: Simulator;
  let runtime: Runtime;
  let mcp: ConnectedClient;
  let realContext: string;

  beforeAll(async () => {
    sim = await startSimulator({ demo: true, port: 0, seed: 3 });
    await sim.ready({ timeoutMs: 20_000 });
    const dir = mkdtempSync(join(tmpdir(), 'sentinelops-real-sim-'));
    const simFile = join(dir, 'sim-kubeconfig');
    writeFileSync(simFile, multiKubeconfigYaml([{ name: 'sim-side', server: sim.url, namespace: 'demo' }]), { mode: 0o600 });
    const real = new KubeConfig();
    real.loadFromFile(E2E_KUBECONFIG!);
    realContext = real.getCurrentContext();
    const config = parseConfig({
      cluster: { mode: 'kubeconfig', kubeconfig: [E2E_KUBECONFIG, simFile].join(delimiter) },
      store: { path: join(dir, 'state.db') },
      log: { level: 'silent' },
    });
    runtime = createRuntime(config, { logger: silentLogger() });
    mcp = await connectClient(runtime.deps, 'real-and-sim');
  }, 60_000);

  afterAll(async () => {
    await mcp?.close();
    runtime?.close();
    await sim?.stop();
  });

  it('list_clusters reaches both, the real one as default', async () => {
    const out = await mcp.ok<{ defaultCluster: string; clusters: { name: string; reachable: boolean; server: string }[] }>('list_clusters');
    expect(out.defaultCluster).toBe(realContext);
    const byName = Object.fromEntries(out.clusters.map((c) => [c.name, c]));
    expect(byName[realContext]?.reachable).toBe(true);
    expect(byName['sim-side']).toMatchObject({ reachable: true, server: sim.url });
  });

  it('`cluster` picks the API server that answers', async () => {
    const nodes = async (cluster: string) => (await mcp.ok<{ items: { name: string }[] }>('list_nodes', { cluster })).items.map((n) => n.name).sort();
    const simNodes = await nodes('sim-side');
    const realNodes = await nodes(realContext);
    expect(simNodes.length).toBeGreaterThan(0);
    expect(realNodes.length).toBeGreaterThan(0);
    expect(realNodes).not.toEqual(simNodes);
    const deps = await mcp.ok<{ items: { name: string }[] }>('list_deployments', { namespace: 'demo', cluster: 'sim-side' });
    expect(deps.items.map((d) => d.name)).toContain('nginx-demo');
  });
});
