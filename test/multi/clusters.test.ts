/**
 * Three simulated clusters behind one kubeconfig (contexts sim-1..sim-3), one runtime, the real MCP SDK
 * client and server: a tool's `cluster` argument reaches that cluster's API server over HTTP, an unknown one
 * is refused with the known names, list_clusters reports a stopped one, and a context added to the
 * kubeconfig file is usable without a restart.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { silentLogger } from '../../src/base/log.js';
import { deepMerge, parseConfig } from '../../src/config/load.js';
import { multiKubeconfigYaml, simClusterNames } from '../../src/sim/multi-kubeconfig.js';
import type { startSimulator } from '../../src/sim/cluster.js';
import { startSimClusters } from '../../src/sim/many.js';
import { deploymentBody } from '../helpers/deployment.js';
import { type ConnectedClient, connectClient } from '../server/harness.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;

describe('many clusters: per-call cluster over three simulators', () => {
  let sims: Sim[];
  let runtime: Runtime;
  let mcp: ConnectedClient;
  let kubeconfig: string;
  let dir: string;

  beforeAll(async () => {
    // what `sim --clusters 3` and `serve --cluster sim --clusters 3` start
    const many = await startSimClusters(3, { demo: true, port: 0 });
    sims = many.sims;
    await Promise.all(sims.map((s) => s.ready({ timeoutMs: 20_000 })));
    dir = mkdtempSync(join(tmpdir(), 'sentinelops-multi-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, many.kubeconfigYaml());
    const config = parseConfig(
      deepMerge({ cluster: { mode: 'kubeconfig', kubeconfig }, store: { path: join(dir, 'state.db') }, log: { level: 'silent' } }, {}),
    );
    runtime = createRuntime(config, { logger: silentLogger() });
    mcp = await connectClient(runtime.deps, 'multi-test');
  }, 60_000);

  afterAll(async () => {
    await mcp?.close();
    runtime?.close();
    await Promise.all((sims ?? []).map((s) => s.stop().catch(() => {})));
  });

  it('every tool lists an optional cluster argument', async () => {
    const { tools } = await mcp.client.listTools();
    const without = tools.filter((t) => !(t.inputSchema.properties && 'cluster' in t.inputSchema.properties)).map((t) => t.name);
    expect(without).toEqual([]);
    expect(tools.find((t) => t.name === 'list_pods')?.inputSchema.required ?? []).not.toContain('cluster');
  });

  it('a deployment created only in sim-2 is listed only there', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    kc.setCurrentContext('sim-2');
    kc.clusters = kc.clusters.map((c) => ({ ...c, skipTLSVerify: true }));
    await kc
      .makeApiClient(AppsV1Api)
      .createNamespacedDeployment({ namespace: 'demo', body: deploymentBody('demo', 'only-on-two', 1, { image: 'nginx:1.27', resources: {} }) });
    const names = async (cluster?: string) => {
      const out = await mcp.ok<{ items: { name: string }[]; cluster?: string }>('list_deployments', { namespace: 'demo', ...(cluster ? { cluster } : {}) });
      expect(out.cluster).toBe(cluster);
      return out.items.map((d) => d.name);
    };
    await expect.poll(() => names('sim-2'), { timeout: 10_000 }).toContain('only-on-two');
    expect(await names('sim-1')).not.toContain('only-on-two');
    expect(await names('sim-3')).not.toContain('only-on-two');
    // no argument: the default (the kubeconfig's current context, sim-1)
    expect(await names()).not.toContain('only-on-two');
  });

  it('a change with `cluster` lands on that cluster only, and its audit row names it', async () => {
    const out = await mcp.ok<{ cluster?: string }>('scale_deployment', { namespace: 'demo', deployment: 'nginx-demo', replicas: 4, cluster: 'sim-3' });
    expect(out.cluster).toBe('sim-3');
    const replicas = async (s: Sim) => {
      const kc = new KubeConfig();
      kc.loadFromString(s.kubeconfigYaml());
      kc.clusters = kc.clusters.map((c) => ({ ...c, skipTLSVerify: true }));
      return (await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: 'demo', name: 'nginx-demo' })).spec?.replicas;
    };
    expect(await replicas(sims[2]!)).toBe(4);
    expect(await replicas(sims[0]!)).not.toBe(4);
    expect(await replicas(sims[1]!)).not.toBe(4);
    const rows = await runtime.deps.store.state.audit.list({ limit: 5 });
    const row = rows.find((r) => r.tool === 'scale_deployment');
    expect(row?.arguments).toMatchObject({ cluster: 'sim-3' });
  });

  it('an unknown cluster is refused, naming the known ones, and audited', async () => {
    const message = await mcp.fails('list_pods', { cluster: 'prod-eu' });
    expect(message).toMatch(/unknown cluster "prod-eu"; known clusters: sim-1, sim-2, sim-3/);
    const rows = await runtime.deps.store.state.audit.list({ limit: 3 });
    expect(rows.some((r) => r.tool === 'list_pods' && r.ok === false)).toBe(true);
  });

  it('a context added to the kubeconfig file is usable without a restart', async () => {
    const names = simClusterNames(3);
    // sim-4 names sim-2's API server: its deployment shows through the new name.
    const contexts = [
      ...sims.map((s, i) => ({ name: names[i]!, server: s.url, namespace: 'demo' })),
      { name: 'sim-4', server: sims[1]!.url, namespace: 'demo' },
    ];
    writeFileSync(kubeconfig, multiKubeconfigYaml(contexts));
    await expect
      .poll(async () => (await mcp.call('list_deployments', { namespace: 'demo', cluster: 'sim-4' })).isError === true, { timeout: 5000, interval: 100 })
      .toBe(false);
    const out = await mcp.ok<{ items: { name: string }[] }>('list_deployments', { namespace: 'demo', cluster: 'sim-4' });
    expect(out.items.map((d) => d.name)).toContain('only-on-two');
  });

  it('list_clusters shows each cluster, the default, and a stopped one as unreachable', async () => {
    await sims[2]!.stop();
    const out = await mcp.ok<{
      defaultCluster: string;
      clusters: { name: string; default: boolean; reachable: boolean; server: string; auth: string; error?: string }[];
    }>('list_clusters');
    expect(out.defaultCluster).toBe('sim-1');
    const byName = Object.fromEntries(out.clusters.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['sim-1', 'sim-2', 'sim-3', 'sim-4']);
    expect(byName['sim-1']).toMatchObject({ default: true, reachable: true, server: sims[0]!.url, auth: 'none' });
    expect(byName['sim-2']?.reachable).toBe(true);
    expect(byName['sim-3']?.reachable).toBe(false);
    expect(byName['sim-3']?.error).toBeTruthy();
    // the other clusters still answer
    expect((await mcp.call('list_pods', { namespace: 'demo', cluster: 'sim-2' })).isError).toBeFalsy();
  }, 20_000);
});
