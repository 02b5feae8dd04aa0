/**
 * ReplicaSet controller: keeps `spec.replicas` active pods, deleting surplus pods in upstream's order
 * (unscheduled, pending, not ready, most restarts, newest first), and reports counts in `.status`.
 */
import { R } from '../resources.js';
import type { KObject } from '../types.js';
import type { SimContext } from './context.js';
import { OwnerIndex } from './owner-index.js';
import { podFromTemplate } from './pod-template.js';
import { controllerOf, deletePodGracefully, getCondition, isPodActive, isPodReady, podAvailability, restartCount, splitKey } from './pods.js';
import { WorkQueue } from './queue.js';
import { matchLabels, requirementsFromLabelSelector } from '../selectors.js';
import { parseTime } from './context.js';

const SOURCE = { component: 'replicaset-controller' };

export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly pods: OwnerIndex;
  private unwatch?: () => void;

  constructor(private readonly ctx: SimContext) {
    this.queue = new WorkQueue(ctx.clock, 'replicaset', (k) => this.sync(k), ctx.logger);
    this.pods = new OwnerIndex(ctx.store, R.pods, (ev) => {
      const ref = controllerOf(ev.object);
      if (ref?.kind === 'ReplicaSet') this.queue.add(`${ev.object.metadata.namespace}/${ref.name}`);
    });
  }

  start(): void {
    this.pods.start();
    this.unwatch = this.ctx.store.watch(R.replicasets, {}, (ev) => {
      if (ev.type !== 'DELETED') this.queue.add(`${ev.object.metadata.namespace}/${ev.object.metadata.name}`);
    });
  }

  stop(): void {
    this.unwatch?.();
    this.pods.stop();
    this.queue.stop();
  }

  /** Pods this ReplicaSet controls (including terminating ones). */
  podsOf(rs: KObject): KObject[] {
    return this.pods.owned(rs.metadata.uid);
  }

  private sync(key: string): void {
    const { store, clock } = this.ctx;
    const [ns, name] = splitKey(key);
    const rs = store.get(R.replicasets, ns, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const want = Math.max(0, Number(rs.spec?.replicas ?? 1));
    const active = this.podsOf(rs).filter(isPodActive);
    const diff = active.length - want;
    if (diff < 0) {
      for (let i = 0; i < -diff; i++) {
        const pod = store.create(R.pods, podFromTemplate(rs, this.ctx.config.tolerationSeconds));
        this.ctx.events.normal(rs, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
      }
    } else if (diff > 0) {
      for (const pod of rankForDeletion(active).slice(0, diff)) {
        deletePodGracefully(store, pod, clock.now());
        this.ctx.events.normal(rs, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, SOURCE);
      }
    }
    this.updateStatus(rs);
  }

  private updateStatus(rs: KObject): void {
    const now = this.ctx.clock.now();
    const minReady = Number(rs.spec?.minReadySeconds ?? 0);
    const templateLabels = requirementsFromLabelSelector({ matchLabels: rs.spec?.template?.metadata?.labels ?? {} });
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let fullyLabeled = 0;
    let recheck: number | undefined;
    for (const pod of this.podsOf(rs)) {
      if (!isPodActive(pod)) continue;
      replicas++;
      if (matchLabels(templateLabels, pod.metadata.labels)) fullyLabeled++;
      if (isPodReady(pod)) ready++;
      const a = podAvailability(pod, minReady, now);
      if (a.available) available++;
      else if (a.waitMs !== undefined) recheck = Math.min(recheck ?? Infinity, a.waitMs);
    }
    if (recheck !== undefined) this.queue.addAfter(`${rs.metadata.namespace}/${rs.metadata.name}`, recheck);
    const status = {
      replicas,
      fullyLabeledReplicas: fullyLabeled,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    // Upstream omits zero counts (omitempty), except replicas.
    const clean: Record<string, number> = { replicas };
    for (const [k, v] of Object.entries(status)) if (v) clean[k] = v;
    this.ctx.store.mutate(
      R.replicasets,
      rs.metadata.namespace,
      rs.metadata.name,
      (o) => {
        o.status = { ...clean, ...(o.status?.conditions ? { conditions: o.status.conditions } : {}) };
      },
      { subresource: 'status' },
    );
  }
}

/**
 * Upstream's ActivePods ordering: the pods it is cheapest to lose come first. Name breaks the final tie
 * so the choice is deterministic.
 */
export function rankForDeletion(pods: KObject[]): KObject[] {
  const phaseRank = (p: KObject): number => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status?.phase as string] ?? 0;
  const readySince = (p: KObject): number => parseTime(getCondition(p, 'Ready')?.lastTransitionTime) ?? 0;
  const created = (p: KObject): number => parseTime(p.metadata.creationTimestamp) ?? 0;
  return pods.slice().sort((a, b) => {
    const boundA = a.spec?.nodeName ? 1 : 0;
    const boundB = b.spec?.nodeName ? 1 : 0;
    if (boundA !== boundB) return boundA - boundB;
    if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
    const readyA = isPodReady(a) ? 1 : 0;
    const readyB = isPodReady(b) ? 1 : 0;
    if (readyA !== readyB) return readyA - readyB;
    if (readyA && readySince(a) !== readySince(b)) return readySince(b) - readySince(a);
    if (restartCount(a) !== restartCount(b)) return restartCount(b) - restartCount(a);
    if (created(a) !== created(b)) return created(b) - created(a);
    return a.metadata.name < b.metadata.name ? 1 : -1;
  });
}
