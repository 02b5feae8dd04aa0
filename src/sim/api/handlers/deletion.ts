/**
 * DELETE semantics beyond "remove from the store":
 * - pods bound to a node are deleted gracefully: they get `deletionTimestamp` and
 *   `deletionGracePeriodSeconds` and stay (Terminating) until the kubelet model removes them;
 *   gracePeriodSeconds=0, unbound and finished pods go at once;
 * - a namespace takes its objects with it (at once, instead of a Terminating phase);
 * - propagationPolicy Orphan strips the owner reference from dependents here. Background and Foreground
 *   both leave dependents to the simulator's garbage collector, which removes them after the owner is gone
 *   (Foreground's "owner waits for its dependents" is not modelled).
 */
import { ApiError } from '../../errors.js';
import { ALL_RESOURCES, R } from '../../resources.js';
import type { ObjectStore } from '../../store.js';
import { resourceKey, type KObject, type ResourceType } from '../../types.js';
import { queryInt, type Ctx } from '../http.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/** Merges DeleteOptions from the body and the query (kubectl uses the body, curl users the query). */
export function deleteOptions(ctx: Ctx, body: Record<string, any> | undefined): DeleteOptions {
  const grace = body?.gracePeriodSeconds ?? queryInt(ctx.query, 'gracePeriodSeconds');
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0))
    throw ApiError.badRequest(`invalid gracePeriodSeconds ${JSON.stringify(grace)}: must be a non-negative integer`);
  const policy = body?.propagationPolicy ?? ctx.query.get('propagationPolicy') ?? undefined;
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy))
    throw new ApiError(
      422,
      'Invalid',
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  const orphanFlag = body?.orphanDependents ?? (ctx.query.get('orphanDependents') === 'true' ? true : undefined);
  return {
    gracePeriodSeconds: grace,
    propagationPolicy: policy ?? (orphanFlag ? 'Orphan' : undefined),
    preconditions: body?.preconditions,
  };
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function checkPreconditions(res: ResourceType, o: KObject, pre: DeleteOptions['preconditions']): void {
  if (pre?.uid && pre.uid !== o.metadata.uid)
    throw ApiError.conflict(
      res.plural,
      o.metadata.name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${o.metadata.uid}`,
      res.group,
    );
  if (pre?.resourceVersion && pre.resourceVersion !== o.metadata.resourceVersion)
    throw ApiError.conflict(
      res.plural,
      o.metadata.name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${o.metadata.resourceVersion}`,
      res.group,
    );
}

/** Removes `uid` from the owner references of every object that could depend on it. */
function orphanDependents(store: ObjectStore, owner: KObject, namespaced: boolean): void {
  const uid = owner.metadata.uid;
  for (const r of ALL_RESOURCES) {
    if (r.group === 'metrics.k8s.io') continue;
    const candidates = namespaced ? (r.namespaced ? store.list(r, { namespace: owner.metadata.namespace }).items : []) : store.all(r);
    for (const o of candidates) {
      if (!o.metadata.ownerReferences?.some((ref) => ref.uid === uid)) continue;
      store.mutate(r, o.metadata.namespace, o.metadata.name, (d) => {
        d.metadata.ownerReferences = d.metadata.ownerReferences!.filter((ref) => ref.uid !== uid);
        if (d.metadata.ownerReferences.length === 0) delete d.metadata.ownerReferences;
      });
    }
  }
}

function deleteNamespaceContents(store: ObjectStore, ns: string): void {
  for (const r of ALL_RESOURCES) {
    if (!r.namespaced || r.group === 'metrics.k8s.io') continue;
    for (const o of [...store.list(r, { namespace: ns }).items]) {
      try {
        store.delete(r, ns, o.metadata.name);
      } catch (e) {
        // A controller may have removed it in reaction to an earlier delete.
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
  }
}

/**
 * Deletes one object with Kubernetes semantics. Returns the object as the response body: the deleted
 * object, or for a graceful pod deletion the pod now marked Terminating.
 */
export function deleteObject(ctx: Ctx, res: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions, dryRun: boolean): KObject {
  const { store, clock } = ctx;
  const current = store.mustGet(res, namespace, name);
  checkPreconditions(res, current, opts.preconditions);
  const key = resourceKey(res);

  if (key === resourceKey(R.namespaces) && PROTECTED_NAMESPACES.has(name))
    throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });

  if (key === resourceKey(R.pods)) {
    const grace = opts.gracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
    const phase = current.status?.phase;
    const graceful = grace > 0 && !!current.spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
    if (graceful) {
      if (current.metadata.deletionTimestamp || dryRun) return current;
      return store.mutate(res, namespace, name, (d) => {
        d.metadata.deletionTimestamp = rfc3339(clock.now() + grace * 1000);
        d.metadata.deletionGracePeriodSeconds = grace;
      })!;
    }
  }
  if (dryRun) return current;
  if (opts.propagationPolicy === 'Orphan') orphanDependents(store, current, res.namespaced);
  if (key === resourceKey(R.namespaces)) {
    deleteNamespaceContents(store, name);
    const gone = store.delete(res, undefined, name);
    return { ...gone, metadata: { ...gone.metadata, deletionTimestamp: rfc3339(clock.now()) }, status: { ...gone.status, phase: 'Terminating' } };
  }
  return store.delete(res, namespace, name, {});
}
