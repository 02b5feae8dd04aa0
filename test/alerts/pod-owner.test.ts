/**
 * An alert that names only a pod is traced to its deployment through the cluster (client-node against
 * the simulator over HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podOwnerResolver } from '../../src/alerts/pod-owner.js';
import { ClusterClient } from '../../src/k8s/client.js';
import { loadKubeConfig } from '../../src/k8s/kubeconfig.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';

describe('podOwnerResolver', () => {
  let sim: Simulator;
  let resolve: ReturnType<typeof podOwnerResolver>;

  beforeAll(async () => {
    sim = await startSimulator({ demo: true, port: 0, seed: 3 });
    await sim.ready({ timeoutMs: 20_000 });
    resolve = podOwnerResolver(new ClusterClient(loadKubeConfig({ mode: 'sim', simKubeconfigYaml: sim.kubeconfigYaml() })));
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('finds the deployment of a ReplicaSet pod', async () => {
    const pods = await new ClusterClient(loadKubeConfig({ mode: 'sim', simKubeconfigYaml: sim.kubeconfigYaml() })).listPods('demo');
    const name = pods.items[0]!.metadata!.name!;
    expect(await resolve('demo', name)).toBe('nginx-demo');
  });

  it('gives undefined for a pod that no longer exists', async () => {
    expect(await resolve('demo', 'nginx-demo-gone-12345')).toBeUndefined();
  });
});
