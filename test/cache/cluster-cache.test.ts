/**
 * The watch-fed cluster cache against the simulator over HTTP through client-node: it lists and watches, reflects
 * changes, recovers from a compacted watch history (410 Gone) by re-listing with nothing stale or missing, and the
 * tools answer from it, saying so and how old it is.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/base/clock.js';
import { silentLogger } from '../../src/base/log.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { parseConfig } from '../../src/config/load.js';
import { ClusterCache } from '../../src/k8s/cache/index.js';
import { ClusterClient } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { createServer } from '../../src/mcp/create-server.js';
import { R } from '../../src/sim/resources.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const names = (pods: readonly V1Pod[]) => pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}@${p.metadata?.resourceVersion}`);

function barePod(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'demo', labels: { role: 'probe' } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', env: [{ name: 'BIG', value: 'x'.repeat(4096) }] }] },
  };
}

describe('ClusterCache over the simulator', () => {
  let sim: Simulator;
  let cluster: ClusterClient;
  let cache: ClusterCache;

  beforeAll(async () => {
    sim = await startSimulator({ demo: true, seed: 5 });
    await sim.ready({ timeoutMs: 20_000 });
    const config = parseConfig({ cluster: { mode: 'sim' } });
    cluster = new ClusterClient(loadKubeConfig({ ...config.cluster, simKubeconfigYaml: sim.kubeconfigYaml() }));
    cache = new ClusterCache(cluster, new RealClock(), silentLogger());
    cache.start();
  }, 30_000);

  afterAll(async () => {
    cache?.stop();
    await sim?.stop();
  });

  it('lists once, then holds what the API server lists, projected', async () => {
    expect(await cache.whenSynced(10_000)).toBe(true);
    const api = (await cluster.listPods(undefined)).items;
    const cached = cache.read('pods')!;
    expect(cached.source.source).toBe('cache');
    expect(names(cached.items)).toEqual(names(api).sort());
    expect(cached.items.length).toBeGreaterThanOrEqual(3);
    // Only the projected fields are kept: no managedFields, no env, no volumes.
    const pod = cached.items.find((p) => p.metadata?.namespace === 'demo')!;
    expect(pod.metadata?.managedFields).toBeUndefined();
    expect(pod.spec?.containers[0]).toEqual({
      name: expect.any(String),
      image: expect.any(String),
      ...(pod.spec?.containers[0]?.resources ? { resources: expect.anything() } : {}),
    });
    expect(cache.status().synced).toBe(true);
    expect(cache.read('deployments', 'demo')!.items.map((d) => d.metadata?.name)).toEqual(['nginx-demo']);
    expect(cache.read('nodes')!.items.length).toBe(3);
  });

  it('reflects creations, updates and deletions from the watch, and filters by label selector', async () => {
    await cluster.core.createNamespacedPod({ namespace: 'demo', body: barePod('probe-a') });
    const added = await until('probe-a in the cache', () => cache.get('pods', 'demo', 'probe-a'));
    expect(added.spec?.containers[0]?.env).toBeUndefined();
    expect(cache.read('pods', 'demo', 'role=probe')!.items.map((p) => p.metadata?.name)).toEqual(['probe-a']);
    expect(cache.read('pods', 'demo', 'role notin (probe),app')!.items.every((p) => p.metadata?.labels?.app === 'nginx-demo')).toBe(true);
    await cluster.core.patchNamespacedPod(
      { namespace: 'demo', name: 'probe-a', body: { metadata: { labels: { role: 'probe', seen: 'yes' } } } },
      // client-node's default patch type is JSON patch; a merge patch is simpler here.
      (await import('@kubernetes/client-node')).setHeaderOptions('Content-Type', 'application/merge-patch+json'),
    );
    await until('label update in the cache', () => cache.get('pods', 'demo', 'probe-a')?.metadata?.labels?.seen === 'yes');
    await cluster.core.deleteNamespacedPod({ namespace: 'demo', name: 'probe-a', gracePeriodSeconds: 0 });
    await until('probe-a gone from the cache', () => !cache.get('pods', 'demo', 'probe-a'));
  });

  it('recovers from 410 Gone by re-listing: what changed while the watch was gone is neither stale nor missing', async () => {
    await cluster.core.createNamespacedPod({ namespace: 'demo', body: barePod('ghost') });
    await until('ghost in the cache', () => cache.get('pods', 'demo', 'ghost'));
    const listsBefore = cache.status().kinds.find((k) => k.kind === 'pods')!.lists;
    // Compact the history and cut every watch; in the same tick (before any reconnect) change the cluster behind
    // the cache's back. Resuming from its last resourceVersion now gets 410, so only a re-list can see these.
    sim.expireWatches();
    sim.store.delete(R.pods, 'demo', 'ghost');
    sim.create(barePod('newcomer'));
    sim.store.mutate(R.deployments, 'demo', 'nginx-demo', (d) => {
      d.metadata.labels = { ...d.metadata.labels, touched: 'while-away' };
    });
    await until('the re-list', () => cache.status().kinds.find((k) => k.kind === 'pods')!.lists > listsBefore);
    await until('newcomer in the cache', () => cache.get('pods', 'demo', 'newcomer'));
    expect(cache.get('pods', 'demo', 'ghost')).toBeUndefined();
    await until('deployment label', () => cache.get('deployments', 'demo', 'nginx-demo')?.metadata?.labels?.touched === 'while-away');
    const api = (await cluster.listPods(undefined)).items;
    await until('cache equal to the API list', () => JSON.stringify(names(cache.read('pods')!.items)) === JSON.stringify(names(api).sort()));
    expect(cache.status().synced).toBe(true);
  });
});

describe('tools answer from the cache', () => {
  let sim: Simulator;
  let runtime: Runtime;
  let client: Client;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    sim = await startSimulator({ demo: true, seed: 6 });
    await sim.ready({ timeoutMs: 20_000 });
    const dir = mkdtempSync(join(tmpdir(), 'sentinelops-cache-'));
    const config = parseConfig({ cluster: { mode: 'sim' }, store: { path: join(dir, 's.db') }, log: { level: 'silent' } });
    runtime = createRuntime(config, { logger: silentLogger(), simKubeconfigYaml: sim.kubeconfigYaml() });
    expect(await runtime.deps.cache!.whenSynced(10_000)).toBe(true);
    const made = createServer({ ...runtime.deps, caller: 'test' });
    cleanup = made.cleanup;
    const [a, b] = InMemoryTransport.createLinkedPair();
    await made.server.connect(b);
    client = new Client({ name: 'cache-test', version: '1' });
    await client.connect(a);
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    await cleanup?.();
    runtime?.close();
    await sim?.stop();
  });

  const call = async (name: string, args: Record<string, unknown>) => {
    const r = await client.callTool({ name, arguments: args });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    return r.structuredContent as Record<string, any>;
  };

  it('list_pods, list_deployments, list_nodes and cluster_health say source cache with an age', async () => {
    for (const [tool, args] of [
      ['list_pods', { namespace: 'demo' }],
      ['list_deployments', {}],
      ['list_nodes', {}],
      ['cluster_health', {}],
    ] as const) {
      const out = await call(tool, args);
      expect(out.source, tool).toEqual({ source: 'cache', ageMs: expect.any(Number) });
      expect(out.source.ageMs, tool).toBeGreaterThanOrEqual(0);
    }
    const deps = await call('list_deployments', { namespace: 'demo' });
    expect(deps.items[0]).toMatchObject({ name: 'nginx-demo', replicas: 3, revision: 1, revisionHashes: [{ revision: 1 }] });
    const health = await call('cluster_health', {});
    expect(health.pods.total).toBe((await runtime.deps.cluster.listPods(undefined)).items.length);
  });

  it('pages from the cache with its own continue tokens, seeing every pod once', async () => {
    const all = (await call('list_pods', {})).items.map((p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await call('list_pods', { limit: 2, ...(token ? { continue: token } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`));
      token = page.continue;
      if (token) expect(token.startsWith('c1:')).toBe(true);
    } while (token);
    expect(seen).toEqual(all);
  });

  it('answers from the API server when the cache is not synced, and says so', async () => {
    runtime.deps.cache!.stop();
    const direct = createServer({ ...runtime.deps, cache: undefined, caller: 'test' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await direct.server.connect(b);
    const c = new Client({ name: 'no-cache', version: '1' });
    await c.connect(a);
    const r = await c.callTool({ name: 'list_pods', arguments: { namespace: 'demo' } });
    expect((r.structuredContent as Record<string, any>).source).toEqual({ source: 'api' });
    await c.close();
    await direct.cleanup();
  });
});
