/**
 * Traces a pod named in an alert to its deployment through the cluster, for alerts that carry only `pod`.
 */
import type { ClusterClient } from '../k8s/client.js';
import { ownerDeploymentOf } from '../services/pod-summary.js';

export function podOwnerResolver(cluster: Pick<ClusterClient, 'readPod'>): (namespace: string, pod: string) => Promise<string | undefined> {
  return async (namespace, pod) => {
    try {
      return ownerDeploymentOf(await cluster.readPod(namespace, pod)) ?? undefined;
    } catch {
      // The pod may be gone already (alerts lag); the alert then stays on the pod's name.
      return undefined;
    }
  };
}
