/**
 * Bounded retention of incidents: resolved ones older than the retention are deleted, and of the resolved
 * ones left only the newest `maxResolved` are kept. Open incidents are never pruned (an incident without an
 * outcome still has an owner's work ahead). Each deletion is conditional on the version that was judged, so
 * an incident reopened or changed in the meantime survives this round.
 */
import type { CustomObjectClient, CustomObject } from './client.js';

export interface PruneOptions {
  now: number;
  /** Resolved incidents older than this (by resolvedAt) are deleted. */
  retentionMs: number;
  /** At most this many resolved incidents are kept; the oldest go first. */
  maxResolved: number;
}

export interface PruneResult {
  deleted: string[];
  kept: number;
}

interface IncidentStatusLike {
  outcome?: string;
  resolvedAt?: string;
}

function resolvedAt(o: CustomObject<unknown, IncidentStatusLike>): number | undefined {
  const s = o.status;
  if (!s?.outcome || s.outcome === 'open' || !s.resolvedAt) return undefined;
  const t = Date.parse(s.resolvedAt);
  return Number.isNaN(t) ? undefined : t;
}

export async function pruneIncidents(client: CustomObjectClient<unknown, IncidentStatusLike>, opts: PruneOptions): Promise<PruneResult> {
  if (!(opts.retentionMs > 0) || !Number.isInteger(opts.maxResolved) || opts.maxResolved < 0)
    throw new Error(`invalid retention: retentionMs ${opts.retentionMs}, maxResolved ${opts.maxResolved}`);
  const items = await client.list();
  const resolved = items
    .map((o) => ({ o, at: resolvedAt(o) }))
    .filter((x): x is { o: CustomObject<unknown, IncidentStatusLike>; at: number } => x.at !== undefined)
    .sort((a, b) => b.at - a.at || a.o.metadata.name.localeCompare(b.o.metadata.name));
  const cutoff = opts.now - opts.retentionMs;
  const doomed = resolved.filter((x, i) => x.at < cutoff || i >= opts.maxResolved);
  const deleted: string[] = [];
  for (const { o } of doomed) {
    try {
      if (await client.delete(o.metadata.name, { resourceVersion: o.metadata.resourceVersion })) deleted.push(o.metadata.name);
    } catch (err) {
      // Changed since it was judged (reopened, annotated): keep it until the next round looks again.
      if (!(err instanceof Error && 'code' in err && err.code === 'conflict')) throw err;
    }
  }
  return { deleted, kept: items.length - deleted.length };
}
