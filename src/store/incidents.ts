/**
 * Incidents and the actions taken on them. Emits `opened`, `updated` and `resolved` so MCP resource
 * subscriptions and Prometheus counters follow the store without polling.
 */
import { EventEmitter } from 'node:events';
import type { Db } from './db.js';
import type { Incident, IncidentAction, Outcome, Severity, TimelineEntry, TimelineKind, TimelineState } from './types.js';

export interface OpenIncidentInput {
  /** the cluster it is on (kubeconfig context); part of the identity: the same target on two clusters is two incidents */
  cluster?: string;
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
  cluster?: string;
  namespace?: string;
  type?: string;
  target?: string;
  outcome?: Outcome;
  /** epoch ms: detected at or after */
  since?: number;
  limit?: number;
}

/** A decision about to be carried out: recorded before the tool is called. */
export interface IntentInput {
  tool: string;
  arguments: Record<string, unknown>;
  reason: string;
  message: string;
  /** what the decision was based on (a bounded summary of the observation) */
  observation?: unknown;
  at?: number;
}

/** A decision not to act. Repeats of the same (reason, tool) on an incident grow one entry's count. */
export interface HoldInput {
  reason: string;
  message: string;
  tool?: string;
  arguments?: Record<string, unknown>;
  observation?: unknown;
  at?: number;
}

/** The outcome of an intent: `settled` by the one that made it, or `reconciled` by a successor that read the cluster. */
export interface IntentOutcome {
  ok: boolean;
  result?: unknown;
  state?: Extract<TimelineState, 'settled' | 'reconciled'>;
  at?: number;
}

export type IncidentEvent = { kind: 'opened' | 'updated' | 'resolved'; incident: Incident };

interface Row {
  seq: number;
  cluster: string | null;
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

interface TimelineRow {
  seq: number;
  incident_seq: number;
  kind: TimelineKind;
  at: number;
  last_seen: number;
  count: number;
  tool: string | null;
  arguments: string | null;
  reason: string;
  message: string;
  observation: string | null;
  state: TimelineState;
  ok: number | null;
  result: string | null;
  settled_at: number | null;
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
const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

function toTimelineEntry(t: TimelineRow): TimelineEntry {
  return {
    entry: t.seq,
    kind: t.kind,
    at: iso(t.at)!,
    lastSeen: iso(t.last_seen)!,
    count: t.count,
    tool: t.tool,
    arguments: t.arguments === null ? null : (JSON.parse(t.arguments) as Record<string, unknown>),
    reason: t.reason,
    message: t.message,
    ...(t.observation === null ? {} : { observation: JSON.parse(t.observation) as unknown }),
    state: t.state,
    ok: t.ok === null ? null : t.ok === 1,
    ...(t.result === null ? {} : { result: JSON.parse(t.result) as unknown }),
    settledAt: iso(t.settled_at),
  };
}

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

  /** Opens a new incident, whatever is open already (openOrGet is the idempotent form). */
  open(input: OpenIncidentInput): Incident {
    const incident = this.mustGet(this.insert(input));
    this.events.emit('incident', { kind: 'opened', incident });
    return incident;
  }

