/**
 * Event-triggered cycles in real time: a trigger runs a cycle at once when the last one started long enough ago,
 * a burst of triggers makes one cycle, and triggers closer than minTriggerGapMs to the previous cycle wait for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type World, startWorld, until } from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runner triggers', () => {
  it('a burst is one cycle, held to the minimum gap after the previous one; a late trigger runs at once', async () => {
    world = await startWorld({ agent: { intervalSeconds: 3600 } });
    const gap = 1500;
    const { runner, cycles } = await world.runner({ minTriggerGapMs: gap });
    runner.start();
    await until(() => cycles.length >= 1, 10_000, 'the first cycle');
    const first = cycles[0]!;
    for (let i = 0; i < 5; i++) runner.trigger(`burst ${i}`);
    await until(() => cycles.length >= 2, 10_000, 'the triggered cycle');
    const second = cycles[1]!;
    expect(second.trigger).toBe('burst 0');
    // Timers may fire a millisecond before Date.now() says the delay has passed.
    expect(second.startedAt - first.startedAt).toBeGreaterThanOrEqual(gap - 5);
    await sleep(gap + 500);
    expect(cycles).toHaveLength(2);

    const at = Date.now();
    runner.trigger('late');
    await until(() => cycles.length >= 3, 10_000, 'the late cycle');
    expect(cycles[2]!.trigger).toBe('late');
    expect(cycles[2]!.startedAt - at).toBeLessThan(gap / 2);
  });
});
