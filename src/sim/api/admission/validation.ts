/** Field-error collection in the shape of the API server's `StatusCause`s, plus the common name rules. */
import { ApiError, type StatusCause } from '../../errors.js';
import type { ResourceType } from '../../types.js';

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
}

export class Causes {
  readonly list: StatusCause[] = [];

  add(reason: string, field: string, message: string): void {
    this.list.push({ reason, message, field });
  }
  required(field: string, detail: string): void {
    this.add('FieldValueRequired', field, `Required value${detail ? `: ${detail}` : ''}`);
  }
  invalid(field: string, value: unknown, detail: string): void {
    this.add('FieldValueInvalid', field, `Invalid value: ${show(value)}: ${detail}`);
  }
  unsupported(field: string, value: unknown, supported: string[]): void {
    this.add('FieldValueNotSupported', field, `Unsupported value: ${show(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`);
  }
  duplicate(field: string, value: unknown): void {
    this.add('FieldValueDuplicate', field, `Duplicate value: ${show(value)}`);
  }
  forbidden(field: string, detail: string): void {
    this.add('FieldValueForbidden', field, `Forbidden: ${detail}`);
  }

  /** Throws a 422 Invalid naming every problem, as `kubectl` prints it. */
  throwIfAny(res: ResourceType, name: string): void {
    if (this.list.length === 0) return;
    const qualified = res.group ? `${res.kind}.${res.group}` : res.kind;
    const summary = this.list.map((c) => `${c.field}: ${c.message}`).join(', ');
    const message = this.list.length === 1 ? `${qualified} "${name}" is invalid: ${summary}` : `${qualified} "${name}" is invalid: [${summary}]`;
    throw new ApiError(422, 'Invalid', message, { name, group: res.group, kind: res.kind, causes: this.list });
  }
}

export function validateName(name: unknown, field: string, label: boolean, causes: Causes): void {
  if (typeof name !== 'string' || name === '') return causes.required(field, 'name or generateName is required');
  if (label) {
    if (name.length > 63 || !DNS1123_LABEL.test(name))
      causes.invalid(
        field,
        name,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')",
      );
  } else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    causes.invalid(
      field,
      name,
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
    );
  }
}

function validQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

export function validateStringMap(map: unknown, field: string, values: 'label' | 'any', causes: Causes): void {
  if (map === undefined || map === null) return;
  if (typeof map !== 'object' || Array.isArray(map)) return causes.invalid(field, map, 'must be a map of string keys to string values');
  for (const [k, v] of Object.entries(map)) {
    if (!validQualifiedName(k))
      causes.invalid(field, k, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
    if (typeof v !== 'string') causes.invalid(`${field}.${k}`, v, 'must be a string');
    else if (values === 'label' && (v.length > 63 || !LABEL_VALUE.test(v)))
      causes.invalid(
        `${field}.${k}`,
        v,
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      );
  }
}

/** Structural equality independent of key order (bodies from clients rarely keep the stored order). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
