/**
 * The CPU burner a cpu spike starts on a real cluster, pure: a short-lived pod on the target pod's node,
 * in its namespace, that spins `ceil(millicores / 1000)` shell loops under a CPU limit of `millicores`.
 * Three bounds end it: `timeout` inside the container, activeDeadlineSeconds (the kubelet kills it), and
 * SentinelOps' TTL timer that deletes it. It requests almost nothing so it always fits beside the target,
 * and it passes the "restricted" Pod Security Standard (non-root, no privileges, read-only root).
 */
import type { V1Pod, V1Toleration } from '@kubernetes/client-node';

export const CHAOS_LABEL = 'sentinelops.dev/chaos';
export const TARGET_ANNOTATION = 'sentinelops.dev/chaos-target';

export interface BurnerSpec {
  experimentId: string;
  index: number;
  namespace: string;
  targetPod: string;
  node: string | null;
  millicores: number;
  durationSeconds: number;
  image: string;
  tolerations?: V1Toleration[];
}

export function burnerPodName(experimentId: string, index: number): string {
  return `sentinelops-${experimentId}-burn-${index}`;
}

export function burnerPod(s: BurnerSpec): V1Pod {
  const loops = Math.max(1, Math.ceil(s.millicores / 1000));
  const script = `for i in $(seq ${loops}); do timeout ${s.durationSeconds} sh -c 'while :; do :; done' & done; wait`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: burnerPodName(s.experimentId, s.index),
      namespace: s.namespace,
      labels: { [CHAOS_LABEL]: s.experimentId, 'app.kubernetes.io/managed-by': 'sentinelops', 'app.kubernetes.io/component': 'chaos-cpu-burner' },
      annotations: { [TARGET_ANNOTATION]: s.targetPod },
    },
    spec: {
      // Same node as the target: the burn competes with it for the node's CPU.
      ...(s.node ? { nodeName: s.node } : {}),
      restartPolicy: 'Never',
      activeDeadlineSeconds: s.durationSeconds,
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      ...(s.tolerations?.length ? { tolerations: s.tolerations } : {}),
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'burn',
          image: s.image,
          command: ['sh', '-c', script],
          resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { cpu: `${s.millicores}m`, memory: '16Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}
