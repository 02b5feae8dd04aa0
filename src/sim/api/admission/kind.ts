/** The per-kind admission hooks, and the small helpers they share. */
import { ApiError } from '../../errors.js';
import type { KObject } from '../../types.js';
import type { Causes } from './validation.js';

export type Obj = Record<string, any>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface KindAdmission {
  /** Fills in defaults in place (create and update, as the real API server does on every write). */
  defaults?(o: KObject): void;
  /** Only on create through the API: the status a new object starts with (client-sent status is dropped). */
  initialStatus?(o: KObject): unknown;
  /** Adds a cause per problem; `old` is set on update. */
  validate?(o: KObject, causes: Causes, old?: KObject): void;
}

/**
 * A replica count must be a JSON integer; a string or fraction is a decode error (400) on a real server,
 * a negative number a validation error (422).
 */
export function checkReplicas(v: unknown, field: string, causes: Causes): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw ApiError.badRequest(`json: cannot unmarshal ${JSON.stringify(v)} into Go struct field ${field} of type int32`);
  if (v < 0) causes.invalid(field, v, 'must be greater than or equal to 0');
}
