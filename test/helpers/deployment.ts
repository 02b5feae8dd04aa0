/** A minimal Deployment manifest (one container, `app: <name>` labels) for suites that create their own workloads. */
import type { V1Deployment, V1ResourceRequirements } from '@kubernetes/client-node';

export function deploymentBody(
  namespace: string,
  name: string,
  replicas: number,
  container: { image: string; resources: V1ResourceRequirements },
): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', ...container }] } },
    },
  };
}
