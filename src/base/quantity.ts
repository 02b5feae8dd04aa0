/**
 * Kubernetes resource quantities ("250m", "1.5", "128Mi", "1G", "2e3"), read the way the API server reads them
 * (k8s.io/apimachinery resource.ParseQuantity), so the simulator admits exactly what a real cluster admits and the
 * services compute with the numbers a real cluster would.
 *
 * Grammar: <signedNumber><suffix>, the suffix one of Ki Mi Gi Ti Pi Ei (binary), n u m "" k M G T P E (decimal) or
 * e<signed integer> / E<signed integer> (exponent). "K" is not a suffix, "1e3m" is not a quantity, "E" alone is exa.
 * Values are exact: a bigint mantissa times a power of ten, never a float, rounded away from zero to whole nano units
 * as upstream rounds ("0.9n" is 1n), binary quantities capped at 2^63-1 as upstream caps them.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value is mantissa × 10^exponent; exponent >= -9 and the mantissa has no trailing zeros (0 has exponent 0). */
  readonly mantissa: bigint;
  readonly exponent: number;
  /** The suffix family it was written in (how the API server would print it back). */
  readonly format: QuantityFormat;
}

/** Why a string is not a quantity, in the API server's words. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

/** The API server's messages, so an admission error here reads like one from a real cluster. */
export const QUANTITY_FORMAT_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const NUMERIC_MESSAGE = 'unable to parse numeric part of quantity';
const SUFFIX_MESSAGE = "unable to parse quantity's suffix";

const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const MAX_INT64 = 2n ** 63n - 1n;

/**
 * Sign, digits before and after the point, and a suffix made of suffix letters, an optional sign and digits. This is
 * upstream's first, permissive split: a number may have no digits at all ("", ".", "+", "Mi"), and the suffix is
 * checked afterwards. The number takes every digit it can, so a suffix starts with a letter or a sign; writing it
 * that way leaves the expression nothing to backtrack over on long inputs.
 */
const SPLIT = /^([+-]?)(\d*)(?:\.(\d*))?((?:[eEinumkKMGTP]+[+-]?|[+-])\d*)?$/;

/** Parses a quantity string exactly as ParseQuantity does (no surrounding whitespace allowed); throws QuantityError. */
export function parseQuantity(text: string): Quantity {
  if (text === '') throw new QuantityError(QUANTITY_FORMAT_MESSAGE);
  const m = SPLIT.exec(text);
  if (!m) throw new QuantityError(QUANTITY_FORMAT_MESSAGE);
  const [, sign, whole = '', fraction = '', suffix = ''] = m;
  const unit = readSuffix(suffix);
  if (!unit) throw new QuantityError(SUFFIX_MESSAGE);
  if (whole === '' && fraction === '' && !readsDigitlessNumber(unit)) throw new QuantityError(NUMERIC_MESSAGE);

  let mantissa = BigInt(`${whole}${fraction}` || '0');
  let exponent = 0 - fraction.length; // not -length: -0 would make equal quantities unequal objects
  if (unit.base === 2) mantissa <<= BigInt(unit.power);
  else exponent += unit.power;
  if (sign === '-') mantissa = -mantissa;

  let format = unit.format;
  ({ mantissa, exponent } = roundToNano(mantissa, exponent));
  if (format === 'BinarySI') {
    if (magnitudeVersus(mantissa, exponent, MAX_INT64) > 0) {
      mantissa = mantissa < 0n ? -MAX_INT64 : MAX_INT64;
      exponent = 0;
    }
    // A binary quantity below one (after rounding, e.g. 0.000000000001Ki = 2n) prints as decimal upstream.
    if (mantissa !== 0n && magnitudeVersus(mantissa, exponent, 1n) < 0) format = 'DecimalSI';
  }
  return { ...normalize(mantissa, exponent), format };
}

interface Unit {
  base: 2 | 10;
  power: number;
  format: QuantityFormat;
}

function readSuffix(suffix: string): Unit | undefined {
  const decimal = DECIMAL[suffix];
  if (decimal !== undefined) return { base: 10, power: decimal, format: 'DecimalSI' };
  const binary = BINARY[suffix];
  if (binary !== undefined) return { base: 2, power: binary, format: 'BinarySI' };
  // An exponent is any int64 ("e+3", "E-007"); upstream then keeps it in 32 bits, so "1e4294967296" is 1.
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const n = BigInt(suffix.slice(1));
    if (n > MAX_INT64 || n < -MAX_INT64 - 1n) return undefined;
    return { base: 10, power: Number(BigInt.asIntN(32, n)), format: 'DecimalExponent' };
  }
  return undefined;
}

/**
 * Upstream reads a number with no digits ("", ".", "-", as in "Mi" or "+.k") as zero on its integer fast path, but
 * its decimal path rejects it. That path is taken for exponents below nano, and for Pi and Ei, whose multipliers
 * leave too few int64 digits for the fast path.
 */
function readsDigitlessNumber(unit: Unit): boolean {
  return unit.base === 2 ? unit.power <= 40 : unit.power >= -9;
}

/** Rounds away from zero to whole nano units (upstream: "if you want some resources, you should get some"). */
function roundToNano(mantissa: bigint, exponent: number): { mantissa: bigint; exponent: number } {
  if (exponent >= -9 || mantissa === 0n) return { mantissa, exponent };
  return { mantissa: divideAwayFromZero(mantissa, -9 - exponent), exponent: -9 };
}

