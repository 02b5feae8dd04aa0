/**
 * Which workload an alert is about, from its labels. kube-prometheus rules label by `namespace` plus one
 * of `deployment` (KubeDeploymentReplicasMismatch), `workload`+`workload_type` (newer rules) or `pod`
 * (KubePodCrashLooping, KubePodNotReady); a pod is traced to its deployment by the caller's resolver.
 */
import type { Alert } from './schema.js';

/** `cluster`: set by the caller from the alert's `cluster` label when the server knows several clusters. */
export type AlertTarget = { cluster?: string; namespace: string; kind: 'deployment' | 'pod'; name: string };

/** The target, or the reason there is none (the alert is then recorded as ignored). */
export function targetOfAlert(alert: Alert): AlertTarget | { ignored: string } {
  const l = alert.labels;
  const namespace = l.namespace ?? l.exported_namespace;
  if (!namespace) return { ignored: 'no namespace label' };
  const deployment = l.deployment ?? (l.workload_type?.toLowerCase() === 'deployment' ? l.workload : undefined);
  if (deployment) return { namespace, kind: 'deployment', name: deployment };
  const pod = l.pod ?? l.exported_pod;
  if (pod) return { namespace, kind: 'pod', name: pod };
  return { ignored: 'no deployment, workload or pod label' };
}

export function severityOfAlert(alert: Alert): 'low' | 'medium' | 'high' | 'critical' {
  switch (alert.labels.severity?.toLowerCase()) {
    case 'critical':
    case 'page':
      return 'critical';
    case 'high':
    case 'error':
      return 'high';
    case 'info':
    case 'none':
    case 'low':
      return 'low';
    default:
      return 'medium';
  }
}

/** Stable identity of an alert across re-sends: Alertmanager's fingerprint, or its sorted label set. */
export function alertKey(alert: Alert): string {
  if (alert.fingerprint) return alert.fingerprint;
  return Object.keys(alert.labels)
    .sort()
    .map((k) => `${k}=${alert.labels[k]}`)
    .join(',');
}
