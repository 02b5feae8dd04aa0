/**
 * Helpers for the end-to-end tests against a real Kubernetes API (SENTINELOPS_E2E_KUBECONFIG): a throwaway
 * namespace with a kwok-friendly nginx Deployment, and a tool caller over any connected SDK Client.
 */
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { E2E_KUBECONFIG, metricsServer, realCluster } from '../helpers/prerequisite.js';
import { eventually, textOf, toolCaller as sharedToolCaller, type ToolCaller } from '../server/harness.js';

export { eventually, textOf, type ToolCaller };

/** The real cluster's kubeconfig; suites register through describeWith(realCluster, ...), so it is set when they run. */
export const kubeconfigPath = E2E_KUBECONFIG as string;
export { metricsServer, realCluster };
/** kwok moves pods to Ready in about a second; controllers add their own latency. */
export const SETTLE_MS = 60_000;

export interface Kube {
  core: CoreV1Api;
  apps: AppsV1Api;
}

export function kube(path: string): Kube {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return { core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

export const uniqueNamespace = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

export function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * nginx with requests and limits; kwok reports the pod's usage from the template's annotations
 * (250m of a 500m request = 50 %), so get_metrics has something to measure.
 */
export function nginxDeployment(name: string, replicas: number): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name },
          annotations: { 'kwok.x-k8s.io/usage-cpu': '250m', 'kwok.x-k8s.io/usage-memory': '64Mi' },
        },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.27',
              resources: { requests: { cpu: '500m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
            },
          ],
        },
      },
    },
  };
}

/** Pods of `app` that are Ready and not being deleted. */
export async function readyPods(k: Kube, namespace: string, app: string): Promise<V1Pod[]> {
  const pods = await k.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return pods.items.filter((p) => !p.metadata?.deletionTimestamp && isReady(p));
}

/** Waits until the deployment's controller has observed its spec and every replica is updated and ready. */
export async function waitRolledOut(k: Kube, namespace: string, name: string, replicas?: number): Promise<V1Deployment> {
  return eventually(
    async () => {
      const d = await k.apps.readNamespacedDeployment({ namespace, name });
      const want = replicas ?? d.spec?.replicas ?? 0;
      const s = d.status;
      const done =
        (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
        (d.spec?.replicas ?? 0) === want &&
        (s?.updatedReplicas ?? 0) === want &&
        (s?.readyReplicas ?? 0) === want &&
        (s?.replicas ?? 0) === want;
      return done ? d : undefined;
    },
    SETTLE_MS,
    250,
  );
}

/** The shared tool caller with a timeout long enough for a real cluster's controllers. */
export function toolCaller(client: Client): ToolCaller {
  return sharedToolCaller(client, { timeout: SETTLE_MS });
}
