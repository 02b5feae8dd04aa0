/**
 * The state port on the SQLite backend (real files): idempotent open, across two connections too; intents settled
 * once; holds deduplicated with a count; agent state versions; and the same through log_incident over MCP.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { Store } from '../../src/store/index.js';

const T0 = Date.UTC(2026, 0, 1);
const stores: Store[] = [];
const file = () => join(mkdtempSync(join(tmpdir(), 'sentinelops-port-')), 'x.db');
function open(path = file(), clock = new VirtualClock(T0)) {
  const s = Store.open(path, clock);
  stores.push(s);
  return { store: s, clock, path };
}
afterEach(() => stores.splice(0).forEach((s) => s.close()));

const crash = { type: 'crash_loop', severity: 'high' as const, namespace: 'demo', target: 'web', title: 'web crash-looping' };

describe('state port (sqlite)', () => {
  it('open is idempotent on (type, namespace, target) while open or escalated, also from a second connection', async () => {
    const { store, path } = open();
    const other = open(path).store;
    const a = await store.state.incidents.open(crash);
    const b = await other.state.incidents.open(crash);
    expect(a.opened).toBe(true);
    expect(b).toMatchObject({ opened: false, incident: { id: a.incident.id } });
    await store.state.incidents.update(a.incident.id, { outcome: 'escalated' });
    expect((await other.state.incidents.open(crash)).opened).toBe(false);
    // Another target or type is another incident; a resolved one no longer holds the key.
    expect((await store.state.incidents.open({ ...crash, target: 'api' })).opened).toBe(true);
    await store.state.incidents.resolve(a.incident.id);
    const again = await other.state.incidents.open(crash);
    expect(again.opened).toBe(true);
    expect(again.incident.id).not.toBe(a.incident.id);
    expect((await store.state.incidents.list({ target: 'web' })).length).toBe(2);
  });

  it('holds repeated every cycle are one entry with a count and the last time seen', async () => {
    const { store, clock } = open();
    const { incident } = await store.state.incidents.open(crash);
    for (let i = 0; i < 5; i++) {
      await store.state.incidents.hold(incident.id, { reason: 'Cooldown', message: `retry in ${60 - i}s`, tool: 'restart_deployment' });
      clock.advance(15_000);
    }
    await store.state.incidents.hold(incident.id, { reason: 'CircuitBreakerOpen', message: 'breaker open' });
    const timeline = (await store.state.incidents.get(incident.id))!.timeline!;
    expect(timeline).toHaveLength(2);
    expect(timeline[0]).toMatchObject({
      kind: 'hold',
      reason: 'Cooldown',
      count: 5,
      message: 'retry in 56s',
      at: new Date(T0).toISOString(),
      lastSeen: new Date(T0 + 4 * 15_000).toISOString(),
      state: 'held',
    });
    expect(timeline[1]).toMatchObject({ reason: 'CircuitBreakerOpen', count: 1 });
    // A hold does not acknowledge the incident: nothing was done.
    expect((await store.state.incidents.get(incident.id))!.acknowledgedAt).toBeNull();
  });

  it('an intent is pending until settled, settles once, and acknowledges the incident', async () => {
    const { store } = open();
    const { incident } = await store.state.incidents.open(crash);
    const r = (await store.state.incidents.intend(incident.id, {
      tool: 'restart_deployment',
      arguments: { deployment: 'web' },
      reason: 'CrashLoopRestart',
      message: 'restart',
      observation: { revision: 2 },
    }))!;
    expect(r.incident.acknowledgedAt).not.toBeNull();
    expect(r.incident.timeline).toMatchObject([{ entry: r.entry, kind: 'intent', state: 'pending', ok: null, observation: { revision: 2 } }]);
    const settled = await store.state.incidents.settleIntent(incident.id, r.entry, { ok: true, result: { message: 'done' } });
    expect(settled!.timeline![0]).toMatchObject({ state: 'settled', ok: true, result: { message: 'done' } });
    expect(await store.state.incidents.settleIntent(incident.id, r.entry, { ok: false })).toBeUndefined();
    expect(await store.state.incidents.settleIntent('inc-999', r.entry, { ok: false })).toBeUndefined();
  });

  it('agent state: versioned, a stale save is refused with the current version, too large is refused', async () => {
    const { store, path } = open();
    const other = open(path).store;
    expect(await store.state.agentState.load('agent')).toBeUndefined();
    expect(await store.state.agentState.save('agent', { n: 1 }, 0)).toEqual({ ok: true, version: 1 });
    expect(await other.state.agentState.save('agent', { n: 2 }, 1)).toEqual({ ok: true, version: 2 });
    expect(await store.state.agentState.save('agent', { n: 3 }, 1)).toEqual({ ok: false, conflict: true, version: 2 });
    expect(await store.state.agentState.load('agent')).toMatchObject({ version: 2, document: { n: 2 } });
    await expect(store.state.agentState.save('agent', { big: 'x'.repeat(600 * 1024) })).rejects.toThrow(/at most/);
    expect((await store.state.agentState.load('agent'))!.version).toBe(2);
  });

  it('audit claim runs the check against the view and writes nothing when it refuses', async () => {
    const { store } = open();
    const intent = { caller: 't', tool: 'scale_deployment', target: 'deployment/demo/web', arguments: {} };
    await store.state.audit.claim(intent, (v) => expect(v.lastChangeAt('deployment/demo/web', 'scale_deployment')).toBeUndefined());
    await expect(
      store.state.audit.claim(intent, (v) => {
        if (v.lastChangeAt('deployment/demo/web', 'scale_deployment') !== undefined) throw new Error('cooldown');
      }),
    ).rejects.toThrow('cooldown');
    expect(await store.state.audit.pending()).toHaveLength(1);
  });
});
