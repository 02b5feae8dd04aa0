/**
 * Incident statistics as a pure function of the incidents, so the store, the rehearsal report and tests
 * compute them the same way.
 */
import { mttr } from '../base/stats.js';
import type { Incident, IncidentStats } from './types.js';

/** A resolution only counts as a success if the same problem does not return this soon. */
export const RECURRENCE_WINDOW_MS = 10 * 60 * 1000;

export function computeIncidentStats(incidents: readonly Incident[]): IncidentStats {
  const byType: Record<string, number> = {};
  const byOutcome: Record<string, number> = { open: 0, resolved: 0, failed: 0, escalated: 0 };
  const resolvedSpans: Array<{ detectedAt: number; resolvedAt: number }> = [];
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
    resolvedSpans.push({ detectedAt: Date.parse(i.detectedAt), resolvedAt: resolved });
    const again = (byKey.get(`${i.type}|${i.namespace}|${i.target}`) ?? []).some((t) => t > resolved && t - resolved <= RECURRENCE_WINDOW_MS);
    if (again) recurred++;
    else successes++;
  }
  return {
    total: incidents.length,
    open: byOutcome.open ?? 0,
    resolved: byOutcome.resolved ?? 0,
    byType,
    byOutcome,
    mttrSeconds: mttr(resolvedSpans),
    // Over the incidents that ended, so it is null (not 0) until one has: an incident still open is neither.
    successRate: ended ? round(successes / ended, 4) : null,
    recurred,
  };
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
