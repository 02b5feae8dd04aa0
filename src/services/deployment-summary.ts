/**
 * A deployment with what rollout decisions need: its revision, when the rollout started, which revision
 * came before, and whether an HPA owns its replica count. Pure over the objects passed in.
 */
import type { V1Deployment, V1Namespace, V1ReplicaSet, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { z } from 'zod';
import { POD_TEMPLATE_HASH, isoOf } from './pod-summary.js';
import { replicaOwnership } from './replica-ownership.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export const DeploymentSummarySchema = z.object({
  name: z.string(),
  namespace: z.string(),
  replicas: z.number().int(),
  readyReplicas: z.number().int(),
  updatedReplicas: z.number().int(),
  availableReplicas: z.number().int(),
  revision: z.number().int().nullable(),
  previousRevision: z.number().int().nullable(),
  revisionHashes: z
    .array(z.object({ revision: z.number().int(), podTemplateHash: z.string() }))
    .describe("each ReplicaSet's revision and the pod-template-hash label its pods carry: which revision a pod runs"),
  images: z.array(z.string()),
  rolloutStartedAt: z.string().nullable().describe('creation time of the newest ReplicaSet'),
  conditions: z.array(z.object({ type: z.string(), status: z.string(), reason: z.string().nullable(), message: z.string().nullable() })),
  hpaControlled: z.boolean(),
  replicasOwner: z
    .string()
    .nullable()
    .describe('another controller owning spec.replicas (HPA, KEDA ScaledObject, GitOps field manager): SentinelOps never scales it'),
  replicasSetBy: z.string().nullable().describe('the field manager that last wrote spec.replicas (managedFields)'),
  scaleDownOptIn: z.boolean().describe('the deployment or its namespace carries sentinelops.dev/scale-down: "allow"'),
  paused: z.boolean(),
  createdAt: z.string().nullable(),
});
export type DeploymentSummary = z.infer<typeof DeploymentSummarySchema>;

export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number | null {
  const raw = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) ? n : null;
}

/** ReplicaSets whose controller is this deployment. */
export function ownedReplicaSets(dep: V1Deployment, all: readonly V1ReplicaSet[]): V1ReplicaSet[] {
  const uid = dep.metadata?.uid;
  const key = uid ? `uid:${uid}` : `name:${dep.metadata?.name}`;
  return ownerIndex(all).get(key)?.slice() ?? [];
}

/**
 * ReplicaSets by Deployment owner (uid and name), built once per list: list_deployments asks for every deployment
 * of a page, which filtered the whole list each time (1,000 deployments x 1,000 ReplicaSets per page at 10k pods).
 */
const owners = new WeakMap<readonly V1ReplicaSet[], Map<string, V1ReplicaSet[]>>();

function ownerIndex(all: readonly V1ReplicaSet[]): Map<string, V1ReplicaSet[]> {
  let index = owners.get(all);
  if (index) return index;
  index = new Map();
  for (const rs of all) {
    const keys = new Set<string>();
    for (const o of rs.metadata?.ownerReferences ?? []) {
      if (o.kind !== 'Deployment') continue;
      if (o.uid) keys.add(`uid:${o.uid}`);
      keys.add(`name:${o.name}`);
    }
    for (const k of keys) {
      const list = index.get(k);
      if (list) list.push(rs);
      else index.set(k, [rs]);
    }
  }
  owners.set(all, index);
  return index;
}

export function isHpaTarget(dep: V1Deployment, hpas: readonly V2HorizontalPodAutoscaler[]): boolean {
  return hpas.some(
    (h) =>
      h.metadata?.namespace === dep.metadata?.namespace && h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === dep.metadata?.name,
  );
}

export function summarizeDeployment(
  dep: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  hpas: readonly V2HorizontalPodAutoscaler[],
  namespace?: V1Namespace,
): DeploymentSummary {
  const owned = ownedReplicaSets(dep, replicaSets);
  const revision = revisionOf(dep);
  const current = owned.find((rs) => revisionOf(rs) === revision);
  const newest = current ?? [...owned].sort((a, b) => (revisionOf(b) ?? 0) - (revisionOf(a) ?? 0))[0];
  const older = owned.map(revisionOf).filter((r): r is number => r !== null && (revision === null || r < revision));
  return {
    name: dep.metadata?.name ?? '',
    namespace: dep.metadata?.namespace ?? '',
    replicas: dep.spec?.replicas ?? 0,
    readyReplicas: dep.status?.readyReplicas ?? 0,
    updatedReplicas: dep.status?.updatedReplicas ?? 0,
    availableReplicas: dep.status?.availableReplicas ?? 0,
    revision,
    previousRevision: older.length ? Math.max(...older) : null,
    revisionHashes: owned.flatMap((rs) => {
      const r = revisionOf(rs);
      const hash = rs.metadata?.labels?.[POD_TEMPLATE_HASH];
      return r !== null && hash ? [{ revision: r, podTemplateHash: hash }] : [];
    }),
    images: (dep.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
    rolloutStartedAt: isoOf(newest?.metadata?.creationTimestamp),
    conditions: (dep.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? null, message: c.message ?? null })),
    hpaControlled: isHpaTarget(dep, hpas),
    ...replicaOwnership(dep, hpas, namespace),
    paused: dep.spec?.paused === true,
    createdAt: isoOf(dep.metadata?.creationTimestamp),
  };
}
