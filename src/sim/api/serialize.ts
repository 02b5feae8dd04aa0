/**
 * JSON for stored objects. The store never mutates a stored object (every write stores a fresh one), so the
 * JSON of an object can be cached by identity: a 10,000-pod list then costs one string join, and a watch
 * event is serialized once however many watchers receive it.
 */
import { groupVersion, type KObject, type ResourceType } from '../types.js';

const cache = new WeakMap<KObject, string>();

/** The object's JSON, with `apiVersion`/`kind` filled in when a controller stored it without them. */
export function objectJson(res: ResourceType, o: KObject): string {
  let s = cache.get(o);
  if (s === undefined) {
    s = o.kind && o.apiVersion ? JSON.stringify(o) : JSON.stringify({ ...o, apiVersion: groupVersion(res), kind: res.kind });
    cache.set(o, s);
  }
  return s;
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function listJson(res: ResourceType, items: KObject[], meta: ListMeta): string {
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) parts[i] = objectJson(res, items[i]!);
  const head = JSON.stringify({ kind: res.listKind, apiVersion: groupVersion(res), metadata: meta });
  // Splice the items into the already-serialized envelope instead of stringifying one huge object.
  return `${head.slice(0, -1)},"items":[${parts.join(',')}]}`;
}

/** The object with `apiVersion`/`kind` set, for responses built as values rather than cached text. */
export function withTypeMeta(res: ResourceType, o: KObject): KObject {
  return o.kind && o.apiVersion ? o : { ...o, apiVersion: groupVersion(res), kind: res.kind };
}
