/** Kubernetes resource quantities (`500m`, `1.5`, `128Mi`, `1G`): validation and conversion to numbers. */

const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+|E[+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export function isQuantity(v: unknown): boolean {
  return (typeof v === 'string' && QUANTITY.test(v)) || (typeof v === 'number' && Number.isFinite(v));
}

/** The quantity in base units (cores, bytes); NaN when it is not a quantity. */
export function parseQuantity(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return NaN;
  const m = QUANTITY.exec(v);
  if (!m) return NaN;
  const suffix = m[3] ?? '';
  if (/^[eE][+-]?\d+$/.test(suffix)) return Number(v);
  return Number(v.slice(0, v.length - suffix.length)) * SUFFIX[suffix]!;
}
