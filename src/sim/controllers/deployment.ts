/**
 * Deployment controller, following upstream's sync: find or create the ReplicaSet whose template is the
 * Deployment's (named <deploy>-<pod-template-hash>), roll with maxSurge/maxUnavailable or Recreate,
 * keep `revisionHistoryLimit` old ReplicaSets, and report status with Available/Progressing conditions.
 * `kubectl rollout undo` patches the template back; the matching old ReplicaSet is then found and
 * becomes the newest revision, as upstream.
 */
import { ApiError } from '../errors.js';
import { R } from '../resources.js';
import type { KObject } from '../types.js';
import { isoSeconds, parseTime, type SimContext } from './context.js';
import { HASH_LABEL, sameTemplateIgnoringHash, templateHash } from './hash.js';
import { OwnerIndex } from './owner-index.js';
import { controllerOf, setCondition, splitKey, type Condition } from './pods.js';
import { WorkQueue } from './queue.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';

const SOURCE = { component: 'deployment-controller' };
const CONDITION_ORDER = ['Available', 'Progressing', 'ReplicaFailure'];

/** An IntOrString (`2` or `"25%"`) resolved against a total; bad values count as 0. */
export function resolveIntOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return Math.max(0, Math.trunc(v));
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v.trim());
    if (m) {
      const x = (Number(m[1]) * total) / 100;
      return roundUp ? Math.ceil(x) : Math.floor(x);
    }
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? n : 0;
  }
  return 0;
}

function replicasOf(o: KObject): number {
  return Math.max(0, Number(o.spec?.replicas ?? 1));
}

function isRolling(d: KObject): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') !== 'Recreate';
}

/** maxSurge and maxUnavailable as upstream resolves them (both 0 would deadlock, so unavailable becomes 1). */
export function fenceposts(d: KObject): { surge: number; unavailable: number } {
  if (!isRolling(d)) return { surge: 0, unavailable: 0 };
  const want = replicasOf(d);
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const surge = resolveIntOrPercent(ru.maxSurge ?? '25%', want, true);
  let unavailable = resolveIntOrPercent(ru.maxUnavailable ?? '25%', want, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, want) };
}

export function revisionOf(o: KObject | undefined): number {
  const n = Number(o?.metadata.annotations?.[REVISION] ?? 0);
  return Number.isFinite(n) ? n : 0;
}

const specReplicas = (rs: KObject): number => Number(rs.spec?.replicas ?? 0);
const sum = (rss: KObject[], f: (rs: KObject) => number): number => rss.reduce((a, rs) => a + f(rs), 0);

export class DeploymentController {
  private readonly queue: WorkQueue;
  private readonly rsIndex: OwnerIndex;
  private readonly unwatch: (() => void)[] = [];

  constructor(private readonly ctx: SimContext) {
    this.queue = new WorkQueue(ctx.clock, 'deployment', (k) => this.sync(k), ctx.logger);
    this.rsIndex = new OwnerIndex(ctx.store, R.replicasets, (ev) => {
      const ref = controllerOf(ev.object);
      if (ref?.kind === 'Deployment') this.queue.add(`${ev.object.metadata.namespace}/${ref.name}`);
    });
  }

  start(): void {
    const { store } = this.ctx;
    this.rsIndex.start();
    this.unwatch.push(
      store.watch(R.deployments, {}, (ev) => {
        if (ev.type !== 'DELETED') this.queue.add(`${ev.object.metadata.namespace}/${ev.object.metadata.name}`);
      }),
      // Recreate waits for old pods to be gone, so a pod's deletion can unblock its Deployment.
      store.watch(R.pods, {}, (ev) => {
        if (ev.type !== 'DELETED') return;
        const rsRef = controllerOf(ev.object);
        const rs = rsRef?.kind === 'ReplicaSet' ? store.get(R.replicasets, ev.object.metadata.namespace, rsRef.name) : undefined;
        const dRef = rs ? controllerOf(rs) : undefined;
        if (dRef?.kind === 'Deployment') this.queue.add(`${ev.object.metadata.namespace}/${dRef.name}`);
      }),
    );
  }

