/**
 * The one percentile and the one MTTR summary, so the store's incident statistics, the rehearsal report and the
 * cost recommendations cannot drift apart.
 */

/**
 * Nearest-rank percentile: the smallest value with at least p% of the values at or below it, i.e. the
 * ceil(p/100 × n)-th smallest (at least the first). Always one of the values, never interpolated, so a p95 over few
 * samples is their maximum, not an estimate above or between them. Null for no values. The input need not be sorted.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface MttrSummary {
  /** Seconds, to the millisecond; null when nothing was resolved. */
  mean: number | null;
  p50: number | null;
  p95: number | null;
  /** How many resolved incidents the figures cover. */
  count: number;
}

/**
 * Mean time to resolve: resolvedAt − detectedAt (epoch ms) over the resolved incidents given, in seconds rounded to
 * the millisecond, with its nearest-rank p50 and p95.
 */
export function mttr(resolved: ReadonlyArray<{ detectedAt: number; resolvedAt: number }>): MttrSummary {
  const seconds = resolved.map((i) => (i.resolvedAt - i.detectedAt) / 1000);
  const ms = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);
  return {
    mean: seconds.length ? ms(seconds.reduce((a, b) => a + b, 0) / seconds.length) : null,
    p50: ms(percentile(seconds, 50)),
    p95: ms(percentile(seconds, 95)),
    count: seconds.length,
  };
}
