/**
 * Incidents and the actions taken on them. Emits `opened`, `updated` and `resolved` so MCP resource
 * subscriptions and Prometheus counters follow the store without polling.
 */
import { EventEmitter } from 'node:events';
import type { Db } from './db.js';
import type { Incident, IncidentAction, Outcome, Severity } from './types.js';

export interface OpenIncidentInput {
  type: string;
  severity: Severity;
  namespace: string;
  target: string;
  title: string;
  summary?: string;
  details?: Record<string, unknown>;
  /** epoch ms; defaults to the store's clock */
  at?: number;
}

export interface ActionInput {
  tool: string;
  arguments: Record<string, unknown>;
  ok: boolean;
  result?: unknown;
  reason: string;
  at?: number;
}

export interface IncidentUpdate {
  severity?: Severity;
  outcome?: Exclude<Outcome, 'resolved'>;
  summary?: string;
  /** merged into the existing details */
  details?: Record<string, unknown>;
}

export interface IncidentQuery {
  namespace?: string;
  type?: string;
  target?: string;
  outcome?: Outcome;
  /** epoch ms: detected at or after */
  since?: number;
  limit?: number;
}

export type IncidentEvent = { kind: 'opened' | 'updated' | 'resolved'; incident: Incident };

interface Row {
  seq: number;
  type: string;
  severity: Severity;
  namespace: string;
  target: string;
  title: string;
  summary: string;
  detected_at: number;
  acknowledged_at: number | null;
  resolved_at: number | null;
  outcome: Outcome;
  details: string;
}

interface ActionRow {
  incident_seq: number;
  at: number;
  tool: string;
  arguments: string;
  ok: number;
  result: string | null;
  reason: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** `inc-42` ↔ 42; anything else is not an id this store issued. */
export function parseIncidentId(id: string): number | undefined {
  const m = /^inc-(\d+)$/.exec(id.trim());
  return m ? Number(m[1]) : undefined;
}

export class IncidentRepository {
  readonly events = new EventEmitter<{ incident: [IncidentEvent] }>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {
    // One listener per MCP session (HTTP) plus metrics and REST: more than Node's default warning level of 10.
    this.events.setMaxListeners(0);
  }

