/**
 * Turns what happens into outbox rows and keeps the delivery worker going. Incident events come from the
 * incident store's emitter, which fires synchronously right after the store's write: the rows are
 * written in the same turn of the event loop, before anything else can run, so a process that survives
 * the incident write also records the notification (only a kill between those two statements, a few
 * microseconds apart, loses it). Other events (a plan waiting for approval) are published directly.
 */
import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/log.js';
import type { NotifyConfig, SinkConfig } from '../config/notify.js';
import type { IncidentEvent } from '../store/index.js';
import { outboxOf, type OutboxRepository } from '../store/outbox.js';
import type { Db } from '../store/db.js';
import { DeliveryWorker } from './delivery.js';
import { type NotificationEvent, eventsFromIncident, severityAtLeast } from './event.js';

export interface NotifierOptions {
  config: NotifyConfig;
  store: {
    db: Db;
    incidents: { events: { on(e: 'incident', f: (ev: IncidentEvent) => void): unknown; off(e: 'incident', f: (ev: IncidentEvent) => void): unknown } };
  };
  clock: Clock;
  logger: Logger;
  random?: () => number;
}

export class Notifier {
  readonly outbox: OutboxRepository;
  readonly worker: DeliveryWorker;
  private readonly onIncident = (ev: IncidentEvent) => {
    try {
      for (const e of eventsFromIncident(ev.kind, ev.incident, this.o.config.baseUrl)) this.publish(e);
    } catch (err) {
      // The incident itself is written; a notification that cannot be queued must not fail its caller.
      this.o.logger.error({ err, incident: ev.incident.id }, 'could not queue a notification');
    }
  };

  constructor(private readonly o: NotifierOptions) {
    this.outbox = outboxOf(o.store, () => o.clock.now());
    this.worker = new DeliveryWorker({ outbox: this.outbox, config: o.config, clock: o.clock, logger: o.logger, random: o.random });
  }

  /** Subscribes to the incident store and starts delivering (pending rows from a previous run first). */
  start(): this {
    if (this.o.config.sinks.length === 0) return this;
    this.o.store.incidents.events.on('incident', this.onIncident);
    this.worker.start();
    return this;
  }

  /** Queues the event for every sink that wants it; returns the new outbox row ids. */
  publish(e: NotificationEvent): number[] {
    const sinks = this.o.config.sinks.filter((s) => wants(s, e)).map((s) => s.name);
    if (sinks.length === 0) return [];
    const ids = this.outbox.enqueue(e.key, e.kind, e, sinks);
    if (ids.length) this.worker.kick();
    return ids;
  }

  async close(): Promise<void> {
    this.o.store.incidents.events.off('incident', this.onIncident);
    await this.worker.close();
  }
}

function wants(s: SinkConfig, e: NotificationEvent): boolean {
  return s.events.includes(e.kind) && severityAtLeast(e.severity, s.minSeverity);
}
