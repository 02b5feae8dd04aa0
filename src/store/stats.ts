/**
 * Incident statistics as a pure function of the incidents, so the store, the rehearsal report and tests
 * compute them the same way.
 */
import type { Incident, IncidentStats } from './types.js';

/** A resolution only counts as a success if the same problem does not return this soon. */
export const RECURRENCE_WINDOW_MS = 10 * 60 * 1000;

export function computeIncidentStats(incidents: readonly Incident[]): IncidentStats {
  const byType: Record<string, number> = {};
  const byOutcome: Record<string, number> = { open: 0, resolved: 0, failed: 0, escalated: 0 };
  const mttrs: number[] = [];
  let successes = 0;
  let recurred = 0;
  /** Incidents with an outcome (resolved, failed, escalated): an open one has not succeeded or failed yet. */
  let ended = 0;
  const byKey = new Map<string, number[]>();
  for (const i of incidents) {
    const key = `${i.type}|${i.namespace}|${i.target}`;
    const list = byKey.get(key) ?? [];
    list.push(Date.parse(i.detectedAt));
    byKey.set(key, list);
  }
  for (const i of incidents) {
    byType[i.type] = (byType[i.type] ?? 0) + 1;
    byOutcome[i.outcome] = (byOutcome[i.outcome] ?? 0) + 1;
    if (i.outcome !== 'open') ended++;
    if (i.outcome !== 'resolved' || !i.resolvedAt) continue;
    const resolved = Date.parse(i.resolvedAt);
    mttrs.push((resolved - Date.parse(i.detectedAt)) / 1000);
    const again = (byKey.get(`${i.type}|${i.namespace}|${i.target}`) ?? []).some((t) => t > resolved && t - resolved <= RECURRENCE_WINDOW_MS);
    if (again) recurred++;
    else successes++;
  }
  mttrs.sort((a, b) => a - b);
  return {
    total: incidents.length,
    open: byOutcome.open ?? 0,
    resolved: byOutcome.resolved ?? 0,
    byType,
    byOutcome,
    mttrSeconds: {
      mean: mttrs.length ? round(mttrs.reduce((a, b) => a + b, 0) / mttrs.length) : null,
      p50: percentile(mttrs, 50),
      p95: percentile(mttrs, 95),
      count: mttrs.length,
    },
    // Over the incidents that ended, so it is null (not 0) until one has: an incident still open is neither.
    successRate: ended ? round(successes / ended, 4) : null,
    recurred,
  };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return round(sorted[rank - 1]!);
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
