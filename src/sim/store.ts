/**
 * The simulator's etcd: versioned objects per resource type, list with selectors and paging, and watch
 * with resume from a resourceVersion. Controllers use it in-process; the HTTP API server is a thin face
 * over it, so both see one truth.
 *
 * Objects handed out by `get`/`list` are the stored instances and must be treated as read-only; every
 * write stores a fresh clone. This keeps 10,000-pod lists cheap without risking aliasing bugs on write.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../base/clock.js';
import { ApiError } from './errors.js';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector, type FieldRequirement, type LabelRequirement } from './selectors.js';
import { resourceKey, type KObject, type ResourceType, type WatchEvent, type WatchEventType } from './types.js';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Resume after this version; '' or '0' or undefined sends the current state as ADDED first. */
  resourceVersion?: string;
}

export interface UpdateOptions {
  /** `status` takes only `.status` from the input; the main resource keeps the stored `.status`. */
  subresource?: 'status';
}

interface LogEntry {
  rv: number;
  key: string;
  type: Exclude<WatchEventType, 'BOOKMARK'>;
  object: KObject;
  prev?: KObject;
}

interface Watcher {
  key: string;
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  send: (ev: WatchEvent) => void;
}

/** Resource types whose `.status` is only written through the `/status` subresource. */
const STATUS_SUBRESOURCE_KEYS = new Set(['/pods', '/nodes', '/namespaces', 'apps/deployments', 'apps/replicasets', '/services']);

/**
 * Watch history kept for resuming from a resourceVersion; older ones get 410 Gone and the client re-lists,
 * as with a real API server's watch cache. 10,000 writes is minutes of a 10,000-pod cluster (~45,000 writes
 * per simulated hour), enough for any reconnect; each entry pins up to two object versions in memory.
 */
const HISTORY = 10_000;

function objKey(ns: string | undefined, name: string): string {
  return ns ? `${ns}/${name}` : name;
}

/** Deep copy of JSON data; several times faster than structuredClone on the small objects stored here. */
function clone<T>(o: T): T {
  if (o === null || typeof o !== 'object') return o;
  if (Array.isArray(o)) return o.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = clone((o as Record<string, unknown>)[k]);
  return out as T;
}

