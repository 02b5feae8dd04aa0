/**
 * The runner end to end in real time: the agent loop (1 s interval) as an MCP client of the server, the server on
 * the simulator over HTTP. A crash is healed and its incident resolved with an MTTR; a bad rollout is rolled back;
 * dry-run records "would have done" and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { R } from '../../src/sim/resources.js';
import { type World, startWorld, until } from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const image = (w: World) => w.sim.store.get(R.deployments, 'demo', 'nginx-demo')?.spec?.template?.spec?.containers?.[0]?.image;

describe('agent runner on the real-time simulator', () => {
  it('a crashed pod: detected, healed, incident resolved with MTTR; the audit says caller agent', async () => {
    world = await startWorld();
    const { runner, cycles } = await world.runner();
    runner.start();
    await until(() => cycles.length >= 2, 10_000, 'two baseline cycles');
    expect(cycles.every((c) => !c.error)).toBe(true);
    world.sim.faults.inject({ fault: 'crash-pod', deployment: 'demo/nginx-demo' });
    const opened = await until(() => cycles.flatMap((c) => c.incidents?.opened ?? [])[0], 15_000, 'incident opened');
    expect(opened).toMatchObject({ namespace: 'demo', target: 'nginx-demo' });
    const resolved = await until(() => cycles.flatMap((c) => c.incidents?.resolved ?? []).find((i) => i.id === opened.id), 20_000, 'incident resolved');
    expect(resolved.mttrSeconds).toBeGreaterThan(0);
    const stored = world.runtime.deps.store.incidents.get(opened.id)!;
    expect(stored.outcome).toBe('resolved');
    expect(stored.resolvedAt).not.toBeNull();
    // A single crash is the kubelet's to heal: the agent watched, it did not thrash.
    expect(cycles.flatMap((c) => c.results)).toEqual([]);
    expect(world.runtime.deps.store.audit.list({ tool: 'log_incident' }).every((a) => a.caller === 'agent')).toBe(true);
  });

  it('a bad image rollout is rolled back to the previous image', async () => {
    world = await startWorld();
    const { runner, cycles } = await world.runner();
    runner.start();
    await until(() => cycles.length >= 2, 10_000, 'two baseline cycles');
    world.sim.faults.inject({ fault: 'bad-image-rollout', deployment: 'demo/nginx-demo' });
    expect(image(world)).toBe('nginx:does-not-exist');
    const rollback = await until(() => cycles.flatMap((c) => c.results).find((a) => a.tool === 'rollback_deployment'), 20_000, 'rollback');
    expect(rollback).toMatchObject({ ok: true, arguments: { namespace: 'demo', deployment: 'nginx-demo', toRevision: 1 }, verification: { ok: true } });
    expect(image(world)).toBe('nginx:1.27');
    const audit = world.runtime.deps.store.audit.list({ tool: 'rollback_deployment' });
    expect(audit).toMatchObject([{ caller: 'agent', ok: true, dryRun: false }]);
    await until(() => cycles.flatMap((c) => c.incidents?.resolved ?? []).some((i) => i.type === 'image_pull_error'), 20_000, 'incident resolved');
  });

  it('an agent that starts during a bad rollout rolls it back: the old pods still serving are the evidence', async () => {
    world = await startWorld();
    world.sim.faults.inject({ fault: 'bad-image-rollout', deployment: 'demo/nginx-demo' });
    expect(image(world)).toBe('nginx:does-not-exist');
    // Started only now, it never saw revision 1 healthy; the pods of revision 1 it sees ready tell it so.
    const { runner, cycles } = await world.runner();
    runner.start();
    const rollback = await until(() => cycles.flatMap((c) => c.results).find((a) => a.tool === 'rollback_deployment'), 20_000, 'rollback');
    expect(rollback).toMatchObject({ ok: true, arguments: { namespace: 'demo', deployment: 'nginx-demo', toRevision: 1 } });
    expect(cycles.flatMap((c) => c.decisions).find((d) => d.action === 'rollback')?.message).toContain('pods of revision 1 are still ready');
    expect(image(world)).toBe('nginx:1.27');
  });

  it('dry-run: the same decision recorded as "would have done", nothing changes', async () => {
    world = await startWorld({ agent: { dryRun: true } });
    const { runner, cycles } = await world.runner();
    runner.start();
    await until(() => cycles.length >= 2, 10_000, 'two baseline cycles');
    world.sim.faults.inject({ fault: 'bad-image-rollout', deployment: 'demo/nginx-demo' });
    const would = await until(() => cycles.flatMap((c) => c.results).find((a) => a.tool === 'rollback_deployment'), 20_000, 'dry-run rollback');
    expect(would).toMatchObject({ ok: true, dryRun: true });
    expect(would.message).toMatch(/^dry run: would/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(image(world)).toBe('nginx:does-not-exist');
    const audit = world.runtime.deps.store.audit.list({ tool: 'rollback_deployment' });
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((a) => a.dryRun && a.caller === 'agent')).toBe(true);
    const inc = world.runtime.deps.store.incidents.list({ type: 'image_pull_error' })[0]!;
    expect(inc.acknowledgedAt).toBeNull();
    expect(inc.details.wouldHaveDone).toMatchObject([{ tool: 'rollback_deployment', ok: true }]);
  });
});
