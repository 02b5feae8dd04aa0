/**
 * Aggregates over the SQLite store for the incident and action metrics. Read at scrape time rather than
 * counted in memory, so the figures survive restarts and include what another process on the same
 * database (a headless agent beside the server) recorded. GROUP BY keeps a scrape cheap however many
 * incidents and audit rows there are.
 */
import type { Db } from '../store/db.js';

export interface StoreFacts {
  /** `cluster` is null for rows without one (a server of one cluster, or written before clusters were recorded). */
  incidentCounts(): Array<{ type: string; outcome: string; cluster: string | null; count: number }>;
  /** Seconds from detection to resolution of every resolved incident. */
  resolutionSeconds(): Array<{ type: string; cluster: string | null; seconds: number }>;
  /** Mutating tool calls from the audit log; result is ok, dry_run or error (refusals included). */
  actionCounts(): Array<{ tool: string; result: 'ok' | 'dry_run' | 'error'; cluster: string | null; count: number }>;
}

export function storeFacts(db: Db): StoreFacts {
  const incidents = db.prepare('SELECT type, outcome, cluster, COUNT(*) AS count FROM incidents GROUP BY type, outcome, cluster');
  const resolved = db.prepare(
    "SELECT type, cluster, (resolved_at - detected_at) / 1000.0 AS seconds FROM incidents WHERE outcome = 'resolved' AND resolved_at IS NOT NULL",
  );
  const actions = db.prepare('SELECT tool, ok, dry_run, cluster, COUNT(*) AS count FROM audit GROUP BY tool, ok, dry_run, cluster');
  return {
    incidentCounts: () => incidents.all() as Array<{ type: string; outcome: string; cluster: string | null; count: number }>,
    resolutionSeconds: () => resolved.all() as Array<{ type: string; cluster: string | null; seconds: number }>,
    actionCounts: () =>
      (actions.all() as Array<{ tool: string; ok: number; dry_run: number; cluster: string | null; count: number }>).map((r) => ({
        tool: r.tool,
        result: r.ok === 0 ? 'error' : r.dry_run === 1 ? 'dry_run' : 'ok',
        cluster: r.cluster,
        count: r.count,
      })),
  };
}
