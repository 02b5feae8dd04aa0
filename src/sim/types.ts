/** The simulator stores plain JSON objects shaped like the Kubernetes API's. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  generateName?: string;
  [key: string]: unknown;
}

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [key: string]: any;
}

/** A resource type the API serves: `apps/v1 deployments`, `v1 pods`, ... */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Lower-case plural used in URLs, e.g. `deployments`. */
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs: string[];
  /** Subresources served under `/{name}/{sub}`. */
  subresources?: string[];
  categories?: string[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  object: KObject;
}

export function groupVersion(r: Pick<ResourceType, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

const resourceKeys = new WeakMap<object, string>();

/**
 * Key used by the store for one resource type: `apps/deployments`, `/pods`. Kept per type object: a fresh string
 * on every store read had to be hashed again for the map lookup, millions of times at 100,000 pods. Resource
 * type objects are never changed after creation.
 */
export function resourceKey(r: Pick<ResourceType, 'group' | 'plural'>): string {
  let k = resourceKeys.get(r);
  if (k === undefined) {
    k = `${r.group}/${r.plural}`;
    resourceKeys.set(r, k);
  }
  return k;
}