  open(input: OpenIncidentInput): Incident {
    const info = this.db
      .prepare(
        `INSERT INTO incidents (type, severity, namespace, target, title, summary, detected_at, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.type,
        input.severity,
        input.namespace,
        input.target,
        input.title,
        input.summary ?? '',
        input.at ?? this.now(),
        JSON.stringify(input.details ?? {}),
      );
    const incident = this.mustGet(Number(info.lastInsertRowid));
    this.events.emit('incident', { kind: 'opened', incident });
    return incident;
  }

  /** Records an action; the first action acknowledges the incident. */
  addAction(id: string, action: ActionInput): Incident | undefined {
    const seq = parseIncidentId(id);
    if (seq === undefined || !this.exists(seq)) return undefined;
    const at = action.at ?? this.now();
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO incident_actions (incident_seq, at, tool, arguments, ok, result, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(
          seq,
          at,
          action.tool,
          JSON.stringify(action.arguments),
          action.ok ? 1 : 0,
          action.result === undefined ? null : JSON.stringify(action.result),
          action.reason,
        );
      this.db.prepare('UPDATE incidents SET acknowledged_at = ? WHERE seq = ? AND acknowledged_at IS NULL').run(at, seq);
    })();
    const incident = this.mustGet(seq);
    this.events.emit('incident', { kind: 'updated', incident });
    return incident;
  }

  update(id: string, patch: IncidentUpdate): Incident | undefined {
    const seq = parseIncidentId(id);
    const current = seq === undefined ? undefined : this.get(id);
    if (seq === undefined || !current) return undefined;
    this.db
      .prepare('UPDATE incidents SET severity = ?, outcome = ?, summary = ?, details = ? WHERE seq = ?')
      .run(
        patch.severity ?? current.severity,
        patch.outcome ?? current.outcome,
        patch.summary ?? current.summary,
        JSON.stringify({ ...current.details, ...(patch.details ?? {}) }),
        seq,
      );
    const incident = this.mustGet(seq);
    this.events.emit('incident', { kind: 'updated', incident });
    return incident;
  }

  /** Marks an incident healthy again; resolving twice keeps the first resolution time. */
  resolve(id: string, opts: { at?: number; summary?: string } = {}): Incident | undefined {
    const seq = parseIncidentId(id);
    if (seq === undefined || !this.exists(seq)) return undefined;
    this.db
      .prepare(`UPDATE incidents SET outcome = 'resolved', resolved_at = COALESCE(resolved_at, ?), summary = COALESCE(?, summary) WHERE seq = ?`)
      .run(opts.at ?? this.now(), opts.summary ?? null, seq);
    const incident = this.mustGet(seq);
    this.events.emit('incident', { kind: 'resolved', incident });
    return incident;
  }

  get(id: string): Incident | undefined {
    const seq = parseIncidentId(id);
    return seq === undefined ? undefined : this.bySeq(seq);
  }

  /** Newest first. */
  list(q: IncidentQuery = {}): Incident[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.namespace) where.push('namespace = ?'), args.push(q.namespace);
    if (q.type) where.push('type = ?'), args.push(q.type);
    if (q.target) where.push('target = ?'), args.push(q.target);
    if (q.outcome) where.push('outcome = ?'), args.push(q.outcome);
    if (q.since !== undefined) where.push('detected_at >= ?'), args.push(q.since);
    const sql = `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC ${q.limit ? 'LIMIT ?' : ''}`;
    if (q.limit) args.push(q.limit);
    const rows = this.db.prepare(sql).all(...args) as Row[];
    return this.withActions(rows);
  }

  /** The open incident of this type on this target, if any: callers reuse it instead of opening a duplicate. */
  findOpen(type: string, namespace: string, target: string): Incident | undefined {
    const row = this.db
      .prepare(`SELECT * FROM incidents WHERE type = ? AND namespace = ? AND target = ? AND outcome IN ('open', 'escalated') ORDER BY seq DESC LIMIT 1`)
      .get(type, namespace, target) as Row | undefined;
    return row ? this.withActions([row])[0] : undefined;
  }

  private exists(seq: number): boolean {
    return this.db.prepare('SELECT 1 FROM incidents WHERE seq = ?').get(seq) !== undefined;
  }

  private bySeq(seq: number): Incident | undefined {
    const row = this.db.prepare('SELECT * FROM incidents WHERE seq = ?').get(seq) as Row | undefined;
    return row ? this.withActions([row])[0] : undefined;
  }

  private mustGet(seq: number): Incident {
    const i = this.bySeq(seq);
    if (!i) throw new Error(`incident inc-${seq} vanished after write`);
    return i;
  }

  private withActions(rows: Row[]): Incident[] {
    if (rows.length === 0) return [];
    const seqs = rows.map((r) => r.seq);
    const actionRows = this.db
      .prepare(`SELECT * FROM incident_actions WHERE incident_seq IN (${seqs.map(() => '?').join(',')}) ORDER BY seq`)
      .all(...seqs) as ActionRow[];
    const actions = new Map<number, IncidentAction[]>();
    for (const a of actionRows) {
      const list = actions.get(a.incident_seq) ?? [];
      list.push({
        at: iso(a.at)!,
        tool: a.tool,
        arguments: JSON.parse(a.arguments) as Record<string, unknown>,
        ok: a.ok === 1,
        ...(a.result === null ? {} : { result: JSON.parse(a.result) as unknown }),
        reason: a.reason,
      });
      actions.set(a.incident_seq, list);
    }
    return rows.map((r) => ({
      id: `inc-${r.seq}`,
      type: r.type,
      severity: r.severity,
      namespace: r.namespace,
      target: r.target,
      title: r.title,
      summary: r.summary,
      detectedAt: iso(r.detected_at)!,
      acknowledgedAt: iso(r.acknowledged_at),
      resolvedAt: iso(r.resolved_at),
      outcome: r.outcome,
      details: JSON.parse(r.details) as Record<string, unknown>,
      actions: actions.get(r.seq) ?? [],
    }));
  }
}
