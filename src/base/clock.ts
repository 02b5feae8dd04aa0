/**
 * One clock for everything that schedules work: the simulator, the agent, cooldowns, leases.
 * Real time for interactive use; a virtual clock for rehearsals so a 24 h scenario runs in seconds.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the epoch (virtual or real). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Resolves after `ms` of this clock's time has passed. */
  sleep(ms: number): Promise<void>;
}

export class RealClock implements Clock {
  private readonly handles = new Map<number, NodeJS.Timeout>();
  private nextId = 1;

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(
      () => {
        this.handles.delete(id);
        fn();
      },
      Math.max(0, ms),
    );
    // Timers must never keep a CLI process alive on their own; servers hold the loop open.
    t.unref();
    this.handles.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.handles.get(handle.id);
    if (t) clearTimeout(t);
    this.handles.delete(handle.id);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, Math.max(0, ms));
      t.unref?.();
    });
  }
}

interface VirtualTimer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Deterministic clock: time only moves when `advance` or `advanceTo` is called, and due timers fire in
 * (time, creation order) order. Nothing here reads the wall clock, so equal inputs give equal runs.
 */
export class VirtualClock implements Clock {
  private current: number;
  private timers: VirtualTimer[] = [];
  private nextId = 1;
  private seq = 0;

  constructor(start = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: VirtualTimer = { id: this.nextId++, at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.insert(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const i = this.timers.findIndex((t) => t.id === handle.id);
    if (i >= 0) this.timers.splice(i, 1);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Number of timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    this.advanceTo(this.current + Math.max(0, ms));
  }

  advanceTo(target: number): void {
    while (this.timers.length > 0 && this.timers[0]!.at <= target) {
      const t = this.timers.shift()!;
      this.current = Math.max(this.current, t.at);
      t.fn();
    }
    this.current = Math.max(this.current, target);
  }

  private insert(timer: VirtualTimer): void {
    // Binary search keeps insertion O(log n) for large simulations with many timers.
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.timers[mid]!;
      if (m.at < timer.at || (m.at === timer.at && m.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
  }
}

/**
 * Real time, sped up: `speed` seconds of clock time pass per wall second (demo --speed). Timers fire after
 * ms / speed of wall time, so everything scheduled on this clock — simulator, agent, stabilization windows — runs
 * `speed` times faster together.
 */
export class ScaledClock implements Clock {
  private readonly real = new RealClock();
  private readonly wallStart = Date.now();

  constructor(
    readonly speed: number,
    private readonly start = Date.now(),
  ) {
    if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
  }

  now(): number {
    return this.start + Math.round((Date.now() - this.wallStart) * this.speed);
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.real.setTimeout(fn, ms / this.speed);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.real.clearTimeout(handle);
  }

  sleep(ms: number): Promise<void> {
    return this.real.sleep(ms / this.speed);
  }
}
