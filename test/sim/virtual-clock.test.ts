import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';

describe('VirtualClock (the simulator and rehearsals run on it)', () => {
  it('fires due timers in (time, creation) order, including timers set while firing', () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => {
      fired.push('c@10');
      clock.setTimeout(() => fired.push('e@10 (set at 10 with 0 ms)'), 0);
      clock.setTimeout(() => fired.push('f@30'), 20);
    }, 10);
    clock.setTimeout(() => fired.push('d@20'), 20);
    clock.advance(25);
    expect(fired).toEqual(['a@10', 'c@10', 'e@10 (set at 10 with 0 ms)', 'b@20', 'd@20']);
    expect(clock.now()).toBe(25);
    expect(clock.pending).toBe(1);
    clock.advance(5);
    expect(fired.at(-1)).toBe('f@30');
    expect(clock.pending).toBe(0);
  });

  it('never fires a cleared timer, and time reaches each timer as it fires', () => {
    const clock = new VirtualClock(1000);
    const at: number[] = [];
    const handles = Array.from({ length: 5000 }, (_, i) => clock.setTimeout(() => at.push(clock.now()), i));
    // Clear most of them: enough to make the clock compact its queue on the way.
    for (let i = 0; i < 5000; i++) if (i % 7 !== 0) clock.clearTimeout(handles[i]);
    clock.clearTimeout(undefined);
    expect(clock.pending).toBe(Math.ceil(5000 / 7));
    clock.advance(10_000);
    expect(at).toEqual(Array.from({ length: Math.ceil(5000 / 7) }, (_, k) => 1000 + 7 * k));
    expect(clock.pending).toBe(0);
  });

  it('handles 200,000 timers set, half cleared and fired in seconds, not minutes (a 100k-pod simulation)', () => {
    const clock = new VirtualClock(0);
    let n = 0;
    const t = performance.now();
    const handles = [];
    // Pseudo-random due times: a sorted array would shift/splice O(n) per timer (minutes at this count).
    for (let i = 0; i < 200_000; i++) handles.push(clock.setTimeout(() => n++, (i * 7919) % 60_000));
    for (let i = 0; i < 200_000; i += 2) clock.clearTimeout(handles[i]);
    clock.advance(60_000);
    expect(n).toBe(100_000);
    // ~0.3 s idle; the sorted array it replaced took minutes (shift, splice and findIndex are O(n) each).
    expect(performance.now() - t).toBeLessThan(10_000);
  });
});
