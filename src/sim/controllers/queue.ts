/**
 * A deduplicating work queue, as in client-go: many watch events for one object become one sync.
 * Work runs on a zero-delay clock timer, never inside the watch callback, so a burst of writes is
 * batched and, under a virtual clock, runs at a deterministic point (the next `advance`).
 */
import type { Clock, TimerHandle } from '../../base/clock.js';
import type { Logger } from '../../base/log.js';

export class WorkQueue {
  private pending = new Set<string>();
  private flushTimer?: TimerHandle;
  private readonly delayed = new Map<string, TimerHandle>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly name: string,
    private readonly handler: (key: string) => void,
    private readonly logger?: Logger,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.flushTimer ??= this.clock.setTimeout(() => this.flush(), 0);
  }

  /** Adds the key after `ms`, replacing any pending delay for the same key. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const existing = this.delayed.get(key);
    if (existing) this.clock.clearTimeout(existing);
    this.delayed.set(
      key,
      this.clock.setTimeout(() => {
        this.delayed.delete(key);
        this.add(key);
      }, ms),
    );
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.flushTimer);
    for (const t of this.delayed.values()) this.clock.clearTimeout(t);
    this.delayed.clear();
    this.pending.clear();
  }

  private flush(): void {
    this.flushTimer = undefined;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.handler(key);
      } catch (err) {
        // One object's failure must not stall the loop; the next event for it retries.
        this.logger?.warn({ err, queue: this.name, key }, 'sync failed');
      }
    }
  }
}
