/**
 * Pending plans (table pending_plans, migration 5): a change the agent decided but a person must approve,
 * or a recommendation a person may apply. One open plan per (target, tool): proposing the same change again
 * while one waits returns that one (the agent decides every cycle; the person sees one plan, not one per
 * cycle). A plan is decided once: the state moves from pending in one conditional UPDATE, so two people
 * approving at the same moment run it once.
 */
import type { Db } from './db.js';

export const PLAN_STATES = ['pending', 'approved', 'rejected', 'expired', 'failed'] as const;
export type PlanState = (typeof PLAN_STATES)[number];

export interface PlanRow {
  id: number;
  createdAt: number;
  expiresAt: number;
  state: PlanState;
  /** who proposed it: agent (approve mode), agent-recommend */
  source: string;
  tool: string;
  arguments: Record<string, unknown>;
  namespace: string;
  target: string;
  risk: string;
  /** the computed plan (src/approvals/plan.ts) plus the risk reasons */
  plan: unknown;
  reason: string;
  incidentId: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  result: unknown;
}

/** What a proposal supplies; the store assigns the id, time and state. */
export type NewPlan = Pick<PlanRow, 'source' | 'tool' | 'arguments' | 'namespace' | 'target' | 'risk' | 'plan' | 'reason' | 'expiresAt'> & {
  incidentId?: string;
};

interface Row {
  seq: number;
  created_at: number;
  expires_at: number;
  state: PlanState;
  source: string;
  tool: string;
  arguments: string;
  namespace: string;
  target: string;
  risk: string;
  plan: string;
  reason: string;
  incident_id: string | null;
  decided_by: string | null;
  decided_at: number | null;
  result: string | null;
}

const toPlan = (r: Row): PlanRow => ({
  id: r.seq,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  state: r.state,
  source: r.source,
  tool: r.tool,
  arguments: JSON.parse(r.arguments) as Record<string, unknown>,
  namespace: r.namespace,
  target: r.target,
  risk: r.risk,
  plan: JSON.parse(r.plan) as unknown,
  reason: r.reason,
  incidentId: r.incident_id,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  result: r.result === null ? null : (JSON.parse(r.result) as unknown),
});

export class PlanRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /** Marks plans past their expiry as expired; returns how many. */
  expire(): number {
    return this.db.prepare(`UPDATE pending_plans SET state = 'expired', decided_at = ? WHERE state = 'pending' AND expires_at <= ?`).run(this.now(), this.now())
      .changes;
  }

  /** The waiting plan for (target, tool), or a new one; `created` says which. */
  propose(p: NewPlan): { plan: PlanRow; created: boolean } {
    return this.db.transaction(() => {
      this.expire();
      const open = this.db
        .prepare(`SELECT * FROM pending_plans WHERE state = 'pending' AND target = ? AND tool = ? ORDER BY seq LIMIT 1`)
        .get(p.target, p.tool) as Row | undefined;
      if (open) return { plan: toPlan(open), created: false };
      const info = this.db
        .prepare(
          `INSERT INTO pending_plans (created_at, expires_at, source, tool, arguments, namespace, target, risk, plan, reason, incident_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          this.now(),
          p.expiresAt,
          p.source,
          p.tool,
          JSON.stringify(p.arguments),
          p.namespace,
          p.target,
          p.risk,
          JSON.stringify(p.plan),
          p.reason,
          p.incidentId ?? null,
        );
      return { plan: this.get(Number(info.lastInsertRowid))!, created: true };
    })();
  }

  get(id: number): PlanRow | undefined {
    const r = this.db.prepare('SELECT * FROM pending_plans WHERE seq = ?').get(id) as Row | undefined;
    return r ? toPlan(r) : undefined;
  }

  list(q: { state?: PlanState; limit?: number } = {}): PlanRow[] {
    this.expire();
    const rows = (
      q.state
        ? this.db.prepare('SELECT * FROM pending_plans WHERE state = ? ORDER BY seq DESC LIMIT ?').all(q.state, q.limit ?? 50)
        : this.db.prepare('SELECT * FROM pending_plans ORDER BY seq DESC LIMIT ?').all(q.limit ?? 50)
    ) as Row[];
    return rows.map(toPlan);
  }

  /** Moves a pending plan to `state`; false when it was not pending any more (decided, expired). */
  decide(id: number, state: Exclude<PlanState, 'pending'>, by: string, result?: unknown): boolean {
    return (
      this.db
        .prepare(`UPDATE pending_plans SET state = ?, decided_by = ?, decided_at = ?, result = ? WHERE seq = ? AND state = 'pending'`)
        .run(state, by, this.now(), result === undefined ? null : JSON.stringify(result), id).changes === 1
    );
  }

  /** Records the outcome of an approved plan's execution (approved → failed when it did not run). */
  settle(id: number, state: 'approved' | 'failed', result: unknown): void {
    this.db.prepare('UPDATE pending_plans SET state = ?, result = ? WHERE seq = ?').run(state, JSON.stringify(result), id);
  }
}

const repos = new WeakMap<Db, PlanRepository>();

/** One repository per open database (the store does not know this table's repository). */
export function plansOf(store: { db: Db }, now: () => number): PlanRepository {
  let r = repos.get(store.db);
  if (!r) {
    r = new PlanRepository(store.db, now);
    repos.set(store.db, r);
  }
  return r;
}
