/** What both contract suites share: the target, its declared capabilities, polling and a test Deployment. */
import type { V1Deployment } from '@kubernetes/client-node';

export interface ContractOptions {
  /**
   * Whether the cluster serves metrics.k8s.io: the simulator always does, test/cluster/up.sh unless
   * SENTINELOPS_METRICS_SERVER=0. Either way the contract asserts it, so a metrics API that goes missing fails.
   */
  metricsApi: boolean;
}

export interface ContractTarget {
  /** A kubeconfig whose current context reaches the cluster under test. */
  kubeconfigYaml: string;
  /** Releases what makeTarget started (the simulator); nothing for an external cluster. */
  close(): Promise<void>;
}

export const uniqueNamespace = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** nginx with small requests and limits, rolling one pod at a time, no termination grace. */
export function deployment(name: string, image: string, replicas = 2): V1Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'web', image, resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } } }],
          terminationGracePeriodSeconds: 0,
        },
      },
    },
  };
}
