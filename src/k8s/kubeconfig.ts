/**
 * Where cluster credentials come from: a kubeconfig file (KUBECONFIG or --kubeconfig, optional context),
 * the pod's service account, or a simulator's generated kubeconfig.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
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
      loadKubeconfigFiles(kc, src.kubeconfig);
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

/** The default kubeconfig path, for messages. */
export const DEFAULT_KUBECONFIG = join(homedir(), '.kube', 'config');

/**
 * A KUBECONFIG-style list (path-delimiter separated; the first file's current context wins), or ~/.kube/config.
 * No file at all is an error with the next step: client-node would otherwise fall back to http://localhost:8080,
 * and every call would then fail far from the cause.
 */
function loadKubeconfigFiles(kc: KubeConfig, list: string | undefined): void {
  const files = (list ?? DEFAULT_KUBECONFIG).split(delimiter).filter(Boolean);
  const present = files.filter((f) => existsSync(f));
  if (present.length === 0) {
    throw new Error(
      `no kubeconfig found (looked for ${files.join(', ')}); pass --kubeconfig FILE (or set KUBECONFIG), use --cluster in-cluster inside a pod, or try the simulated cluster with --cluster sim`,
    );
  }
  for (const [i, file] of present.entries()) {
    const one = i === 0 ? kc : new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (err) {
      throw new Error(`cannot read kubeconfig ${file}: ${(err as Error).message}`);
    }
    if (one !== kc) kc.mergeConfig(one, true);
  }
}

/** The API server URL, for health output (never credentials). */
export function serverUrl(kc: KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? 'unknown';
}
