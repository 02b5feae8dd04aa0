/**
 * The audit log: one row per mutating call, including refused and dry-run calls, with the state before
 * and after. A change is written down before it is made: `claim` checks the guardrails and inserts a
 * pending intent in one IMMEDIATE transaction (atomic against other calls of this process and against
 * other processes sharing the file), `settle` records the outcome. A row left pending is a change whose
 * outcome nobody recorded (the process died in between). Rows are never deleted.
 */
import type { Db } from './db.js';
import type { AuditEntry } from './types.js';

export interface AuditInput {
  /** the cluster the call ran against (kubeconfig context); cooldowns and disruption budgets are per cluster */
  cluster?: string;
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
  /** `namespace/deployment` whose pods the change disrupts (deletes or crashes) */
  workload?: string;
  /** how many of the workload's pods it disrupts */
  pods?: number;
}

/** An intent: the change about to be made; settled later with its outcome. */
export type IntentInput = Omit<AuditInput, 'ok' | 'error' | 'after' | 'dryRun'>;

export interface Settlement {
  ok: boolean;
  after?: unknown;
  error?: string;
}

/** The reads a guardrail check makes, answered from one consistent view of the audit log. */
export interface AuditView {
  lastChangeAt(target: string, tool: string): number | undefined;
  disruptedSince(workload: string, since: number): number;
}

export interface AuditQuery {
  cluster?: string;
  tool?: string;
  caller?: string;
  target?: string;
  since?: number;
  limit?: number;
}

interface Row {
  seq: number;
  at: number;
  cluster: string | null;
  caller: string;
  tool: string;
  target: string | null;
  arguments: string;
  before: string | null;
  after: string | null;
  ok: number;
  error: string | null;
  dry_run: number;
  pending: number;
  workload: string | null;
  pods: number;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export class AuditRepository implements AuditView {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /** A settled row: a refusal, a dry run, or a call that is not a cluster change. */
  record(e: AuditInput): AuditEntry {
    return this.insert(e, false);
  }

  /**
   * Runs `check` (the guardrails, reading lastChangeAt / disruptedSince) and, when it does not throw,
   * inserts a pending intent row, in one IMMEDIATE transaction: no other call, in this process or
   * another one on the same file, can pass the same check before this row is visible.
   */
  claim(e: IntentInput, check: (view: AuditView) => void): AuditEntry {
    return this.db
      .transaction(() => {
        check(this.view(e.cluster));
        return this.insert({ ...e, ok: false }, true);
      })
      .immediate();
  }

  /**
   * The guardrail reads of one cluster's rows: the same deployment name on two clusters is two targets. NULL rows
   * (a store of one cluster, or rows from before clusters were recorded) are a cluster of their own.
   */
  view(cluster: string | undefined): AuditView {
    const c = cluster ?? null;
    return {
      lastChangeAt: (target, tool) => {
        const row = this.db
          .prepare('SELECT MAX(at) AS at FROM audit WHERE target = ? AND tool = ? AND cluster IS ? AND (ok = 1 OR pending = 1) AND dry_run = 0')
          .get(target, tool, c) as { at: number | null };
        return row.at ?? undefined;
      },
      disruptedSince: (workload, since) => {
        const row = this.db
          .prepare('SELECT COALESCE(SUM(pods), 0) AS n FROM audit WHERE workload = ? AND cluster IS ? AND at >= ? AND (ok = 1 OR pending = 1) AND dry_run = 0')
          .get(workload, c, since) as { n: number };
        return row.n;
      },
    };
  }

  /** Records the outcome of a claimed intent. False when the row was not pending (settled already). */
  settle(id: number, s: Settlement): boolean {
    const info = this.db
      .prepare('UPDATE audit SET pending = 0, ok = ?, after = ?, error = ? WHERE seq = ? AND pending = 1')
      .run(s.ok ? 1 : 0, json(s.after), s.error ?? null, id);
    return info.changes === 1;
  }

  /**
   * Time of the last real (not dry-run) change of `target` by `tool`, in epoch ms: successful or still
   * pending, since a pending row may be a change in flight or one whose outcome was lost.
   */
  lastChangeAt(target: string, tool: string): number | undefined {
    const row = this.db
      .prepare('SELECT MAX(at) AS at FROM audit WHERE target = ? AND tool = ? AND (ok = 1 OR pending = 1) AND dry_run = 0')
      .get(target, tool) as {
      at: number | null;
    };
    return row.at ?? undefined;
  }

  /** Pods of `workload` disrupted by real changes (successful or pending) since `since`, whatever the tool. */
  disruptedSince(workload: string, since: number): number {
    const row = this.db
      .prepare('SELECT COALESCE(SUM(pods), 0) AS n FROM audit WHERE workload = ? AND at >= ? AND (ok = 1 OR pending = 1) AND dry_run = 0')
      .get(workload, since) as { n: number };
    return row.n;
  }

  /** Intents nobody settled (in flight, or interrupted by a crash), oldest first. */
  pending(limit = 100): AuditEntry[] {
    const rows = this.db.prepare('SELECT * FROM audit WHERE pending = 1 ORDER BY seq LIMIT ?').all(limit) as Row[];
    return rows.map(toEntry);
  }

  get(id: number): AuditEntry | undefined {
    const row = this.db.prepare('SELECT * FROM audit WHERE seq = ?').get(id) as Row | undefined;
    return row && toEntry(row);
  }

  private insert(e: AuditInput, pending: boolean): AuditEntry {
    const info = this.db
      .prepare(
        `INSERT INTO audit (at, cluster, caller, tool, target, arguments, before, after, ok, error, dry_run, pending, workload, pods) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.at ?? this.now(),
        e.cluster ?? null,
        e.caller,
        e.tool,
        e.target ?? null,
        JSON.stringify(e.arguments),
        json(e.before),
        json(e.after),
        e.ok ? 1 : 0,
        e.error ?? null,
        e.dryRun ? 1 : 0,
        pending ? 1 : 0,
        e.workload ?? null,
        e.pods ?? 0,
      );
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** Newest first. */
  list(q: AuditQuery = {}): AuditEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.cluster) where.push('cluster = ?'), args.push(q.cluster);
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
    cluster: r.cluster,
    caller: r.caller,
    tool: r.tool,
    target: r.target,
    arguments: JSON.parse(r.arguments) as Record<string, unknown>,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
    ok: r.ok === 1,
    error: r.error,
    dryRun: r.dry_run === 1,
    pending: r.pending === 1,
    workload: r.workload,
    pods: r.pods,
  };
}
