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
 *
 * Timers sit in a binary heap and cancelling one only forgets its id (the heap entry is skipped when it
 * comes up): a 100,000-pod simulation keeps hundreds of thousands of timers, and a sorted array's
 * shift/splice/findIndex made each insert, fire and cancel O(n).
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly heap: VirtualTimer[] = [];
  /** Timers not yet fired or cancelled, by id. */
  private readonly live = new Map<number, VirtualTimer>();
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
    this.live.set(timer.id, timer);
    this.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.live.delete(handle.id);
    // Cancelled entries are dropped when they reach the top; compact when they outnumber the live ones.
    if (this.heap.length > 1024 && this.heap.length > 2 * this.live.size) this.rebuild();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Number of timers waiting to fire. */
  get pending(): number {
    return this.live.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    this.advanceTo(this.current + Math.max(0, ms));
  }

  advanceTo(target: number): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > target) break;
      this.pop();
      if (!this.live.delete(top.id)) continue; // cancelled
      this.current = Math.max(this.current, top.at);
      top.fn();
    }
    this.current = Math.max(this.current, target);
  }

  private static before(a: VirtualTimer, b: VirtualTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: VirtualTimer): void {
    const h = this.heap;
    let i = h.length;
    h.push(t);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!VirtualClock.before(t, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = t;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    this.siftDown(0, last);
  }

  private siftDown(start: number, t: VirtualTimer): void {
    const h = this.heap;
    const n = h.length;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && VirtualClock.before(h[child + 1]!, h[child]!)) child++;
      if (!VirtualClock.before(h[child]!, t)) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = t;
  }

  private rebuild(): void {
    const keep = this.heap.filter((t) => this.live.get(t.id) === t);
    this.heap.length = 0;
    for (const t of keep) this.heap.push(t);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i, this.heap[i]!);
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
