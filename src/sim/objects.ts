/**
 * The simulator's stock workload as a Deployment: one nginx container with requests and limits, labelled
 * app=<name>. Benchmarks and tests build their worlds from it; `spec` is merged into the Deployment's spec and
 * `podSpec` into its pod template's.
 */
import type { KObject } from './types.js';

export interface StockDeployment {
  namespace: string;
  name: string;
  replicas: number;
  spec?: Record<string, unknown>;
  podSpec?: Record<string, unknown>;
}

export function stockDeployment({ namespace, name, replicas, spec = {}, podSpec = {} }: StockDeployment): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } } },
          ],
          ...podSpec,
        },
      },
      ...spec,
    },
  };
}
