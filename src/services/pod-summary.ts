/**
 * A pod reduced to the fields an operator (or the agent) decides on. Pure: same pod, same summary.
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';

/** The label the deployment controller puts on a ReplicaSet and on its pods. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

export const PodSummarySchema = z.object({
  name: z.string(),
  namespace: z.string(),
  phase: z.string(),
  ready: z.boolean(),
  node: z.string().nullable(),
  restarts: z.number().int(),
  ownerDeployment: z.string().nullable(),
  createdAt: z.string().nullable(),
  reason: z
    .string()
    .nullable()
    .describe(
      'the worst container or pod reason: CrashLoopBackOff, ImagePullBackOff, ErrImagePull, ContainerCreating, OOMKilled, Unschedulable, Terminating...',
    ),
  message: z.string().nullable(),
  lastTerminationReason: z.string().nullable(),
  lastRunSeconds: z
    .number()
    .nullable()
    .describe('how long the shortest last run of a container that terminated lasted (a crash seconds after start is a crash loop; one after days is not)'),
  scheduled: z.boolean(),
  unschedulableMessage: z.string().nullable(),
  images: z.array(z.string()),
  podTemplateHash: z.string().nullable().describe("the pod-template-hash label: with list_deployments' revisionHashes, the revision the pod runs"),
});
export type PodSummary = z.infer<typeof PodSummarySchema>;

/** Most telling first: when several containers disagree, the summary shows the reason highest here. */
const REASON_RANK = [
  'Terminating',
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'OOMKilled',
  'Error',
  'Unschedulable',
  'ContainerCreating',
  'PodInitializing',
  'Evicted',
  'Completed',
];

function rank(reason: string): number {
  const i = REASON_RANK.indexOf(reason);
  return i < 0 ? REASON_RANK.length : i;
}

export function ownerDeploymentOf(pod: V1Pod): string | null {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet');
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (!owner) return null;
  // A Deployment names its ReplicaSets "<deployment>-<pod-template-hash>".
  if (hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -(hash.length + 1));
  return null;
}

export function summarizePod(pod: V1Pod): PodSummary {
  const statuses: V1ContainerStatus[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const candidates: { reason: string; message: string | null }[] = [];
  let lastTerminationReason: string | null = null;
  let lastRunSeconds: number | null = null;
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason) candidates.push({ reason: waiting.reason, message: waiting.message ?? null });
    const term = s.state?.terminated;
    if (term?.reason && term.reason !== 'Completed') candidates.push({ reason: term.reason, message: term.message ?? null });
    const last = s.lastState?.terminated?.reason;
    if (last) lastTerminationReason = last;
    const ran = runSeconds(s.lastState?.terminated?.startedAt, s.lastState?.terminated?.finishedAt);
    if (ran !== null && (lastRunSeconds === null || ran < lastRunSeconds)) lastRunSeconds = ran;
  }
  const scheduledCond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const scheduled = !(scheduledCond && scheduledCond.status === 'False');
  const unschedulableMessage = scheduled ? null : (scheduledCond?.message ?? 'not scheduled');
  if (!scheduled) candidates.push({ reason: scheduledCond?.reason ?? 'Unschedulable', message: unschedulableMessage });
  if (pod.metadata?.deletionTimestamp) candidates.push({ reason: 'Terminating', message: null });
  if (pod.status?.reason) candidates.push({ reason: pod.status.reason, message: pod.status.message ?? null });
  candidates.sort((a, b) => rank(a.reason) - rank(b.reason));
  const worst = candidates[0];
  const readyCond = pod.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: readyCond?.status === 'True',
    node: pod.spec?.nodeName ?? null,
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    ownerDeployment: ownerDeploymentOf(pod),
    createdAt: isoOf(pod.metadata?.creationTimestamp),
    reason: worst?.reason ?? null,
    message: worst?.message ?? null,
    lastTerminationReason,
    lastRunSeconds,
    scheduled,
    unschedulableMessage,
    images: (pod.spec?.containers ?? []).map((c) => c.image ?? ''),
    podTemplateHash: pod.metadata?.labels?.[POD_TEMPLATE_HASH] ?? null,
  };
}

/** client-node gives Date objects for timestamps; some paths hand strings through. */
export function isoOf(t: Date | string | undefined | null): string | null {
  if (!t) return null;
  const d = t instanceof Date ? t : new Date(t);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Unhealthy = not Running-and-ready (Succeeded pods of jobs are fine). */
export function isUnhealthy(p: PodSummary): boolean {
  if (p.phase === 'Succeeded') return false;
  return !p.ready || p.reason === 'CrashLoopBackOff' || p.reason === 'ImagePullBackOff' || p.reason === 'ErrImagePull';
}

function runSeconds(started: Date | string | undefined, finished: Date | string | undefined): number | null {
  if (!started || !finished) return null;
  const ms = new Date(finished).getTime() - new Date(started).getTime();
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}
