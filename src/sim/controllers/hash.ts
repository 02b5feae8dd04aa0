/**
 * pod-template-hash: a hash of the Deployment's pod template, encoded like upstream's
 * `rand.SafeEncodeString(fmt.Sprint(fnv32a))` (10 characters, no vowels). Templates are compared with
 * canonical JSON so key order from a patch does not make an identical template look new.
 */
import { hash32 } from '../../base/random.js';

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

/** The template without the pod-template-hash label, copied only where it differs. */
function withoutHashLabel(template: unknown): unknown {
  const t = (template ?? {}) as { metadata?: { labels?: Record<string, string> } };
  const labels = t.metadata?.labels;
  if (!labels || !(HASH_LABEL in labels)) return t;
  const { [HASH_LABEL]: _dropped, ...rest } = labels;
  const { labels: _old, ...meta } = t.metadata!;
  const metadata = Object.keys(rest).length ? { ...meta, labels: rest } : meta;
  const { metadata: _m, ...others } = t;
  return Object.keys(metadata).length ? { ...others, metadata } : others;
}

/** Stored templates never change in place, so each one's canonical form is computed once. */
const canonicalCache = new WeakMap<object, string>();

function canonicalTemplate(template: unknown): string {
  if (template && typeof template === 'object') {
    const hit = canonicalCache.get(template);
    if (hit !== undefined) return hit;
    const s = canonicalJson(withoutHashLabel(template));
    canonicalCache.set(template, s);
    return s;
  }
  return canonicalJson(withoutHashLabel(template));
}

export function templateHash(template: unknown, collisionCount = 0): string {
  const base = canonicalTemplate(template) + (collisionCount ? `#${collisionCount}` : '');
  const digits = String(hash32(base));
  let out = '';
  for (const ch of digits) out += ALPHANUMS[ch.charCodeAt(0) % ALPHANUMS.length];
  return out;
}

/** Equal pod templates once the pod-template-hash label is ignored (upstream EqualIgnoreHash). */
export function sameTemplateIgnoringHash(a: unknown, b: unknown): boolean {
  return canonicalTemplate(a) === canonicalTemplate(b);
}
