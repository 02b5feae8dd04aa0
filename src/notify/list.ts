/** The outbox as the list_notifications tool, REST and the dashboard show it. */
import { z } from 'zod';
import type { Db } from '../store/db.js';
import { OUTBOX_STATES, outboxOf, type OutboxRow } from '../store/outbox.js';
import type { NotificationEvent } from './event.js';

export const NotificationRowSchema = z.object({
  id: z.number().int(),
  sink: z.string(),
  event: z.string().describe('the event key, e.g. inc-5:opened'),
  kind: z.string(),
  title: z.string(),
  incident: z.string().nullable(),
  state: z.enum(OUTBOX_STATES).describe('pending: not delivered yet (waiting, retrying or rate-limited); delivered; dead: given up'),
  attempts: z.number().int(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable().describe('when a pending message is tried next'),
  deliveredAt: z.string().nullable(),
  lastStatus: z.number().int().nullable().describe("the receiver's last HTTP status (null: no answer)"),
  lastError: z.string().nullable(),
});

export const NotificationListSchema = z.object({
  items: z.array(NotificationRowSchema),
  counts: z.object({ pending: z.number().int(), delivered: z.number().int(), dead: z.number().int() }),
  sinks: z.array(z.object({ name: z.string(), type: z.string(), events: z.array(z.string()), minSeverity: z.string() })),
});
export type NotificationList = z.infer<typeof NotificationListSchema>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function present(r: OutboxRow): z.infer<typeof NotificationRowSchema> {
  const e = r.event as Partial<NotificationEvent>;
  return {
    id: r.id,
    sink: r.sink,
    event: r.eventKey,
    kind: r.kind,
    title: e.title ?? '',
    incident: e.incident?.id ?? null,
    state: r.state,
    attempts: r.attempts,
    createdAt: iso(r.createdAt)!,
    nextAttemptAt: r.state === 'pending' ? iso(r.nextAttemptAt) : null,
    deliveredAt: iso(r.deliveredAt),
    lastStatus: r.lastStatus,
    lastError: r.lastError,
  };
}

export function listNotifications(
  store: { db: Db },
  now: () => number,
  sinks: readonly { name: string; type: string; events: string[]; minSeverity: string }[],
  q: { state?: (typeof OUTBOX_STATES)[number]; sink?: string; limit?: number },
): NotificationList {
  const outbox = outboxOf(store, now);
  return {
    items: outbox.list({ state: q.state, sink: q.sink, limit: q.limit ?? 50 }).map(present),
    counts: outbox.counts(),
    sinks: sinks.map((s) => ({ name: s.name, type: s.type, events: [...s.events], minSeverity: s.minSeverity })),
  };
}
