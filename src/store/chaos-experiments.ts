/**
 * Chaos experiments: recorded before anything is injected, so an experiment started by a process that
 * then dies is still known, and the next start (or its TTL timer) ends it.
 */
import type { Db } from './db.js';

export const CHAOS_KINDS = ['pod_crash', 'cascade', 'cpu_spike'] as const;
export type ChaosKind = (typeof CHAOS_KINDS)[number];
/** active: running until its TTL; completed: an instantaneous experiment (a crash) that is over. */
export const CHAOS_STATES = ['active', 'completed', 'cleaned', 'expired', 'failed'] as const;
export type ChaosState = (typeof CHAOS_STATES)[number];

export interface ChaosExperimentRecord {
  id: string;
  /** the cluster it runs on (kubeconfig context); null: the default cluster */
  cluster: string | null;
  kind: ChaosKind;
  namespace: string;
  /** deployment (or pod) name */
  target: string;
  /** simulator | kubernetes */
  backend: string;
  caller: string;
  params: Record<string, unknown>;
  state: ChaosState;
  startedAt: number;
  expiresAt: number;
  endedAt: number | null;
  /** what ending it needs: simulator fault ids, burner pod names */
  handles: Record<string, unknown>;
  /** what it did: the pods crashed, the load added */
  detail: Record<string, unknown>;
  error: string | null;
}

export type NewChaosExperiment = Pick<ChaosExperimentRecord, 'kind' | 'namespace' | 'target' | 'backend' | 'caller' | 'params' | 'startedAt' | 'expiresAt'> & {
  cluster?: string;
};

interface Row {
  seq: number;
  cluster: string | null;
  kind: ChaosKind;
  namespace: string;
  target: string;
  backend: string;
  caller: string;
  params: string;
  state: ChaosState;
  started_at: number;
  expires_at: number;
  ended_at: number | null;
  handles: string;
  detail: string;
  error: string | null;
}

/** Ids are "chaos-<n>": short, unique per store, and valid as a label value. */
const idOf = (seq: number) => `chaos-${seq}`;
const seqOf = (id: string): number | undefined => {
  const m = /^chaos-(\d+)$/.exec(id);
  return m ? Number(m[1]) : undefined;
};

export class ChaosExperimentRepository {
  constructor(private readonly db: Db) {}

  create(e: NewChaosExperiment): ChaosExperimentRecord {
    const info = this.db
      .prepare(
        `INSERT INTO chaos_experiments (cluster, kind, namespace, target, backend, caller, params, state, started_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
      )
      .run(e.cluster ?? null, e.kind, e.namespace, e.target, e.backend, e.caller, JSON.stringify(e.params), e.startedAt, e.expiresAt);
    return this.get(idOf(Number(info.lastInsertRowid)))!;
  }

  get(id: string): ChaosExperimentRecord | undefined {
    const seq = seqOf(id);
    if (seq === undefined) return undefined;
    const row = this.db.prepare('SELECT * FROM chaos_experiments WHERE seq = ?').get(seq) as Row | undefined;
    return row && toRecord(row);
  }

  /** Records what the injection produced (fault ids, pod names) while the experiment runs. */
  update(id: string, fields: { handles?: Record<string, unknown>; detail?: Record<string, unknown> }): void {
    const current = this.get(id);
    if (!current) return;
    this.db
      .prepare('UPDATE chaos_experiments SET handles = ?, detail = ? WHERE seq = ?')
      .run(JSON.stringify(fields.handles ?? current.handles), JSON.stringify(fields.detail ?? current.detail), seqOf(id));
  }

  /** Moves an experiment out of `active`; false when it was no longer active (someone else ended it). */
  finish(id: string, state: Exclude<ChaosState, 'active'>, at: number, error?: string): boolean {
    const r = this.db
      .prepare(`UPDATE chaos_experiments SET state = ?, ended_at = ?, error = ? WHERE seq = ? AND state = 'active'`)
      .run(state, at, error ?? null, seqOf(id));
    return r.changes === 1;
  }

  active(namespace?: string): ChaosExperimentRecord[] {
    const rows = (
      namespace
        ? this.db.prepare(`SELECT * FROM chaos_experiments WHERE state = 'active' AND namespace = ? ORDER BY seq`).all(namespace)
        : this.db.prepare(`SELECT * FROM chaos_experiments WHERE state = 'active' ORDER BY seq`).all()
    ) as Row[];
    return rows.map(toRecord);
  }

  /** Newest first. */
  recent(limit: number, namespace?: string): ChaosExperimentRecord[] {
    const rows = (
      namespace
        ? this.db.prepare('SELECT * FROM chaos_experiments WHERE namespace = ? ORDER BY seq DESC LIMIT ?').all(namespace, limit)
        : this.db.prepare('SELECT * FROM chaos_experiments ORDER BY seq DESC LIMIT ?').all(limit)
    ) as Row[];
    return rows.map(toRecord);
  }
}

function toRecord(r: Row): ChaosExperimentRecord {
  return {
    id: idOf(r.seq),
    cluster: r.cluster ?? null,
    kind: r.kind,
    namespace: r.namespace,
    target: r.target,
    backend: r.backend,
    caller: r.caller,
    params: JSON.parse(r.params) as Record<string, unknown>,
    state: r.state,
    startedAt: r.started_at,
    expiresAt: r.expires_at,
    endedAt: r.ended_at,
    handles: JSON.parse(r.handles) as Record<string, unknown>,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    error: r.error,
  };
}
