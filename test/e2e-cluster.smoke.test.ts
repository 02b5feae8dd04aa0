// Smoke test of a real cluster (test/cluster/up.sh, or kind/minikube): the nodes are Ready and a
// Deployment goes through create → Ready pods → scale → delete. Needs SENTINELOPS_E2E_KUBECONFIG naming a
// kubeconfig (fails without it under CI, skips with the reason elsewhere); SENTINELOPS_E2E_NODES (default 3) is
// the node count to expect.
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWith, E2E_KUBECONFIG, realCluster } from './helpers/prerequisite.js';

const expectedNodes = Number(process.env.SENTINELOPS_E2E_NODES ?? '3');
const namespace = `smoke-${randomBytes(3).toString('hex')}`;
const app = 'smoke-web';
const settle = { timeout: 60_000, interval: 500 };

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

describeWith(realCluster, 'real cluster smoke (SENTINELOPS_E2E_KUBECONFIG)', () => {
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(E2E_KUBECONFIG as string);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  async function readyPods(): Promise<V1Pod[]> {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
    return pods.items.filter((p) => !p.metadata?.deletionTimestamp && isReady(p));
  }

  async function allPods(): Promise<V1Pod[]> {
    return (await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;
  }

  it(`has ${expectedNodes} Ready nodes`, async () => {
    const nodes = await core.listNode();
    const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    expect(ready).toHaveLength(expectedNodes);
  });

  it('creates, scales and deletes a Deployment whose pods become Ready on the nodes', async () => {
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: app },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app } },
          template: {
            metadata: { labels: { app } },
            spec: {
              containers: [
                {
                  name: 'web',
                  image: 'nginx:1.27',
                  resources: { requests: { cpu: '100m', memory: '64Mi' } },
                },
              ],
            },
          },
        },
      },
    });

    const nodeNames = new Set((await core.listNode()).items.map((n) => n.metadata?.name));
    await vi.waitFor(async () => expect(await readyPods()).toHaveLength(2), settle);
    for (const pod of await readyPods()) {
      expect(nodeNames.has(pod.spec?.nodeName)).toBe(true);
      expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }

    await apps.replaceNamespacedDeploymentScale({
      name: app,
      namespace,
      body: { metadata: { name: app, namespace }, spec: { replicas: 4 } },
    });
    await vi.waitFor(async () => {
      const d = await apps.readNamespacedDeployment({ name: app, namespace });
      expect(d.status?.readyReplicas).toBe(4);
    }, settle);
    expect(await readyPods()).toHaveLength(4);

    await apps.replaceNamespacedDeploymentScale({
      name: app,
      namespace,
      body: { metadata: { name: app, namespace }, spec: { replicas: 1 } },
    });
    await vi.waitFor(async () => expect(await allPods()).toHaveLength(1), settle);

    await apps.deleteNamespacedDeployment({ name: app, namespace, propagationPolicy: 'Foreground' });
    await vi.waitFor(async () => expect(await allPods()).toHaveLength(0), settle);
  });
});
