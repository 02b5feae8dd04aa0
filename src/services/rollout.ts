/**
 * Watching a rollout finish, the way `kubectl rollout status` judges it.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import type { ProgressFn, ServiceContext } from './context.js';

export interface RolloutStatus {
  done: boolean;
  updated: number;
  available: number;
  desired: number;
  message: string;
}

/** Pure: is this deployment's newest revision fully rolled out? */
export function rolloutStatus(d: V1Deployment): RolloutStatus {
  const desired = d.spec?.replicas ?? 0;
  const s = d.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const total = s.replicas ?? 0;
  const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  const stalled = s.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  if (stalled) return { done: false, updated, available, desired, message: `rollout stalled: ${stalled.message ?? 'progress deadline exceeded'}` };
  if (!observed) return { done: false, updated, available, desired, message: 'waiting for the controller to observe the change' };
  if (updated < desired) return { done: false, updated, available, desired, message: `${updated} of ${desired} new replicas updated` };
  if (total > updated) return { done: false, updated, available, desired, message: `${total - updated} old replicas pending termination` };
  if (available < updated) return { done: false, updated, available, desired, message: `${available} of ${updated} updated replicas available` };
  return { done: true, updated, available, desired, message: `rolled out: ${available}/${desired} available` };
}

/** Polls until the rollout is done, stalls or times out; reports progress as updated+available of 2×desired. */
export async function waitForRollout(
  ctx: ServiceContext,
  namespace: string,
  name: string,
  timeoutSeconds: number,
  onProgress?: ProgressFn,
): Promise<RolloutStatus & { timedOut: boolean }> {
  const deadline = ctx.clock.now() + timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const status = rolloutStatus(await ctx.cluster.readDeployment(namespace, name));
    if (onProgress && status.message !== last) {
      last = status.message;
      await onProgress(Math.min(status.updated, status.desired) + Math.min(status.available, status.desired), 2 * status.desired, status.message);
    }
    if (status.done || status.message.startsWith('rollout stalled')) return { ...status, timedOut: false };
    if (ctx.clock.now() >= deadline) return { ...status, timedOut: true };
    await ctx.clock.sleep(500);
  }
}
