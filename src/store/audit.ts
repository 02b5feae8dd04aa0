/**
 * The audit log: one row per mutating call, including refused and dry-run calls, with the state before
 * and after. Rows are only ever appended.
 */
import type { Db } from './db.js';
import type { AuditEntry } from './types.js';

export interface AuditInput {
  caller: string;
  tool: string;
  target?: string;
  arguments: Record<string, unknown>;
  before?: unknown;
  after?: unknown;
  ok: boolean;
  error?: string;
  dryRun?: boolean;
  at?: number;
}

export interface AuditQuery {
  tool?: string;
  caller?: string;
  target?: string;
  since?: number;
  limit?: number;
}

interface Row {
  seq: number;
  at: number;
  caller: string;
  tool: string;
  target: string | null;
  arguments: string;
  before: string | null;
  after: string | null;
  ok: number;
  error: string | null;
  dry_run: number;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export class AuditRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  record(e: AuditInput): AuditEntry {
    const info = this.db
      .prepare(`INSERT INTO audit (at, caller, tool, target, arguments, before, after, ok, error, dry_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
        e.at ?? this.now(),
        e.caller,
        e.tool,
        e.target ?? null,
        JSON.stringify(e.arguments),
        json(e.before),
        json(e.after),
        e.ok ? 1 : 0,
        e.error ?? null,
        e.dryRun ? 1 : 0,
      );
    return toEntry(this.db.prepare('SELECT * FROM audit WHERE seq = ?').get(Number(info.lastInsertRowid)) as Row);
  }

  /** Time of the last successful real (not dry-run) change of `target` by `tool`, in epoch ms. */
  lastChangeAt(target: string, tool: string): number | undefined {
    const row = this.db.prepare('SELECT MAX(at) AS at FROM audit WHERE target = ? AND tool = ? AND ok = 1 AND dry_run = 0').get(target, tool) as {
      at: number | null;
    };
    return row.at ?? undefined;
  }

  /** Newest first. */
  list(q: AuditQuery = {}): AuditEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.tool) where.push('tool = ?'), args.push(q.tool);
    if (q.caller) where.push('caller = ?'), args.push(q.caller);
    if (q.target) where.push('target = ?'), args.push(q.target);
    if (q.since !== undefined) where.push('at >= ?'), args.push(q.since);
    args.push(q.limit ?? 100);
    const rows = this.db.prepare(`SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`).all(...args) as Row[];
    return rows.map(toEntry);
  }
}

function toEntry(r: Row): AuditEntry {
  return {
    id: r.seq,
    at: new Date(r.at).toISOString(),
    caller: r.caller,
    tool: r.tool,
    target: r.target,
    arguments: JSON.parse(r.arguments) as Record<string, unknown>,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
    ok: r.ok === 1,
    error: r.error,
    dryRun: r.dry_run === 1,
  };
}