  stop(): void {
    for (const u of this.unwatch) u();
    this.rsIndex.stop();
    this.queue.stop();
  }

  private replicaSets(d: KObject): KObject[] {
    const created = (o: KObject): number => parseTime(o.metadata.creationTimestamp) ?? 0;
    return this.rsIndex
      .owned(d.metadata.uid)
      .filter((rs) => !rs.metadata.deletionTimestamp)
      .sort((a, b) => created(a) - created(b) || (a.metadata.name < b.metadata.name ? -1 : 1));
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const d = this.ctx.store.get(R.deployments, ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    if (d.spec?.paused || this.isScalingEvent(d)) {
      const { newRS, old } = this.newAndOld(d, false);
      this.scale(d, newRS, old);
      this.syncStatus(d.metadata.namespace!, d.metadata.name);
      return;
    }
    if (isRolling(d)) this.rolloutRolling(d);
    else this.rolloutRecreate(d);
  }

  /**
   * The ReplicaSet for the current template (creating it when asked) and the others. Syncs the revision
   * annotation: the current ReplicaSet always carries the highest revision.
   */
  private newAndOld(d: KObject, create: boolean): { newRS?: KObject; old: KObject[] } {
    const all = this.replicaSets(d);
    const existing = all.find((rs) => sameTemplateIgnoringHash(rs.spec?.template, d.spec?.template));
    const old = all.filter((rs) => rs !== existing);
    const newRevision = Math.max(0, ...old.map(revisionOf)) + 1;
    if (existing) {
      let rs = existing;
      const rev = revisionOf(rs);
      if (rev < newRevision) {
        rs =
          this.ctx.store.mutate(R.replicasets, rs.metadata.namespace, rs.metadata.name, (o) => {
            o.metadata.annotations ??= {};
            if (rev > 0) {
              const hist = o.metadata.annotations[REVISION_HISTORY];
              o.metadata.annotations[REVISION_HISTORY] = hist ? `${hist},${rev}` : String(rev);
            }
            o.metadata.annotations[REVISION] = String(newRevision);
          }) ?? rs;
        // A template switched back to an older ReplicaSet is a new rollout: restart the progress clock.
        if (rev > 0) this.setProgressing(d, 'True', 'ReplicaSetUpdated', `ReplicaSet "${rs.metadata.name}" is progressing.`, true);
      }
      this.setDeploymentRevision(d, revisionOf(rs));
      return { newRS: rs, old };
    }
    if (!create) return { old };
    const rs = this.createReplicaSet(d, old, newRevision);
    return { newRS: rs, old };
  }

  private createReplicaSet(d: KObject, old: KObject[], revision: number): KObject {
    const { store } = this.ctx;
    const want = replicasOf(d);
    const { surge } = fenceposts(d);
    const initial = isRolling(d) ? this.newReplicasForRolling(d, old, undefined) : want;
    let collisions = Number(d.status?.collisionCount ?? 0);
    for (;;) {
      const hash = templateHash(d.spec?.template, collisions);
      const template = structuredClone(d.spec?.template ?? {});
      template.metadata ??= {};
      template.metadata.labels = { ...(template.metadata.labels ?? {}), [HASH_LABEL]: hash };
      const selector = structuredClone(d.spec?.selector ?? {});
      selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
      const name = `${d.metadata.name}-${hash}`;
      try {
        const rs = store.create(R.replicasets, {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name,
            namespace: d.metadata.namespace,
            labels: template.metadata.labels,
            annotations: { [DESIRED_REPLICAS]: String(want), [MAX_REPLICAS]: String(want + surge), [REVISION]: String(revision) },
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true },
            ],
          },
          spec: { replicas: initial, minReadySeconds: Number(d.spec?.minReadySeconds ?? 0), selector, template },
        });
        if (initial > 0) this.ctx.events.normal(d, 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${initial}`, SOURCE);
        this.setProgressing(d, 'True', 'NewReplicaSetCreated', `Created new replica set "${name}"`, true);
        this.setDeploymentRevision(d, revision);
        return rs;
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== 409) throw err;
        const clash = store.get(R.replicasets, d.metadata.namespace, name);
        if (clash && controllerOf(clash)?.uid === d.metadata.uid && sameTemplateIgnoringHash(clash.spec?.template, d.spec?.template)) return clash;
        // A different template hashed to the same name: bump collisionCount, as upstream does.
        collisions++;
        store.mutate(
          R.deployments,
          d.metadata.namespace,
          d.metadata.name,
          (o) => {
            o.status = { ...(o.status ?? {}), collisionCount: collisions };
          },
          { subresource: 'status' },
        );
      }
    }
  }

  private setDeploymentRevision(d: KObject, revision: number): void {
    const cur = this.ctx.store.get(R.deployments, d.metadata.namespace, d.metadata.name);
    if (!cur || cur.metadata.annotations?.[REVISION] === String(revision)) return;
    this.ctx.store.mutate(R.deployments, d.metadata.namespace, d.metadata.name, (o) => {
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [REVISION]: String(revision) };
    });
  }

  /** Scales a ReplicaSet and stamps the desired/max annotations; true when the replica count changed. */
  private scaleRS(d: KObject, rs: KObject, to: number): boolean {
    const from = specReplicas(rs);
    const want = replicasOf(d);
    const { surge } = fenceposts(d);
    const ann = rs.metadata.annotations ?? {};
    if (from === to && ann[DESIRED_REPLICAS] === String(want) && ann[MAX_REPLICAS] === String(want + surge)) return false;
    this.ctx.store.mutate(R.replicasets, rs.metadata.namespace, rs.metadata.name, (o) => {
      o.spec.replicas = to;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [DESIRED_REPLICAS]: String(want), [MAX_REPLICAS]: String(want + surge) };
    });
    if (from !== to) {
      const verb = to > from ? 'up' : 'down';
      this.ctx.events.normal(d, 'ScalingReplicaSet', `Scaled ${verb} replica set ${rs.metadata.name} from ${from} to ${to}`, SOURCE);
    }
    return from !== to;
  }

  /** How many replicas the new ReplicaSet may have now: up to replicas + maxSurge pods in total. */
  private newReplicasForRolling(d: KObject, old: KObject[], newRS: KObject | undefined): number {
    const want = replicasOf(d);
    const current = newRS ? specReplicas(newRS) : 0;
    const { surge } = fenceposts(d);
    const total = sum(old, specReplicas) + current;
    const maxTotal = want + surge;
    if (total >= maxTotal) return current;
    return current + Math.max(0, Math.min(maxTotal - total, want - current));
  }

  private rolloutRolling(d: KObject): void {
    const ns = d.metadata.namespace!;
    const name = d.metadata.name;
    let { newRS, old } = this.newAndOld(d, true);
    newRS = this.ctx.store.get(R.replicasets, ns, newRS!.metadata.name) ?? newRS;
    // Scale up the new ReplicaSet first; the next sync (on its status change) scales the old ones down.
    if (newRS && this.reconcileNew(d, newRS, old)) return this.syncStatus(ns, name);
    if (newRS && this.reconcileOld(d, newRS, old)) return this.syncStatus(ns, name);
    const fresh = this.ctx.store.get(R.deployments, ns, name)!;
    if (this.isComplete(fresh, this.computeStatus(fresh, newRS, old))) this.cleanup(fresh, old);
    this.syncStatus(ns, name);
  }

  private reconcileNew(d: KObject, newRS: KObject, old: KObject[]): boolean {
    const want = replicasOf(d);
    const cur = specReplicas(newRS);
    if (cur === want) return this.scaleRS(d, newRS, want); // only refreshes annotations
    if (cur > want) return this.scaleRS(d, newRS, want);
    return this.scaleRS(d, newRS, this.newReplicasForRolling(d, old, newRS));
  }

  /** Scales old ReplicaSets down without going below replicas - maxUnavailable available pods. */
  private reconcileOld(d: KObject, newRS: KObject, oldIn: KObject[]): boolean {
    const { store } = this.ctx;
    const refresh = (rs: KObject): KObject => store.get(R.replicasets, rs.metadata.namespace, rs.metadata.name) ?? rs;
    let old = oldIn.map(refresh);
    const nrs = refresh(newRS);
    const oldPods = sum(old, specReplicas);
    if (oldPods === 0) return false;
    const want = replicasOf(d);
    const { unavailable } = fenceposts(d);
    const minAvailable = want - unavailable;
    const allPods = oldPods + specReplicas(nrs);
    const newUnavailable = specReplicas(nrs) - Number(nrs.status?.availableReplicas ?? 0);
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;

    // First drop old pods that are not available anyway: they cost no availability.
    let cleaned = 0;
    for (const rs of old) {
      if (cleaned >= maxScaledDown) break;
      const spec = specReplicas(rs);
      const avail = Number(rs.status?.availableReplicas ?? 0);
      if (spec === 0 || spec === avail) continue;
      const n = Math.min(maxScaledDown - cleaned, spec - avail);
      if (n > 0 && this.scaleRS(d, rs, spec - n)) cleaned += n;
    }
    old = old.map(refresh);

    // Then scale down available old pods as far as minAvailable allows, oldest ReplicaSet first.
    const availableNow = sum([...old, nrs], (rs) => Number(rs.status?.availableReplicas ?? 0));
    let scaled = 0;
    if (availableNow > minAvailable) {
      const total = availableNow - minAvailable;
      for (const rs of old) {
        if (scaled >= total) break;
        const spec = specReplicas(rs);
        if (spec === 0) continue;
        const n = Math.min(spec, total - scaled);
        if (this.scaleRS(d, rs, spec - n)) scaled += n;
      }
    }
    return cleaned + scaled > 0;
  }

  private rolloutRecreate(d: KObject): void {
    const ns = d.metadata.namespace!;
    const name = d.metadata.name;
    let { newRS, old } = this.newAndOld(d, false);
    let scaledDown = false;
    for (const rs of old) if (specReplicas(rs) > 0) scaledDown = this.scaleRS(d, rs, 0) || scaledDown;
    if (scaledDown) return this.syncStatus(ns, name);
    // Recreate means no old pod may run alongside a new one: wait until every old pod is gone.
    const oldPodsRunning = old.some((rs) => Number(rs.status?.replicas ?? 0) > 0 || this.hasPods(rs));
    if (oldPodsRunning) return this.syncStatus(ns, name);
    if (!newRS) newRS = this.newAndOld(d, true).newRS;
    else this.scaleRS(d, newRS, replicasOf(d));
    const fresh = this.ctx.store.get(R.deployments, ns, name)!;
    old = old.map((rs) => this.ctx.store.get(R.replicasets, ns, rs.metadata.name) ?? rs);
    if (this.isComplete(fresh, this.computeStatus(fresh, newRS, old))) this.cleanup(fresh, old);
    this.syncStatus(ns, name);
  }

  private hasPods(rs: KObject): boolean {
    return this.ctx.store
      .list(R.pods, { namespace: rs.metadata.namespace, labelSelector: `${HASH_LABEL}=${rs.metadata.labels?.[HASH_LABEL] ?? ''}` })
      .items.some((p) => controllerOf(p)?.uid === rs.metadata.uid && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  }

  /** A replicas change (not a template change): resize without a rollout, proportionally mid-rollout. */
  private isScalingEvent(d: KObject): boolean {
    const { newRS, old } = this.newAndOld(d, false);
    if (!newRS) return false;
    const want = String(replicasOf(d));
    return [newRS, ...old].some(
      (rs) => specReplicas(rs) > 0 && rs.metadata.annotations?.[DESIRED_REPLICAS] !== undefined && rs.metadata.annotations[DESIRED_REPLICAS] !== want,
    );
  }

  private scale(d: KObject, newRS: KObject | undefined, old: KObject[]): void {
    const want = replicasOf(d);
    const all = newRS ? [newRS, ...old] : old;
    const active = all.filter((rs) => specReplicas(rs) > 0);
    let target: KObject | undefined;
    if (active.length === 1) target = active[0];
    else if (active.length === 0) target = newRS ?? old[old.length - 1];
    if (target) {
      this.scaleRS(d, target, want);
      return;
    }
    if (newRS && specReplicas(newRS) === want && Number(newRS.status?.availableReplicas ?? 0) === want) {
      for (const rs of old) this.scaleRS(d, rs, 0);
      return;
    }
    if (!isRolling(d)) return;
    // Proportional scaling mid-rollout: spread the change over the active ReplicaSets by size.
    const { surge } = fenceposts(d);
    const allowed = want > 0 ? want + surge : 0;
    const current = sum(active, specReplicas);
    const delta = allowed - current;
    if (delta === 0) return;
    const ordered = active.slice().sort((a, b) => (delta > 0 ? specReplicas(b) - specReplicas(a) : specReplicas(a) - specReplicas(b)));
    let left = delta;
    const targets = ordered.map((rs) => {
      const share = Math.trunc((specReplicas(rs) * delta) / current);
      const bounded = delta > 0 ? Math.min(share, left) : Math.max(share, left);
      left -= bounded;
      return specReplicas(rs) + bounded;
    });
    if (left !== 0) targets[0] = Math.max(0, targets[0]! + left);
    ordered.forEach((rs, i) => this.scaleRS(d, rs, targets[i]!));
  }

  private cleanup(d: KObject, old: KObject[]): void {
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const alive = old.filter((rs) => !rs.metadata.deletionTimestamp).sort((a, b) => revisionOf(a) - revisionOf(b));
    const diff = alive.length - limit;
    for (let i = 0; i < diff; i++) {
      const rs = alive[i]!;
      if (Number(rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
      if ((rs.metadata.generation ?? 1) > Number(rs.status?.observedGeneration ?? 0)) continue;
      this.ctx.store.delete(R.replicasets, rs.metadata.namespace, rs.metadata.name);
    }
  }

  private computeStatus(d: KObject, newRS: KObject | undefined, old: KObject[]): Record<string, number> {
    const all = newRS ? [newRS, ...old] : old;
    const available = sum(all, (rs) => Number(rs.status?.availableReplicas ?? 0));
    return {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: sum(all, (rs) => Number(rs.status?.replicas ?? 0)),
      updatedReplicas: Number(newRS?.status?.replicas ?? 0),
      readyReplicas: sum(all, (rs) => Number(rs.status?.readyReplicas ?? 0)),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, sum(all, specReplicas) - available),
    };
  }

  private isComplete(d: KObject, s: Record<string, number>): boolean {
    const want = replicasOf(d);
    return s.updatedReplicas === want && s.replicas === want && s.availableReplicas === want && s.observedGeneration! >= (d.metadata.generation ?? 1);
  }

  private setProgressing(d: KObject, status: Condition['status'], reason: string, message: string, touch: boolean): void {
    const now = this.ctx.clock.now();
    this.ctx.store.mutate(
      R.deployments,
      d.metadata.namespace,
      d.metadata.name,
      (o) => {
        o.status ??= {};
        const conds = (o.status.conditions ?? []) as Condition[];
        const prev = conds.find((c) => c.type === 'Progressing');
        if (prev && prev.status === status && prev.reason === reason && prev.message === message && !touch) return;
        o.status.conditions = setCondition(conds, { type: 'Progressing', status, reason, message, lastUpdateTime: isoSeconds(now) }, now, CONDITION_ORDER);
      },
      { subresource: 'status' },
    );
  }

  /** Recomputes `.status` from the ReplicaSets, with the Available and Progressing conditions. */
  private syncStatus(ns: string, name: string): void {
    const { store, clock } = this.ctx;
    const d = store.get(R.deployments, ns, name);
    if (!d) return;
    const { newRS, old } = this.splitCurrent(d);
    const s = this.computeStatus(d, newRS, old);
    const now = clock.now();
    const want = replicasOf(d);
    const { unavailable } = fenceposts(d);
    const prevStatus = d.status ?? {};
    let conds = ((prevStatus.conditions ?? []) as Condition[]).slice();
    const avail: Condition =
      s.availableReplicas! >= want - unavailable
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' };
    conds = upsert(conds, avail, now);

    const deadline = d.spec?.progressDeadlineSeconds ?? 600;
    const rsName = newRS?.metadata.name ?? '';
    const prog = conds.find((c) => c.type === 'Progressing');
    let requeueMs: number | undefined;
    if (d.spec?.paused) {
      if (prog?.reason !== 'DeploymentPaused')
        conds = upsert(conds, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, now);
    } else if (prog?.reason === 'DeploymentPaused') {
      conds = upsert(conds, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentResumed', message: 'Deployment is resumed' }, now);
    } else if (newRS && this.isComplete(d, s)) {
      conds = upsert(
        conds,
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` },
        now,
      );
    } else if (newRS && madeProgress(prevStatus, s)) {
      conds = upsert(conds, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` }, now, true);
      requeueMs = deadline * 1000;
    } else if (newRS && prog && prog.reason !== 'NewReplicaSetAvailable' && prog.reason !== 'ProgressDeadlineExceeded') {
      const since = parseTime(prog.lastUpdateTime) ?? now;
      const left = since + deadline * 1000 - now;
      if (left < 0) {
        conds = upsert(
          conds,
          { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` },
          now,
        );
        this.ctx.events.warning(d, 'ProgressDeadlineExceeded', `Deployment "${name}" has timed out progressing.`, SOURCE);
      } else requeueMs = left + 1;
    }
    if (requeueMs !== undefined) this.queue.addAfter(`${ns}/${name}`, requeueMs);

    const status: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) if (v || k === 'observedGeneration') status[k] = v;
    status.conditions = conds;
    if (prevStatus.collisionCount) status.collisionCount = prevStatus.collisionCount;
    store.mutate(
      R.deployments,
      ns,
      name,
      (o) => {
        o.status = status;
      },
      { subresource: 'status' },
    );
  }

  private splitCurrent(d: KObject): { newRS?: KObject; old: KObject[] } {
    const all = this.replicaSets(d);
    const newRS = all.find((rs) => sameTemplateIgnoringHash(rs.spec?.template, d.spec?.template));
    return { newRS, old: all.filter((rs) => rs !== newRS) };
  }
}

/** Upstream's SetDeploymentCondition: same status and reason is a no-op unless `touch` refreshes lastUpdateTime. */
function upsert(conds: Condition[], next: Condition, now: number, touch = false): Condition[] {
  const prev = conds.find((c) => c.type === next.type);
  if (prev && prev.status === next.status && prev.reason === next.reason && !touch) {
    if (prev.message === next.message) return conds;
  }
  return setCondition(conds, { ...next, lastUpdateTime: isoSeconds(now) }, now, CONDITION_ORDER);
}

function madeProgress(prev: Record<string, any>, s: Record<string, number>): boolean {
  const oldOld = Number(prev.replicas ?? 0) - Number(prev.updatedReplicas ?? 0);
  const newOld = s.replicas! - s.updatedReplicas!;
  return (
    s.updatedReplicas! > Number(prev.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    s.readyReplicas! > Number(prev.readyReplicas ?? 0) ||
    s.availableReplicas! > Number(prev.availableReplicas ?? 0)
  );
}
