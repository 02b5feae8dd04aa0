/**
 * The notification outbox: one row per (sink, event), written before anything is sent, so a message
 * survives a crash or a restart until its receiver has taken it. `(sink, event_key)` is unique: the
 * same event enqueued twice (a replayed emitter, a catch-up after restart) is one row and one message.
 *
 * Sending takes a lease on the row first (`lease`), in one UPDATE that only succeeds when nobody else
 * holds it, so two processes sharing the file (a server and a separate agent) never send the same row
 * at once; a process killed while holding a lease loses it when the lease runs out, and the row is
 * sent again by whoever runs next.
 */
import type { Db } from './db.js';

export const OUTBOX_STATES = ['pending', 'delivered', 'dead'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export interface OutboxRow {
  id: number;
  sink: string;
  eventKey: string;
  kind: string;
  /** the event as the notifier built it (JSON) */
  event: unknown;
  state: OutboxState;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  deliveredAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
}

export interface OutboxQuery {
  state?: OutboxState;
  sink?: string;
  limit?: number;
}

interface Row {
  seq: number;
  sink: string;
  event_key: string;
  kind: string;
  event: string;
  state: OutboxState;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  delivered_at: number | null;
  last_status: number | null;
  last_error: string | null;
}

const toRow = (r: Row): OutboxRow => ({
  id: r.seq,
  sink: r.sink,
  eventKey: r.event_key,
  kind: r.kind,
  event: JSON.parse(r.event) as unknown,
  state: r.state,
  attempts: r.attempts,
  createdAt: r.created_at,
  nextAttemptAt: r.next_attempt_at,
  deliveredAt: r.delivered_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
});

export class OutboxRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /**
   * One row per sink for this event, in one transaction; rows already there (same sink and key) are
   * kept as they are. Returns the ids of the rows this call created.
   */
  enqueue(eventKey: string, kind: string, event: unknown, sinks: readonly string[]): number[] {
    const at = this.now();
    const insert = this.db.prepare(
      `INSERT INTO notification_outbox (sink, event_key, kind, event, created_at, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sink, event_key) DO NOTHING`,
    );
    const text = JSON.stringify(event);
    return this.db.transaction(() => {
      const ids: number[] = [];
      for (const sink of sinks) {
        const info = insert.run(sink, eventKey, kind, text, at, at);
        if (info.changes === 1) ids.push(Number(info.lastInsertRowid));
      }
      return ids;
    })();
  }

  /** Pending rows whose time has come and that nobody holds, oldest first. */
  due(limit: number): OutboxRow[] {
    const now = this.now();
    const rows = this.db
      .prepare(
        `SELECT * FROM notification_outbox WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY next_attempt_at, seq LIMIT ?`,
      )
      .all(now, now, limit) as Row[];
    return rows.map(toRow);
  }

  /** Takes the row for `leaseMs`; false when it is delivered, dead, or someone else holds it. */
  lease(id: number, leaseMs: number): boolean {
    const now = this.now();
    const info = this.db
      .prepare(`UPDATE notification_outbox SET lease_until = ? WHERE seq = ? AND state = 'pending' AND (lease_until IS NULL OR lease_until <= ?)`)
      .run(now + leaseMs, id, now);
    return info.changes === 1;
  }

  delivered(id: number, status: number): void {
    this.db
      .prepare(
        `UPDATE notification_outbox SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, last_status = ?, last_error = NULL, lease_until = NULL WHERE seq = ?`,
      )
      .run(this.now(), status, id);
  }

  /** A failed attempt: tried again at `nextAt`, or dead-lettered when `dead`. */
  failed(id: number, f: { status: number | null; error: string; nextAt: number; dead: boolean }): void {
    this.db
      .prepare(
        `UPDATE notification_outbox SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL WHERE seq = ?`,
      )
      .run(f.dead ? 'dead' : 'pending', f.status, f.error, f.nextAt, id);
  }

  /** Gives a rate-limited row back without counting an attempt. */
  postpone(id: number, nextAt: number): void {
    this.db.prepare('UPDATE notification_outbox SET next_attempt_at = ?, lease_until = NULL WHERE seq = ?').run(nextAt, id);
  }

  get(id: number): OutboxRow | undefined {
    const r = this.db.prepare('SELECT * FROM notification_outbox WHERE seq = ?').get(id) as Row | undefined;
    return r ? toRow(r) : undefined;
  }

  /** Newest first. */
  list(q: OutboxQuery = {}): OutboxRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.state) where.push('state = ?'), args.push(q.state);
    if (q.sink) where.push('sink = ?'), args.push(q.sink);
    args.push(q.limit ?? 100);
    const rows = this.db
      .prepare(`SELECT * FROM notification_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`)
      .all(...args) as Row[];
    return rows.map(toRow);
  }

  counts(): Record<OutboxState, number> {
    const out: Record<OutboxState, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const r of this.db.prepare('SELECT state, COUNT(*) AS n FROM notification_outbox GROUP BY state').all() as { state: OutboxState; n: number }[])
      out[r.state] = r.n;
    return out;
  }

  /** The earliest time a pending row becomes due (for the worker's next wake-up), if any. */
  nextDueAt(): number | undefined {
    const r = this.db.prepare(`SELECT MIN(MAX(next_attempt_at, COALESCE(lease_until, 0))) AS t FROM notification_outbox WHERE state = 'pending'`).get() as {
      t: number | null;
    };
    return r.t ?? undefined;
  }
}

const repos = new WeakMap<Db, OutboxRepository>();

/**
 * The outbox of a store's database. Kept beside the Store class rather than on it (the store's own
 * repositories are being moved behind async ports); one repository per open database.
 */
export function outboxOf(store: { db: Db }, now: () => number): OutboxRepository {
  let r = repos.get(store.db);
  if (!r) {
    r = new OutboxRepository(store.db, now);
    repos.set(store.db, r);
  }
  return r;
}
