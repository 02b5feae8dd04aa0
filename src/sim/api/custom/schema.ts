/**
 * A custom resource against its CRD's structural schema, the part of the apiextensions server a client
 * notices: unknown fields are pruned (unless `x-kubernetes-preserve-unknown-fields`), `default`s are filled
 * in, and type, enum, required, length and range violations are a 422 naming each field. Formats, patterns,
 * CEL rules and the rest of OpenAPI are not checked.
 */
import { isObj } from '../admission/kind.js';
import type { Causes } from '../admission/validation.js';

type Obj = Record<string, any>;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(type: string, v: unknown, s: Obj): boolean {
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || Number.isInteger(v);
  switch (type) {
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

/** Returns the value pruned and defaulted; adds a cause per violation. `path` is the field path (`spec.x`). */
export function admitValue(s: Obj | undefined, v: unknown, path: string, causes: Causes): unknown {
  if (!s) return v;
  if (v === null) {
    if (!s.nullable) causes.invalid(path, 'null', `${path} in body must be of type ${s.type ?? 'object'}: "null"`);
    return v;
  }
  if ((s.type || s['x-kubernetes-int-or-string']) && !typeMatches(s.type, v, s)) {
    const want = s['x-kubernetes-int-or-string'] ? 'integer or string' : s.type;
    causes.invalid(path, typeOf(v), `${path} in body must be of type ${want}: "${typeOf(v)}"`);
    return v;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(v))) causes.unsupported(path, v, s.enum.map(String));
  if (typeof v === 'string' && typeof s.maxLength === 'number' && v.length > s.maxLength)
    causes.add('FieldValueTooLong', path, `Too long: may not be more than ${s.maxLength} bytes`);
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) causes.invalid(path, v, `${path} in body should be greater than or equal to ${s.minimum}`);
    if (typeof s.maximum === 'number' && v > s.maximum) causes.invalid(path, v, `${path} in body should be less than or equal to ${s.maximum}`);
  }
  if (Array.isArray(v)) {
    if (typeof s.maxItems === 'number' && v.length > s.maxItems)
      causes.add('FieldValueTooMany', path, `Too many: ${v.length}: must have at most ${s.maxItems} items`);
    return v.map((x, i) => admitValue(s.items, x, `${path}[${i}]`, causes));
  }
  if (isObj(v)) return admitObject(s, v, path, causes);
  return v;
}

function admitObject(s: Obj, v: Obj, path: string, causes: Causes): Obj {
  const props: Obj = isObj(s.properties) ? s.properties : {};
  const extra = isObj(s.additionalProperties) ? s.additionalProperties : undefined;
  const keepUnknown = s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties === true;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    const at = path ? `${path}.${k}` : k;
    if (props[k]) out[k] = admitValue(props[k], x, at, causes);
    else if (extra) out[k] = admitValue(extra, x, at, causes);
    else if (keepUnknown) out[k] = x;
    // else: pruned, as the apiextensions server drops fields its schema does not know.
  }
  for (const [k, p] of Object.entries(props)) if (out[k] === undefined && isObj(p) && p.default !== undefined) out[k] = structuredClone(p.default);
  if (Array.isArray(s.required)) for (const k of s.required) if (out[k] === undefined) causes.required(path ? `${path}.${k}` : k, '');
  if (typeof s.maxProperties === 'number' && Object.keys(out).length > s.maxProperties)
    causes.add('FieldValueTooMany', path, `Too many: ${Object.keys(out).length}: must have at most ${s.maxProperties} items`);
  return out;
}

/**
 * Admits a whole custom resource: apiVersion, kind and metadata are the API server's own and never pruned;
 * every other top-level field goes through the schema.
 */
export function admitCustomResource(schema: Obj | undefined, o: Obj, causes: Causes): Obj {
  if (!schema) return o;
  const { apiVersion, kind, metadata, ...rest } = o;
  const admitted = admitObject(
    { ...schema, required: (schema.required ?? []).filter((k: string) => !['apiVersion', 'kind', 'metadata'].includes(k)) },
    rest,
    '',
    causes,
  );
  return { apiVersion, kind, metadata, ...admitted };
}
