/**
 * pod-template-hash: a hash of the Deployment's pod template, encoded like upstream's
 * `rand.SafeEncodeString(fmt.Sprint(fnv32a))` (10 characters, no vowels). Templates are compared with
 * canonical JSON so key order from a patch does not make an identical template look new.
 */
import { hash32 } from '../random.js';

export const HASH_LABEL = 'pod-template-hash';
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

function withoutHashLabel(template: unknown): unknown {
  const t = structuredClone((template ?? {}) as { metadata?: { labels?: Record<string, string> } });
  if (t.metadata?.labels) {
    delete t.metadata.labels[HASH_LABEL];
    if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels;
  }
  if (t.metadata && Object.keys(t.metadata).length === 0) delete t.metadata;
  return t;
}

export function templateHash(template: unknown, collisionCount = 0): string {
  const base = canonicalJson(withoutHashLabel(template)) + (collisionCount ? `#${collisionCount}` : '');
  const digits = String(hash32(base));
  let out = '';
  for (const ch of digits) out += ALPHANUMS[ch.charCodeAt(0) % ALPHANUMS.length];
  return out;
}

/** Equal pod templates once the pod-template-hash label is ignored (upstream EqualIgnoreHash). */
export function sameTemplateIgnoringHash(a: unknown, b: unknown): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}