/** mantissa / 10^digits, rounded away from zero; no huge powers are built for huge divisors. */
function divideAwayFromZero(mantissa: bigint, digits: number): bigint {
  const negative = mantissa < 0n;
  const magnitude = negative ? -mantissa : mantissa;
  if (magnitude === 0n) return 0n;
  let q: bigint;
  if (digits > magnitude.toString().length) q = 1n;
  else {
    const divisor = 10n ** BigInt(digits);
    q = magnitude / divisor + (magnitude % divisor === 0n ? 0n : 1n);
  }
  return negative ? -q : q;
}

/** |mantissa × 10^exponent| compared with a non-negative integer. */
function magnitudeVersus(mantissa: bigint, exponent: number, limit: bigint): -1 | 0 | 1 {
  const magnitude = mantissa < 0n ? -mantissa : mantissa;
  return compareMagnitudes({ mantissa: magnitude, exponent }, { mantissa: limit, exponent: 0 });
}

function normalize(mantissa: bigint, exponent: number): { mantissa: bigint; exponent: number } {
  if (mantissa === 0n) return { mantissa, exponent: 0 };
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  return { mantissa, exponent };
}

/** Digits of a non-negative mantissa plus its exponent: values with a larger order are larger. */
function order(mantissa: bigint, exponent: number): number {
  return mantissa.toString().length + exponent;
}

/** Compares two non-negative values without building powers of ten larger than their own digits. */
function compareMagnitudes(a: { mantissa: bigint; exponent: number }, b: { mantissa: bigint; exponent: number }): -1 | 0 | 1 {
  if (a.mantissa === 0n || b.mantissa === 0n) return a.mantissa === b.mantissa ? 0 : a.mantissa === 0n ? -1 : 1;
  const oa = order(a.mantissa, a.exponent);
  const ob = order(b.mantissa, b.exponent);
  if (oa !== ob) return oa < ob ? -1 : 1;
  const e = Math.min(a.exponent, b.exponent);
  const x = a.mantissa * 10n ** BigInt(a.exponent - e);
  const y = b.mantissa * 10n ** BigInt(b.exponent - e);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (their values; the format does not count). */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const sa = a.mantissa < 0n ? -1 : a.mantissa > 0n ? 1 : 0;
  const sb = b.mantissa < 0n ? -1 : b.mantissa > 0n ? 1 : 0;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const c = compareMagnitudes({ mantissa: a.mantissa * BigInt(sa), exponent: a.exponent }, { mantissa: b.mantissa * BigInt(sb), exponent: b.exponent });
  return (c * sa) as -1 | 0 | 1;
}

/** Go's strings.TrimSpace set (Unicode White_Space), which the API server trims from a JSON quantity before parsing. */
const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/**
 * A quantity as it arrives in a JSON (or YAML) object: a string, trimmed as the API server trims it, or a finite
 * number (the server reads an unquoted JSON number's text). Anything else fails as the server's parse of its text would.
 */
export function readQuantity(v: unknown): Quantity | QuantityError {
  let text: string;
  if (typeof v === 'string') text = v.replace(GO_SPACE, '');
  else if (typeof v === 'number' && Number.isFinite(v)) text = String(v);
  else return new QuantityError(QUANTITY_FORMAT_MESSAGE);
  try {
    return parseQuantity(text);
  } catch (e) {
    if (e instanceof QuantityError) return e;
    throw e;
  }
}

/** readQuantity, undefined when it is not a quantity. */
export function quantityOf(v: unknown): Quantity | undefined {
  const q = readQuantity(v);
  return q instanceof QuantityError ? undefined : q;
}

export function isQuantity(v: unknown): boolean {
  return quantityOf(v) !== undefined;
}

/**
 * The value divided by 10^scale, rounded away from zero to an integer, as upstream's ScaledValue (so MilliValue of
 * "100n" is 1). Beyond 2^53 the result is the nearest double, beyond a double's range ±Infinity.
 */
export function scaledValue(q: Quantity, scale: number): number {
  const e = q.exponent - scale;
  if (e < 0) return Number(divideAwayFromZero(q.mantissa, -e));
  if (q.mantissa === 0n) return 0;
  if (order(q.mantissa < 0n ? -q.mantissa : q.mantissa, e) > 400) return q.mantissa < 0n ? -Infinity : Infinity;
  return Number(q.mantissa * 10n ** BigInt(e));
}

/** The value as the nearest double, in base units (cores, bytes). */
export function quantityToNumber(q: Quantity): number {
  return Number(`${q.mantissa}e${q.exponent}`);
}

/** CPU in millicores, rounded up as the API server's MilliValue; 0 for absent or invalid. */
export function cpuMillicores(q: unknown): number {
  return memo(cpuMemo, q, () => {
    const v = quantityOf(q);
    return v === undefined ? 0 : scaledValue(v, -3);
  });
}

/**
 * Parsed values of the strings seen most: a simulator reads the same few requests and limits for every pod every
 * second, and parsing (BigInt arithmetic) was a tenth of a 24 h rehearsal. Bounded: cleared when full.
 */
const cpuMemo = new Map<string, number>();
const bytesMemo = new Map<string, number>();
const MEMO_MAX = 4096;
function memo(m: Map<string, number>, q: unknown, compute: () => number): number {
  if (typeof q !== 'string') return compute();
  const hit = m.get(q);
  if (hit !== undefined) return hit;
  const v = compute();
  if (m.size >= MEMO_MAX) m.clear();
  m.set(q, v);
  return v;
}

/** Memory (or any count) in whole units, rounded up as the API server's Value; 0 for absent or invalid. */
export function memoryBytes(q: unknown): number {
  return memo(bytesMemo, q, () => {
    const v = quantityOf(q);
    return v === undefined ? 0 : scaledValue(v, 0);
  });
}