/**
 * Equal as JSON documents: what `JSON.stringify` would make of them, ignoring key order (which carries no
 * meaning in Kubernetes objects). Allocates nothing, unlike comparing two serializations.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let defined = 0;
  for (const k of Object.keys(ao)) {
    const v = ao[k];
    if (v === undefined) continue;
    defined++;
    if (bo[k] === undefined || !sameJson(v, bo[k])) return false;
  }
  for (const k of Object.keys(bo)) if (bo[k] !== undefined) defined--;
  return defined === 0;
}

export class ObjectStore {
  private readonly data = new Map<string, Map<string, KObject>>();
  private readonly sortedKeys = new Map<string, string[] | undefined>();
  private readonly log: LogEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly queue: { w: Watcher; ev: WatchEvent }[] = [];
  private queueHead = 0;
  private delivering = false;
  /** Watches from a resourceVersion below this get 410 Gone (expireHistory: an etcd compaction). */
  private compactedRv = 0;
  private rv = 1;
  private nameSeq = 0;

  constructor(
    private readonly clock: Clock,
    /** Deterministic ids under rehearsal; random UUIDs otherwise. */
    private readonly newUid: () => string = randomUUID,
  ) {}

  get resourceVersion(): string {
    return String(this.rv);
  }

  private bucket(res: ResourceType): Map<string, KObject> {
    const key = resourceKey(res);
    let b = this.data.get(key);
    if (!b) {
      b = new Map();
      this.data.set(key, b);
    }
    return b;
  }

  private timestamp(): string {
    return new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Name for `generateName`: a stable 5-character suffix sequence (deterministic under rehearsal). */
  generateSuffix(): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let n = ++this.nameSeq * 7919 + 104729;
    let s = '';
    for (let i = 0; i < 5; i++) {
      s += alphabet[n % alphabet.length];
      n = Math.floor(n / alphabet.length);
    }
    return s;
  }

  get(res: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    return this.data.get(resourceKey(res))?.get(objKey(res.namespaced ? namespace : undefined, name));
  }

  /** `get` by the store's own key (`namespace/name`, or `name` for cluster-scoped types), for indexes that keep keys. */
  getByKey(res: ResourceType, key: string): KObject | undefined {
    return this.data.get(resourceKey(res))?.get(key);
  }

  mustGet(res: ResourceType, namespace: string | undefined, name: string): KObject {
    const o = this.get(res, namespace, name);
    if (!o) throw ApiError.notFound(res.plural, name, res.group);
    return o;
  }

  create(res: ResourceType, input: KObject): KObject {
    const obj = clone(input);
    obj.metadata ??= { name: '' };
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${this.generateSuffix()}`;
    if (!meta.name)
      throw ApiError.invalid(
        res.kind,
        '',
        [{ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' }],
        res.group,
      );
    if (res.namespaced && !meta.namespace) throw ApiError.badRequest('the namespace of the provided object is not set');
    if (!res.namespaced) delete meta.namespace;
    const b = this.bucket(res);
    const k = objKey(meta.namespace, meta.name);
    if (b.has(k)) throw ApiError.alreadyExists(res.plural, meta.name, res.group);
    meta.uid = this.newUid();
    meta.creationTimestamp = this.timestamp();
    meta.generation = 1;
    delete meta.deletionTimestamp;
    meta.resourceVersion = String(++this.rv);
    b.set(k, obj);
    this.sortedKeys.delete(resourceKey(res));
    this.record(res, 'ADDED', obj);
    return obj;
  }

  /**
   * Replaces an object. A `metadata.resourceVersion` that is not the stored one is a 409 Conflict; an
   * empty one means "last write wins" (as for kubectl replace --force and controllers' own writes).
   */
  update(res: ResourceType, input: KObject, opts: UpdateOptions = {}): KObject {
    const name = input.metadata?.name;
    if (!name) throw ApiError.badRequest('name is required');
    const ns = res.namespaced ? input.metadata.namespace : undefined;
    const b = this.bucket(res);
    const k = objKey(ns, name);
    const current = b.get(k);
    if (!current) throw ApiError.notFound(res.plural, name, res.group);
    const wantRv = input.metadata.resourceVersion;
    if (wantRv && wantRv !== current.metadata.resourceVersion)
      throw ApiError.conflict(res.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', res.group);

    let next: KObject;
    const statusSplit = STATUS_SUBRESOURCE_KEYS.has(resourceKey(res));
    if (opts.subresource === 'status') {
      next = clone(current);
      next.status = clone(input.status);
    } else {
      next = clone(input);
      if (statusSplit) next.status = clone(current.status);
      // Immutable identity fields come from the stored object, whatever the caller sent.
      next.metadata.uid = current.metadata.uid;
      next.metadata.creationTimestamp = current.metadata.creationTimestamp;
      next.metadata.namespace = current.metadata.namespace;
      if (current.metadata.deletionTimestamp) next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
      if (!res.namespaced) delete next.metadata.namespace;
      next.metadata.generation = current.metadata.generation ?? 1;
      if (!sameJson(current.spec, next.spec)) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    }
    if (sameJson(current, { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } })) {
      return current; // A no-op write does not bump the version or wake watchers, as on a real API server.
    }
    // Stored objects are never changed in place, so versions can share unchanged parts: most writes
    // touch only status or only spec, and the watch history holds thousands of versions.
    if (sameJson(current.spec, next.spec)) next.spec = current.spec;
    if (sameJson(current.status, next.status)) next.status = current.status;
    next.metadata.resourceVersion = String(++this.rv);
    b.set(k, next);
    this.record(res, 'MODIFIED', next, current);
    return next;
  }

  /**
   * Read-modify-write for controllers: `fn` gets a private clone to change; returns the stored result.
   * Returns undefined when the object does not exist (a controller racing a delete is not an error).
   */
  mutate(res: ResourceType, namespace: string | undefined, name: string, fn: (o: KObject) => void, opts: UpdateOptions = {}): KObject | undefined {
    const current = this.get(res, namespace, name);
    if (!current) return undefined;
    const draft = clone(current);
    fn(draft);
    draft.metadata.resourceVersion = current.metadata.resourceVersion;
    if (opts.subresource === 'status' || !STATUS_SUBRESOURCE_KEYS.has(resourceKey(res))) {
      return this.update(res, draft, opts);
    }
    // A controller changing both spec and status in one step: apply the main write, then the status.
    // Watchers hear of both only afterwards, so none can write in between and make the second stale.
    const wasDelivering = this.delivering;
    this.delivering = true;
    let result: KObject;
    try {
      const afterMain = this.update(res, draft);
      result = sameJson(afterMain.status, draft.status)
        ? afterMain
        : this.update(res, { ...afterMain, status: draft.status, metadata: { ...afterMain.metadata } }, { subresource: 'status' });
    } finally {
      this.delivering = wasDelivering;
    }
    this.drain();
    return result;
  }

  delete(res: ResourceType, namespace: string | undefined, name: string, opts: { resourceVersion?: string; uid?: string } = {}): KObject {
    const ns = res.namespaced ? namespace : undefined;
    const b = this.bucket(res);
    const k = objKey(ns, name);
    const current = b.get(k);
    if (!current) throw ApiError.notFound(res.plural, name, res.group);
    if (opts.resourceVersion && opts.resourceVersion !== current.metadata.resourceVersion)
      throw ApiError.conflict(res.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', res.group);
    if (opts.uid && opts.uid !== current.metadata.uid)
      throw ApiError.conflict(
        res.plural,
        name,
        `Precondition failed: UID in precondition: ${opts.uid}, UID in object meta: ${current.metadata.uid}`,
        res.group,
      );
    b.delete(k);
    this.sortedKeys.delete(resourceKey(res));
    const gone = clone(current);
    gone.metadata.resourceVersion = String(++this.rv);
    this.record(res, 'DELETED', gone, current);
    return gone;
  }

  list(res: ResourceType, opts: ListOptions = {}): ListResult {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector);
    const key = resourceKey(res);
    const b = this.bucket(res);
    let keys = this.sortedKeys.get(key);
    if (!keys) {
      keys = [...b.keys()].sort();
      this.sortedKeys.set(key, keys);
    }
    let start = 0;
    let rv = this.rv;
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      rv = token.rv;
      start = lowerBound(keys, token.after, true);
    }
    const nsPrefix = res.namespaced && opts.namespace ? `${opts.namespace}/` : undefined;
    if (nsPrefix && start === 0) start = lowerBound(keys, nsPrefix, false);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: KObject[] = [];
    let i = start;
    for (; i < keys.length; i++) {
      const k = keys[i]!;
      if (nsPrefix && !k.startsWith(nsPrefix)) break;
      const o = b.get(k)!;
      if (labels.length && !matchLabels(labels, o.metadata.labels)) continue;
      if (fields.length && !matchFields(fields, o)) continue;
      if (items.length >= limit) break;
      items.push(o);
    }
    const result: ListResult = { items, resourceVersion: String(rv) };
    if (items.length >= limit && i < keys.length && (!nsPrefix || keys[i]!.startsWith(nsPrefix))) {
      const last = items[items.length - 1]!;
      result.continue = encodeContinue(rv, objKey(res.namespaced ? last.metadata.namespace : undefined, last.metadata.name));
    }
    return result;
  }

  /**
   * Starts a watch. Events are delivered asynchronously to the writer (queued, drained in order), so a
   * controller reacting to an event can write without re-entering the store mid-update.
   */
  watch(res: ResourceType, opts: WatchOptions, send: (ev: WatchEvent) => void): () => void {
    const w: Watcher = {
      key: resourceKey(res),
      namespace: res.namespaced ? opts.namespace : undefined,
      labels: parseLabelSelector(opts.labelSelector),
      fields: parseFieldSelector(opts.fieldSelector),
      send,
    };
    const from = opts.resourceVersion && opts.resourceVersion !== '0' ? Number(opts.resourceVersion) : undefined;
    if (from !== undefined) {
      if (!Number.isFinite(from)) throw ApiError.badRequest(`invalid resourceVersion "${opts.resourceVersion}"`);
      const oldest = this.log[0]?.rv ?? this.rv + 1;
      if ((from + 1 < oldest && from < this.rv) || from < this.compactedRv)
        throw ApiError.gone(`too old resource version: ${from} (${Math.max(oldest - 1, this.compactedRv)})`);
      for (const e of this.log) if (e.rv > from && e.key === w.key) this.enqueue(w, e);
    } else {
      const { items } = this.list(res, { namespace: w.namespace });
      for (const o of items) if (this.matches(w, o)) this.queue.push({ w, ev: { type: 'ADDED', object: o } });
    }
    this.watchers.add(w);
    this.drain();
    return () => {
      this.watchers.delete(w);
    };
  }

  /**
   * Forgets the watch history up to now, as an etcd compaction does: a watch resuming from any version written so
   * far gets 410 Gone and its client must re-list. Tests use it to prove informers recover from missed events.
   */
  expireHistory(): void {
    this.log.length = 0;
    this.compactedRv = this.rv;
  }

  private matches(w: Watcher, o: KObject | undefined): boolean {
    if (!o) return false;
    if (w.namespace && o.metadata.namespace !== w.namespace) return false;
    if (w.labels.length && !matchLabels(w.labels, o.metadata.labels)) return false;
    if (w.fields.length && !matchFields(w.fields, o)) return false;
    return true;
  }

  /** Translates a change into what this watcher should see, as the API server does for selector watches. */
  private enqueue(w: Watcher, e: LogEntry): void {
    const now = this.matches(w, e.object);
    const before = e.prev ? this.matches(w, e.prev) : false;
    let type: WatchEventType | undefined;
    if (e.type === 'ADDED') type = now ? 'ADDED' : undefined;
    else if (e.type === 'DELETED') type = before || now ? 'DELETED' : undefined;
    else if (now && before) type = 'MODIFIED';
    else if (now) type = 'ADDED';
    else if (before) type = 'DELETED';
    if (type) this.queue.push({ w, ev: { type, object: e.object } });
  }

  private record(res: ResourceType, type: LogEntry['type'], object: KObject, prev?: KObject): void {
    const e: LogEntry = { rv: this.rv, key: resourceKey(res), type, object, prev };
    this.log.push(e);
    // Trim in batches: splicing one entry off a full log on every write is O(n) per write.
    if (this.log.length > HISTORY + HISTORY / 10) this.log.splice(0, this.log.length - HISTORY);
    for (const w of this.watchers) if (w.key === e.key) this.enqueue(w, e);
    this.drain();
  }

  private drain(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      // An index, not Array.shift: a 10k-pod rollout queues tens of thousands of events and shift is O(n) each.
      while (this.queueHead < this.queue.length) {
        const { w, ev } = this.queue[this.queueHead++]!;
        if (!this.watchers.has(w)) continue;
        try {
          w.send(ev);
        } catch {
          // A broken watcher (closed socket) must not stop delivery to the others.
          this.watchers.delete(w);
        }
      }
    } finally {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
      this.delivering = false;
    }
  }

  /** Every object of a type across namespaces, for controllers' periodic resyncs. */
  all(res: ResourceType): KObject[] {
    return [...this.bucket(res).values()];
  }

  count(res: ResourceType): number {
    return this.bucket(res).size;
  }
}

function lowerBound(keys: string[], target: string, strictlyAfter: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const k = keys[mid]!;
    if (k < target || (strictlyAfter && k === target)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function encodeContinue(rv: number, after: string): string {
  return Buffer.from(JSON.stringify({ v: 1, rv, after })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; after: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v: number; rv: number; after: string };
    if (t.v !== 1 || typeof t.after !== 'string' || typeof t.rv !== 'number') throw new Error('bad token');
    return t;
  } catch {
    throw ApiError.badRequest('invalid continue token');
  }
}
