/**
 * Sends what the outbox holds. One message at a time, oldest due first: lease the row, render it for its
 * sink, POST it with Node's fetch, record the outcome.
 *
 * - 2xx: delivered (never sent again).
 * - 429: tried again when the receiver's Retry-After says (seconds or an HTTP date), else after backoff.
 * - 408, 5xx, a timeout or a refused connection: tried again after exponential backoff with jitter.
 * - any other 4xx: the receiver refuses the message itself (bad URL, revoked webhook, invalid payload);
 *   sending it again cannot help, so it is dead-lettered at once with the receiver's answer.
 * - after notify.maxAttempts failed attempts: dead-lettered.
 *
 * A per-sink rate limit (ratePerMinute, a sliding minute) holds messages back without counting an attempt.
 * A message is sent twice only when the receiver took it but its answer was lost (a timeout, or this
 * process killed mid-request): the row's lease then runs out and it is sent again, with the same
 * delivery id (webhook header) or dedup_key (PagerDuty) so receivers can drop the repeat.
 */
import type { Clock, TimerHandle } from '../base/clock.js';
import type { Logger } from '../base/log.js';
import type { NotifyConfig, SinkConfig } from '../config/notify.js';
import type { OutboxRepository, OutboxRow } from '../store/outbox.js';
import { cut } from './cut.js';
import type { NotificationEvent } from './event.js';
import { renderRequest } from './sinks/render.js';

export interface DeliveryOptions {
  outbox: OutboxRepository;
  config: NotifyConfig;
  clock: Clock;
  logger: Logger;
  /** uniform in [0, 1), for the jitter */
  random?: () => number;
  /** rows looked at per pass */
  batch?: number;
}

export type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status: number | null; error: string; afterMs?: number }
  | { kind: 'dead'; status: number; error: string };

/** Longest Retry-After honoured; a receiver asking for more is asked again after this. */
const MAX_RETRY_AFTER_MS = 3_600_000;
/** Idle re-check: rows another process enqueued are picked up at least this often. */
const IDLE_POLL_MS = 5_000;

export class DeliveryWorker {
  private readonly sinks: Map<string, SinkConfig>;
  private readonly sent = new Map<string, number[]>();
  private readonly random: () => number;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private started = false;

  constructor(private readonly o: DeliveryOptions) {
    this.sinks = new Map(o.config.sinks.map((s) => [s.name, s]));
    this.random = o.random ?? Math.random;
  }

  /** Starts delivering, beginning with whatever a previous process left pending. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.kick();
  }

  /** Something was enqueued: look now (coalesced with a pass already running). */
  kick(): void {
    if (!this.started || this.closed) return;
    this.o.clock.clearTimeout(this.timer);
    this.timer = this.o.clock.setTimeout(() => void this.pass(), 0);
  }

  /** Runs passes until nothing is due now; for tests and shutdown. */
  async drain(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await this.pass();
      if (this.o.outbox.due(1).length === 0) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.o.clock.clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over due rows; passes never overlap (a kick during one runs another right after). */
  pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      // Yield first: the body must not finish before `running` is assigned below.
      await Promise.resolve();
      try {
        do {
          this.again = false;
          for (const row of this.o.outbox.due(this.o.batch ?? 20)) {
            if (this.closed) return;
            await this.deliver(row);
          }
        } while (this.again && !this.closed);
      } catch (err) {
        this.o.logger.error({ err }, 'notification delivery pass failed; trying again shortly');
      } finally {
        this.running = undefined;
        this.schedule();
      }
    };
    this.running = run();
    return this.running;
  }

  private schedule(): void {
    if (this.closed || !this.started) return;
    const now = this.o.clock.now();
    const next = this.o.outbox.nextDueAt();
    const wait = next === undefined ? IDLE_POLL_MS : Math.min(IDLE_POLL_MS, Math.max(0, next - now));
    this.o.clock.clearTimeout(this.timer);
    this.timer = this.o.clock.setTimeout(() => void this.pass(), wait);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { outbox, config, clock, logger } = this.o;
    const sink = this.sinks.get(row.sink);
    if (!sink) {
      if (!outbox.lease(row.id, config.leaseSeconds * 1000)) return;
      outbox.failed(row.id, { status: null, error: `sink "${row.sink}" is no longer configured`, nextAt: clock.now(), dead: true });
      return;
    }
    const waitUntil = this.rateLimitedUntil(sink);
    if (waitUntil !== undefined) {
      outbox.postpone(row.id, waitUntil);
      return;
    }
    // Another process (or a pass of ours) may hold it; then it is theirs to send.
    if (!outbox.lease(row.id, config.leaseSeconds * 1000)) return;
    this.sent.get(sink.name)!.push(clock.now());
    const outcome = await this.attempt(sink, row);
    const attempts = row.attempts + 1;
    if (outcome.kind === 'delivered') {
      outbox.delivered(row.id, outcome.status);
      logger.info({ sink: sink.name, event: row.eventKey, attempts }, 'notification delivered');
      return;
    }
    const dead = outcome.kind === 'dead' || attempts >= config.maxAttempts;
    const retryAt = clock.now() + (outcome.kind === 'retry' && outcome.afterMs !== undefined ? outcome.afterMs : this.backoffMs(attempts));
    outbox.failed(row.id, { status: outcome.status, error: cut(outcome.error, 500), nextAt: dead ? clock.now() : retryAt, dead });
    logger.warn(
      {
        sink: sink.name,
        event: row.eventKey,
        attempts,
        status: outcome.status,
        error: outcome.error,
        retryAt: dead ? undefined : new Date(retryAt).toISOString(),
      },
      dead ? 'notification dead-lettered' : 'notification not delivered; will retry',
    );
  }

  /** Backoff after the n-th failure: the exponential step with jitter across its upper half. */
  backoffMs(attempts: number): number {
    const { backoffBaseSeconds, backoffMaxSeconds } = this.o.config;
    const step = Math.min(backoffMaxSeconds, backoffBaseSeconds * 2 ** (attempts - 1)) * 1000;
    return Math.round(step / 2 + (this.random() * step) / 2);
  }

  private rateLimitedUntil(sink: SinkConfig): number | undefined {
    const now = this.o.clock.now();
    const recent = (this.sent.get(sink.name) ?? []).filter((t) => t > now - 60_000);
    this.sent.set(sink.name, recent);
    return recent.length >= sink.ratePerMinute ? recent[0]! + 60_000 : undefined;
  }

  private async attempt(sink: SinkConfig, row: OutboxRow): Promise<AttemptOutcome> {
    const req = renderRequest(sink, row.event as NotificationEvent, `${row.sink}:${row.eventKey}`, this.o.clock.now());
    let res: Response;
    try {
      res = await fetch(req.url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.o.config.timeoutSeconds * 1000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return {
        kind: 'retry',
        status: null,
        error: `${(err as Error).name === 'TimeoutError' ? 'timed out' : 'request failed'}${cause ? ` (${cause})` : ''}: ${(err as Error).message}`,
      };
    }
    const text = await res.text().catch(() => '');
    if (res.ok) return { kind: 'delivered', status: res.status };
    const error = `HTTP ${res.status}${text ? `: ${cut(text, 300)}` : ''}`;
    if (res.status === 429) return { kind: 'retry', status: 429, error, afterMs: retryAfterMs(res.headers.get('retry-after'), this.o.clock.now()) };
    if (res.status === 408 || res.status >= 500) return { kind: 'retry', status: res.status, error };
    return { kind: 'dead', status: res.status, error };
  }
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(MAX_RETRY_AFTER_MS, Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
}
