import { KubeConfig } from '@kubernetes/client-node';
import { ClusterClient } from '../../src/k8s/client.js';

/** A cluster client whose kubeconfig points nowhere (port 9): for tests whose code path must never call the cluster. */
export function unreachableCluster(): ClusterClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'none', server: 'http://127.0.0.1:9' }],
    users: [{ name: 'none' }],
    contexts: [{ name: 'none', cluster: 'none', user: 'none' }],
    currentContext: 'none',
  });
  return new ClusterClient(kc);
}
