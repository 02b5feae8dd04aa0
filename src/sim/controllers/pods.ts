/** Small facts about pods and owners that several control loops need, computed the upstream way. */
import { R } from '../resources.js';
import type { ObjectStore } from '../store.js';
import type { KObject, OwnerReference } from '../types.js';
import { isoSeconds, parseTime } from './context.js';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
}

export function controllerOf(o: KObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}

export function podKey(o: KObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export function getCondition(o: KObject, type: string): Condition | undefined {
  return (o.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

/**
 * Sets a condition, keeping `lastTransitionTime` when the status does not change (as every upstream
 * controller does), so "how long has it been not ready" stays answerable.
 */
export function setCondition(conditions: Condition[], next: Condition, now: number, order?: readonly string[]): Condition[] {
  const at = isoSeconds(now);
  const i = conditions.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? conditions[i] : undefined;
  const merged: Condition = { ...next, lastTransitionTime: prev && prev.status === next.status ? prev.lastTransitionTime : at };
  if (!merged.reason) delete merged.reason;
  if (!merged.message) delete merged.message;
  const out = conditions.slice();
  if (i >= 0) out[i] = merged;
  else out.push(merged);
  if (order) out.sort((a, b) => rank(order, a.type) - rank(order, b.type));
  return out;
}

function rank(order: readonly string[], t: string): number {
  const i = order.indexOf(t);
  return i < 0 ? order.length : i;
}

export function isPodReady(pod: KObject): boolean {
  return getCondition(pod, 'Ready')?.status === 'True';
}

/** Active as the ReplicaSet controller counts it: not finished and not being deleted. */
export function isPodActive(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** Ready for at least `minReadySeconds`; returns the wait left (ms) when ready but not yet available. */
export function podAvailability(pod: KObject, minReadySeconds: number, now: number): { available: boolean; waitMs?: number } {
  const ready = getCondition(pod, 'Ready');
  if (ready?.status !== 'True') return { available: false };
  if (!minReadySeconds) return { available: true };
  const since = parseTime(ready.lastTransitionTime) ?? now;
  const left = since + minReadySeconds * 1000 - now;
  return left <= 0 ? { available: true } : { available: false, waitMs: left };
}

export function restartCount(pod: KObject): number {
  let n = 0;
  for (const c of (pod.status?.containerStatuses ?? []) as { restartCount?: number }[]) n += c.restartCount ?? 0;
  return n;
}

/**
 * Deletes a pod the way the API server does for controllers: at once when it never ran on a node or
 * has finished, otherwise gracefully (deletionTimestamp set; the kubelet finishes the deletion).
 */
export function deletePodGracefully(store: ObjectStore, pod: KObject, now: number): void {
  if (pod.metadata.deletionTimestamp) return;
  const phase = pod.status?.phase;
  if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') {
    store.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
    return;
  }
  const grace = Number(pod.spec?.terminationGracePeriodSeconds ?? 30);
  store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name, (p) => {
    p.metadata.deletionTimestamp = isoSeconds(now + grace * 1000);
    p.metadata.deletionGracePeriodSeconds = grace;
  });
}

/** The Deployment that owns a pod through its ReplicaSet, as `ns/name`; undefined for other pods. */
export function deploymentKeyOfPod(store: ObjectStore, pod: KObject): string | undefined {
  const rsRef = controllerOf(pod);
  if (rsRef?.kind !== 'ReplicaSet') return undefined;
  const rs = store.get(R.replicasets, pod.metadata.namespace, rsRef.name);
  const dRef = rs ? controllerOf(rs) : undefined;
  return dRef?.kind === 'Deployment' ? `${pod.metadata.namespace}/${dRef.name}` : undefined;
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)];
}
