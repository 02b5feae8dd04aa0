/**
 * Who owns a deployment's replica count, and whether SentinelOps may take it below what a person set. Pure over the
 * objects passed in (the deployment with its managedFields, the HPAs of its namespace, its namespace).
 *
 * Owners, in the order checked:
 *  - a HorizontalPodAutoscaler (autoscaling/v2) whose scaleTargetRef is the deployment. KEDA scales through an HPA
 *    it creates for each ScaledObject (named keda-hpa-<name>, owned by the ScaledObject), so a KEDA-scaled
 *    deployment is found here too and named after its ScaledObject;
 *  - a GitOps controller that applies spec.replicas: the field manager owning f:spec.f:replicas in managedFields is
 *    Argo CD's (argocd-controller with server-side apply, argocd-application-controller otherwise) or Flux's
 *    (kustomize-controller, helm-controller). Those re-apply the count from Git: an agent's change would be reverted
 *    at the next sync, or fight it. A manifest that leaves replicas out gives the field to nobody, and no owner.
 * The Helm CLI (manager "helm") and kubectl are people acting once: the count they wrote is the person's count.
 */
import type { V1Deployment, V1Namespace, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';

/** Annotation on a deployment or namespace consenting to scale-down below the count a person set. */
export { SCALE_DOWN_ANNOTATION } from '../k8s/cache/projections.js';
import { SCALE_DOWN_ANNOTATION } from '../k8s/cache/projections.js';

const GITOPS_MANAGERS: Readonly<Record<string, string>> = {
  'argocd-controller': 'Argo CD',
  'argocd-application-controller': 'Argo CD',
  'kustomize-controller': 'Flux',
  'helm-controller': 'Flux',
};

export interface ReplicaOwnership {
  /** Another controller owning spec.replicas, in words; null when none is known. */
  replicasOwner: string | null;
  /** The field manager that last wrote spec.replicas (managedFields), null when the server keeps none. */
  replicasSetBy: string | null;
  /** The deployment or its namespace consents to scale-down below the person's count. */
  scaleDownOptIn: boolean;
}

function hpaOwner(dep: V1Deployment, hpas: readonly V2HorizontalPodAutoscaler[]): string | null {
  const hpa = hpas.find(
    (h) =>
      h.metadata?.namespace === dep.metadata?.namespace && h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === dep.metadata?.name,
  );
  if (!hpa) return null;
  const ns = hpa.metadata?.namespace ?? '';
  const scaledObject =
    (hpa.metadata?.ownerReferences ?? []).find((o) => o.kind === 'ScaledObject')?.name ?? hpa.metadata?.labels?.['scaledobject.keda.sh/name'];
  return scaledObject ? `KEDA ScaledObject ${ns}/${scaledObject}` : `HorizontalPodAutoscaler ${ns}/${hpa.metadata?.name ?? '?'}`;
}

/** Field managers whose managed set includes spec.replicas, newest write first. */
export function replicasManagers(dep: V1Deployment): string[] {
  const entries = (dep.metadata?.managedFields ?? []).filter((m) => {
    const spec = (m.fieldsV1 as Record<string, unknown> | undefined)?.['f:spec'] as Record<string, unknown> | undefined;
    return m.manager !== undefined && spec !== undefined && 'f:replicas' in spec;
  });
  const time = (t: unknown) => (t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : 0);
  return entries.sort((a, b) => time(b.time) - time(a.time)).map((m) => m.manager!);
}

export function replicaOwnership(dep: V1Deployment, hpas: readonly V2HorizontalPodAutoscaler[], namespace?: V1Namespace): ReplicaOwnership {
  const managers = replicasManagers(dep);
  const gitops = managers.find((m) => GITOPS_MANAGERS[m] !== undefined);
  const owner = hpaOwner(dep, hpas) ?? (gitops ? `${GITOPS_MANAGERS[gitops]} (field manager ${gitops} applies spec.replicas)` : null);
  const allows = (o: { metadata?: { annotations?: Record<string, string> } } | undefined) => o?.metadata?.annotations?.[SCALE_DOWN_ANNOTATION] === 'allow';
  return {
    replicasOwner: owner,
    replicasSetBy: managers[0] ?? null,
    scaleDownOptIn: allows(dep) || allows(namespace),
  };
}
