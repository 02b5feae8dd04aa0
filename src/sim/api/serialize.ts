/**
 * JSON for stored objects. The store never mutates a stored object (every write stores a fresh one), so the
 * JSON of an object can be cached by identity: a 10,000-pod list then costs copying cached bytes, and a
 * watch event is serialized once however many watchers receive it. The cache holds UTF-8 bytes rather than
 * strings because every use ends on a socket: a cached string would be joined and re-encoded per request,
 * which is most of a warm list's cost.
 */
import { groupVersion, type KObject, type ResourceType } from '../types.js';

const cache = new WeakMap<KObject, Buffer>();

/** The object's JSON as UTF-8, with `apiVersion`/`kind` filled in when a controller stored it without them. */
export function objectBytes(res: ResourceType, o: KObject): Buffer {
  let b = cache.get(o);
  if (b === undefined) {
    const s = o.kind && o.apiVersion ? JSON.stringify(o) : JSON.stringify({ ...o, apiVersion: groupVersion(res), kind: res.kind });
    // Unpooled: a small pooled Buffer would pin its whole 8 KiB pool slab for as long as the object lives.
    b = Buffer.allocUnsafeSlow(Buffer.byteLength(s));
    b.write(s);
    cache.set(o, b);
  }
  return b;
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Bytes of item JSON per chunk: big enough that per-write overhead vanishes, small enough to stream. */
const CHUNK_BYTES = 256 * 1024;
const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

/**
 * A list's JSON in pieces of about CHUNK_BYTES, serializing items lazily as the pieces are consumed. Written
 * to a socket piece by piece, a 10,000-pod list (~25 MB) never exists as one string or one buffer, and the
 * first bytes leave before the last cache miss is serialized.
 */
export function* listChunks(res: ResourceType, items: KObject[], meta: ListMeta): Generator<Buffer> {
  const head = JSON.stringify({ kind: res.listKind, apiVersion: groupVersion(res), metadata: meta });
  // Splice the items into the already-serialized envelope instead of stringifying one huge object.
  let parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
  let size = 0;
  for (let i = 0; i < items.length; i++) {
    const b = objectBytes(res, items[i]!);
    if (i > 0) parts.push(COMMA);
    parts.push(b);
    size += b.length;
    if (size >= CHUNK_BYTES) {
      yield Buffer.concat(parts);
      parts = [];
      size = 0;
    }
  }
  parts.push(LIST_END);
  yield Buffer.concat(parts);
}

/** A list's JSON in one buffer; for lists small enough that streaming buys nothing. */
export function listBody(res: ResourceType, items: KObject[], meta: ListMeta): Buffer {
  return Buffer.concat([...listChunks(res, items, meta)]);
}

/** The object with `apiVersion`/`kind` set, for responses built as values rather than cached text. */
export function withTypeMeta(res: ResourceType, o: KObject): KObject {
  return o.kind && o.apiVersion ? o : { ...o, apiVersion: groupVersion(res), kind: res.kind };
}
