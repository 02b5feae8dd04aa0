/**
 * Query strings carry text; tool inputs want numbers and booleans. The tool's own zod schema says which
 * field is which, so `?replicas=5` becomes 5 and `?dryRun=true` becomes true. A value that does not
 * convert is left as text so the schema rejects it with its own message.
 */
import { z } from 'zod';

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodDefault) s = s.removeDefault();
    else if (s instanceof z.ZodEffects) s = s.innerType();
    else return s;
  }
}

function coerceValue(schema: z.ZodTypeAny, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const inner = unwrap(schema);
  if (inner instanceof z.ZodNumber) {
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? n : value;
  }
  if (inner instanceof z.ZodBoolean) {
    if (value === 'true' || value === '1' || value === '') return true;
    if (value === 'false' || value === '0') return false;
  }
  return value;
}

export function coerceArgs(input: z.ZodObject<z.ZodRawShape>, args: Record<string, unknown>): Record<string, unknown> {
  const shape = input.shape;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = shape[k] ? coerceValue(shape[k], v) : v;
  return out;
}
