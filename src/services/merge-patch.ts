/**
 * The JSON merge patch (RFC 7386) that turns `from` into `to`: changed keys carry the new value, removed
 * keys carry null, arrays are replaced whole.
 */
export function mergePatchDiff(from: unknown, to: unknown): unknown {
  if (!isObject(from) || !isObject(to)) return to;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) {
    if (!(key in to) || to[key] === undefined) {
      if (from[key] !== undefined) patch[key] = null;
    }
  }
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined) continue;
    if (!(key in from) || from[key] === undefined) {
      patch[key] = value;
      continue;
    }
    if (isObject(from[key]) && isObject(value)) {
      const sub = mergePatchDiff(from[key], value) as Record<string, unknown>;
      if (Object.keys(sub).length > 0) patch[key] = sub;
    } else if (JSON.stringify(from[key]) !== JSON.stringify(value)) {
      patch[key] = value;
    }
  }
  return patch;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
