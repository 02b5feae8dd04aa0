/**
 * The runner's overload check between cycles, on its own timer in real time: with a cycle interval of an hour, a
 * deployment whose demand jumps is still scaled once the metrics show it, by a cycle the check woke.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/policy/settings.js';
import { type World, startWorld, until } from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('runner overload check', () => {
  it('wakes a cycle between interval cycles when a deployment needs more replicas, and that cycle scales it', async () => {
    world = await startWorld({ agent: { intervalSeconds: 3600 } });
    const policy = { ...DEFAULT_POLICY, scaling: { ...DEFAULT_POLICY.scaling, overloadCheckSeconds: 1, maxReplicas: 10 } };
    const { runner, cycles } = await world.runner({ policy });
    runner.start();
    await until(() => cycles.length >= 1, 20_000, 'the first cycle');
    expect(await runner.overloadCheck()).toBeUndefined();
    world.sim.workload.setDemand('demo/nginx-demo', 5000);
    // metrics-server's view lags by one or two 15 s scrapes.
    const woken = await until(() => cycles.find((c) => c.trigger.startsWith('overload:')), 80_000, 'a cycle woken by the overload check');
    expect(woken.trigger).toMatch(/demo\/nginx-demo CPU \d+% of request/);
    expect(woken.results.some((r) => r.tool === 'scale_deployment' && r.ok)).toBe(true);
  }, 120_000);
});
