/**
 * ReplicaSet controller: keeps `spec.replicas` active pods, deleting surplus pods in upstream's order
 * (unscheduled, pending, not ready, most restarts, newest first), and reports counts in `.status`.
 */
import { R } from '../resources.js';
import type { KObject } from '../types.js';
import type { SimContext } from './context.js';
import { OwnerIndex } from './owner-index.js';
import { podFromTemplate } from './pod-template.js';
import { controllerOf, deletePodGracefully, getCondition, isPodActive, isPodReady, podAvailability, podKey, restartCount, splitKey } from './pods.js';
import { WorkQueue } from './queue.js';
import { matchLabels, requirementsFromLabelSelector } from '../selectors.js';
import { parseTime } from './context.js';

const SOURCE = { component: 'replicaset-controller' };

/**
 * A ReplicaSet's counts kept current from pod events, so a pod's status change costs O(1) instead of a pass over
 * all the ReplicaSet's pods (100 pods x every transition of each was most of a 100,000-pod bring-up). Built by a
 * full pass; only trusted while the template labels it counted against are the ReplicaSet's and minReadySeconds is
 * 0 (availability then equals readiness and does not depend on time).
 */
interface Tally {
  labelsRef: unknown;
  requirements: ReturnType<typeof requirementsFromLabelSelector>;
  active: number;
  ready: number;
  labeled: number;
}

interface Contribution {
  tally: Tally;
  active: number;
  ready: number;
  labeled: number;
}

export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly pods: OwnerIndex;
  private unwatch?: () => void;
  /** By ReplicaSet uid. Invariant: each tally is the sum of the contributions that point at it. */
  private readonly tallies = new Map<string, Tally>();
  /** By pod key: what the pod last added to its ReplicaSet's tally. */
  private readonly contributions = new Map<string, Contribution>();

  constructor(private readonly ctx: SimContext) {
    this.queue = new WorkQueue(ctx.clock, 'replicaset', (k) => this.sync(k), ctx.logger);
    this.pods = new OwnerIndex(ctx.store, R.pods, (ev) => {
      const ref = controllerOf(ev.object);
      this.recount(ev.type === 'DELETED' ? undefined : ev.object, podKey(ev.object), ref?.kind === 'ReplicaSet' ? ref.uid : undefined);
      if (ref?.kind === 'ReplicaSet') this.queue.add(`${ev.object.metadata.namespace}/${ref.name}`);
    });
  }

  start(): void {
    this.pods.start();
    this.unwatch = this.ctx.store.watch(R.replicasets, {}, (ev) => {
      if (ev.type === 'DELETED') this.tallies.delete(ev.object.metadata.uid!);
      else this.queue.add(`${ev.object.metadata.namespace}/${ev.object.metadata.name}`);
    });
  }

  private recount(pod: KObject | undefined, key: string, ownerUid: string | undefined): void {
    const prev = this.contributions.get(key);
    if (prev) {
      prev.tally.active -= prev.active;
      prev.tally.ready -= prev.ready;
      prev.tally.labeled -= prev.labeled;
      this.contributions.delete(key);
    }
    const tally = pod && ownerUid ? this.tallies.get(ownerUid) : undefined;
    if (pod && tally) this.contributions.set(key, contribute(tally, pod));
  }

  /** Counts the ReplicaSet from scratch and starts keeping its tally from here (when it can be kept). */
  private rebuildTally(rs: KObject, pods: KObject[]): void {
    const uid = rs.metadata.uid!;
    this.tallies.delete(uid);
    if (Number(rs.spec?.minReadySeconds ?? 0) !== 0) return;
    const labelsRef = rs.spec?.template?.metadata?.labels;
    const tally: Tally = { labelsRef, requirements: requirementsFromLabelSelector({ matchLabels: labelsRef ?? {} }), active: 0, ready: 0, labeled: 0 };
    for (const pod of pods) {
      const key = podKey(pod);
      this.recount(undefined, key, undefined);
      this.contributions.set(key, contribute(tally, pod));
    }
    this.tallies.set(uid, tally);
  }

  /** The tally when it still describes this ReplicaSet version. */
  private trustedTally(rs: KObject): Tally | undefined {
    const t = this.tallies.get(rs.metadata.uid!);
    return t && t.labelsRef === rs.spec?.template?.metadata?.labels && Number(rs.spec?.minReadySeconds ?? 0) === 0 ? t : undefined;
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
    const tally = this.trustedTally(rs);
    if (tally && tally.active === want) {
      // Nothing to create or delete: the status from the tally, without reading a pod.
      this.writeStatus(rs, { replicas: tally.active, fullyLabeled: tally.labeled, ready: tally.ready, available: tally.ready });
      return;
    }
    const owned = this.podsOf(rs);
    const active = owned.filter(isPodActive);
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
    // Without creates or deletes the pods just read are still current: no second read of the index.
    this.updateStatus(rs, diff === 0 ? owned : this.podsOf(rs));
  }

  private updateStatus(rs: KObject, pods: KObject[]): void {
    const now = this.ctx.clock.now();
    const minReady = Number(rs.spec?.minReadySeconds ?? 0);
    const templateLabels = requirementsFromLabelSelector({ matchLabels: rs.spec?.template?.metadata?.labels ?? {} });
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let fullyLabeled = 0;
    let recheck: number | undefined;
    for (const pod of pods) {
      if (!isPodActive(pod)) continue;
      replicas++;
      if (matchLabels(templateLabels, pod.metadata.labels)) fullyLabeled++;
      if (isPodReady(pod)) ready++;
      const a = podAvailability(pod, minReady, now);
      if (a.available) available++;
      else if (a.waitMs !== undefined) recheck = Math.min(recheck ?? Infinity, a.waitMs);
    }
    if (recheck !== undefined) this.queue.addAfter(`${rs.metadata.namespace}/${rs.metadata.name}`, recheck);
    this.rebuildTally(rs, pods);
    this.writeStatus(rs, { replicas, fullyLabeled, ready, available });
  }

  private writeStatus(rs: KObject, counts: { replicas: number; fullyLabeled: number; ready: number; available: number }): void {
    const { replicas } = counts;
    const status = {
      replicas,
      fullyLabeledReplicas: counts.fullyLabeled,
      readyReplicas: counts.ready,
      availableReplicas: counts.available,
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

function contribute(tally: Tally, pod: KObject): Contribution {
  const active = isPodActive(pod) ? 1 : 0;
  const c: Contribution = {
    tally,
    active,
    ready: active && isPodReady(pod) ? 1 : 0,
    labeled: active && matchLabels(tally.requirements, pod.metadata.labels) ? 1 : 0,
  };
  tally.active += c.active;
  tally.ready += c.ready;
  tally.labeled += c.labeled;
  return c;
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
