/**
 * The three patch formats kubectl and client-node send:
 * - JSON merge patch (RFC 7386): objects merge, `null` deletes, lists replace;
 * - strategic merge patch: like merge, but lists of known element types merge by key (containers by
 *   `name`, ports by `containerPort`, ...), with the `$patch: replace|delete` directives and the
 *   `$setElementOrder`/`$retainKeys` hints accepted;
 * - JSON patch (RFC 6902) via fast-json-patch.
 * All work on a private copy; the caller validates the result before anything is stored.
 */
import fastJsonPatch from 'fast-json-patch';
import { ApiError } from '../errors.js';

type Json = unknown;
type Obj = Record<string, Json>;

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * Merge keys of the list fields the simulator's kinds have, by field name. Kubernetes keys them by Go
 * type, but within these kinds each field name has one meaning, so the name is enough.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  conditions: 'type',
  ownerReferences: 'uid',
  containerStatuses: 'name',
  initContainerStatuses: 'name',
  addresses: 'type',
  taints: 'key',
  resourceClaims: 'name',
};

/** Ports merge by containerPort in containers but by port in Services. */
function mergeKeyFor(field: string, parentIsContainer: boolean): string | undefined {
  if (field === 'ports') return parentIsContainer ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

/** Primitive lists Kubernetes merges as sets instead of replacing. */
const SET_LISTS = new Set(['finalizers']);

export function strategicMergePatch(target: Json, patch: Json, inContainer = false): Json {
  if (!isObj(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((Array.isArray(v) ? v : []).map((x) => JSON.stringify(x)));
      if (Array.isArray(out[field])) out[field] = (out[field] as Json[]).filter((x) => !drop.has(JSON.stringify(x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const current = out[k];
    const childInContainer = MERGE_KEYS[k] === 'name' && (k === 'containers' || k === 'initContainers' || k === 'ephemeralContainers');
    if (Array.isArray(v)) {
      const key = mergeKeyFor(k, inContainer);
      if (key && Array.isArray(current)) out[k] = mergeListByKey(current, v, key, childInContainer);
      else if (SET_LISTS.has(k) && Array.isArray(current)) out[k] = [...new Set([...current, ...v])];
      else out[k] = stripDirectives(v);
    } else if (isObj(v)) {
      out[k] = strategicMergePatch(current, v, false);
    } else {
      out[k] = v;
    }
  }
  return out;
}

function mergeListByKey(current: Json[], patch: Json[], key: string, elementsAreContainers: boolean): Json[] {
  const replace = patch.some((p) => isObj(p) && p.$patch === 'replace');
  if (replace) return patch.filter((p) => !(isObj(p) && p.$patch === 'replace')).map(stripDirectives);
  const out = current.map((c) => c);
  for (const p of patch) {
    if (!isObj(p) || p[key] === undefined) {
      out.push(stripDirectives(p));
      continue;
    }
    const i = out.findIndex((c) => isObj(c) && c[key] === p[key]);
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMergePatch(out[i], p, elementsAreContainers);
    else out.push(stripDirectives(p));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw ApiError.badRequest('json patch must be a JSON array of operations');
  const error = fastJsonPatch.validate(ops as fastJsonPatch.Operation[], target);
  if (error) throw unprocessable(`the server rejected our request due to an error in our request: ${error.message.split('\n')[0]}`);
  try {
    return fastJsonPatch.applyPatch(structuredClone(target), ops as fastJsonPatch.Operation[], false, true, true).newDocument;
  } catch (e) {
    throw unprocessable(`the server rejected our request due to an error in our request: ${(e as Error).message.split('\n')[0]}`);
  }
}

function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

/** Applies a parsed patch document of the given media type; 415 for a type the server does not accept. */
export function applyPatch(contentType: string, target: Json, patch: Json): Json {
  switch (contentType) {
    case PATCH_TYPES.json:
      return jsonPatch(target, patch);
    case PATCH_TYPES.merge:
      if (!isObj(patch)) throw ApiError.badRequest('merge patch must be a JSON object');
      return mergePatch(target, patch);
    case PATCH_TYPES.strategic:
    case PATCH_TYPES.apply:
      // Server-side apply is approximated by a strategic merge of the applied configuration (no field
      // ownership tracking): enough for `kubectl apply --server-side` of the simulator's kinds.
      if (!isObj(patch)) throw ApiError.badRequest('strategic merge patch must be a JSON object');
      return strategicMergePatch(target, patch);
    default:
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.json}, ${PATCH_TYPES.merge}, ${PATCH_TYPES.strategic}, ${PATCH_TYPES.apply}`,
      );
  }
}
