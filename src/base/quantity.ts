/**
 * Kubernetes resource quantities ("250m", "1.5", "128Mi", "1G", "2e3") to numbers the services compute with.
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The quantity as a plain number of base units; NaN when it does not parse. */
export function parseQuantity(q: string | number | undefined | null): number {
  if (q === undefined || q === null) return NaN;
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)([A-Za-z]{0,2})$/.exec(q.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return n * BINARY[suffix]!;
  if (suffix in DECIMAL) return n * DECIMAL[suffix]!;
  return NaN;
}

/** CPU in millicores, rounded; 0 for absent or unparsable. */
export function cpuMillicores(q: string | number | undefined | null): number {
  const v = parseQuantity(q);
  return Number.isFinite(v) ? Math.round(v * 1000) : 0;
}

/** Memory in bytes, rounded; 0 for absent or unparsable. */
export function memoryBytes(q: string | number | undefined | null): number {
  const v = parseQuantity(q);
  return Number.isFinite(v) ? Math.round(v) : 0;
}
