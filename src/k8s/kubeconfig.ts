/**
 * Where cluster credentials come from: a kubeconfig file (KUBECONFIG or --kubeconfig, optional context),
 * the pod's service account, or a simulator's generated kubeconfig.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '../config/schema.js';

export interface KubeConfigSource {
  mode: Config['cluster']['mode'];
  kubeconfig?: string;
  context?: string;
  /** kubeconfig text of an embedded simulator (mode sim) */
  simKubeconfigYaml?: string;
}

export function loadKubeConfig(src: KubeConfigSource): KubeConfig {
  const kc = new KubeConfig();
  switch (src.mode) {
    case 'in-cluster':
      kc.loadFromCluster();
      break;
    case 'sim':
      if (!src.simKubeconfigYaml) throw new Error('cluster mode sim needs the simulator kubeconfig');
      kc.loadFromString(src.simKubeconfigYaml);
      break;
    case 'kubeconfig':
      if (src.kubeconfig) kc.loadFromFile(src.kubeconfig);
      else kc.loadFromDefault();
      break;
  }
  if (src.context) {
    if (!kc.getContexts().some((c) => c.name === src.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new Error(`context "${src.context}" is not in the kubeconfig; known contexts: ${known.join(', ') || '(none)'}`);
    }
    kc.setCurrentContext(src.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new Error('no cluster in the kubeconfig; set KUBECONFIG or --kubeconfig, or run with --cluster sim');
  }
  // client-node refuses plain-http servers unless skipTLSVerify is set, although there is no TLS to
  // verify; kubectl accepts them. The simulator (and local test clusters) serve plain http on loopback.
  kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http://') ? { ...c, skipTLSVerify: true } : c));
  return kc;
}

/** The API server URL, for health output (never credentials). */
export function serverUrl(kc: KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? 'unknown';
}