  private insert(input: OpenIncidentInput): number {
    const info = this.db
      .prepare(
        `INSERT INTO incidents (cluster, type, severity, namespace, target, title, summary, detected_at, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.cluster ?? null,
        input.type,
        input.severity,
        input.namespace,
        input.target,
        input.title,
        input.summary ?? '',
        input.at ?? this.now(),
        JSON.stringify(input.details ?? {}),
      );
    return Number(info.lastInsertRowid);
  }

  /**
   * Opens an incident unless one of this type is open (or escalated) on this target: then returns that one with
   * opened=false. The check and the insert are one IMMEDIATE transaction, so two writers (two processes on one
   * file) cannot both open.
   */
  openOrGet(input: OpenIncidentInput): { incident: Incident; opened: boolean } {
    const existing = this.db
      .transaction(() => {
        const found = this.findOpenSeq(input.type, input.namespace, input.target, input.cluster);
        if (found !== undefined) return { seq: found, opened: false };
        return { seq: this.insert(input), opened: true };
      })
      .immediate();
    const incident = this.mustGet(existing.seq);
    if (existing.opened) this.events.emit('incident', { kind: 'opened', incident });
    return { incident, opened: existing.opened };
  }

  /** Records an intent before its tool is called; it acknowledges the incident like an action. */
  intend(id: string, intent: IntentInput): { incident: Incident; entry: number } | undefined {
    const seq = parseIncidentId(id);
    if (seq === undefined || !this.exists(seq)) return undefined;
    const at = intent.at ?? this.now();
    const entry = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO incident_timeline (incident_seq, kind, at, last_seen, tool, arguments, reason, message, observation, state)
           VALUES (?, 'intent', ?, ?, ?, ?, ?, ?, ?, 'pending')`,
        )
        .run(seq, at, at, intent.tool, JSON.stringify(intent.arguments), intent.reason, intent.message, json(intent.observation));
      this.db.prepare('UPDATE incidents SET acknowledged_at = ? WHERE seq = ? AND acknowledged_at IS NULL').run(at, seq);
      return Number(info.lastInsertRowid);
    })();
    const incident = this.mustGet(seq);
    this.events.emit('incident', { kind: 'updated', incident });
    return { incident, entry };
  }

  /** Records the outcome of a pending intent. Undefined when the incident or a pending intent `entry` on it is unknown. */
  settleIntent(id: string, entry: number, outcome: IntentOutcome): Incident | undefined {
    const seq = parseIncidentId(id);
    if (seq === undefined) return undefined;
    const info = this.db
      .prepare(
        `UPDATE incident_timeline SET state = ?, ok = ?, result = ?, settled_at = ?, last_seen = ?
         WHERE seq = ? AND incident_seq = ? AND kind = 'intent' AND state = 'pending'`,
      )
      .run(outcome.state ?? 'settled', outcome.ok ? 1 : 0, json(outcome.result), outcome.at ?? this.now(), outcome.at ?? this.now(), entry, seq);
    if (info.changes !== 1) return undefined;
    const incident = this.mustGet(seq);
    this.events.emit('incident', { kind: 'updated', incident });
    return incident;
  }

  /** Records a hold; the same (reason, tool) already held on this incident counts up instead of adding an entry. */
  hold(id: string, h: HoldInput): Incident | undefined {
    const seq = parseIncidentId(id);
    if (seq === undefined || !this.exists(seq)) return undefined;
    const at = h.at ?? this.now();
    const key = `${h.reason}\u0000${h.tool ?? ''}`;
    this.db.transaction(() => {
      const updated = this.db
        .prepare(
          `UPDATE incident_timeline SET count = count + 1, last_seen = MAX(last_seen, ?), message = ?, observation = COALESCE(?, observation)
           WHERE incident_seq = ? AND kind = 'hold' AND hold_key = ?`,
        )
        .run(at, h.message, json(h.observation), seq, key);
      if (updated.changes > 0) return;
      this.db
        .prepare(
          `INSERT INTO incident_timeline (incident_seq, kind, at, last_seen, hold_key, tool, arguments, reason, message, observation, state)
           VALUES (?, 'hold', ?, ?, ?, ?, ?, ?, ?, ?, 'held')`,
        )
        .run(seq, at, at, key, h.tool ?? null, json(h.arguments), h.reason, h.message, json(h.observation));
    })();
    const incident = this.mustGet(seq);
    this.events.emit('incident', { kind: 'updated', incident });
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
    if (q.cluster) where.push('cluster = ?'), args.push(q.cluster);
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
  findOpen(type: string, namespace: string, target: string, cluster?: string): Incident | undefined {
    const seq = this.findOpenSeq(type, namespace, target, cluster);
    return seq === undefined ? undefined : this.bySeq(seq);
  }

  private findOpenSeq(type: string, namespace: string, target: string, cluster?: string): number | undefined {
    // IS: a store of one cluster (NULL) matches NULL rows.
    const row = this.db
      .prepare(
        `SELECT seq FROM incidents WHERE type = ? AND namespace = ? AND target = ? AND cluster IS ? AND outcome IN ('open', 'escalated') ORDER BY seq DESC LIMIT 1`,
      )
      .get(type, namespace, target, cluster ?? null) as { seq: number } | undefined;
    return row?.seq;
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
    const timelineRows = this.db
      .prepare(`SELECT * FROM incident_timeline WHERE incident_seq IN (${seqs.map(() => '?').join(',')}) ORDER BY seq`)
      .all(...seqs) as TimelineRow[];
    const timeline = new Map<number, TimelineEntry[]>();
    for (const t of timelineRows) {
      const list = timeline.get(t.incident_seq) ?? [];
      list.push(toTimelineEntry(t));
      timeline.set(t.incident_seq, list);
    }
    return rows.map((r) => ({
      id: `inc-${r.seq}`,
      cluster: r.cluster,
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
      timeline: timeline.get(r.seq) ?? [],
    }));
  }
}
