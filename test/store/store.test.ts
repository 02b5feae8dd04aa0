import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { Store, type IncidentEvent } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { computeIncidentStats } from '../../src/store/stats.js';
import type { Incident } from '../../src/store/types.js';

const T0 = Date.UTC(2026, 0, 1);
const stores: Store[] = [];
function open(path = join(mkdtempSync(join(tmpdir(), 'sentinelops-store-')), 'db', 'x.db'), clock = new VirtualClock(T0)) {
  const s = Store.open(path, clock);
  stores.push(s);
  return { store: s, clock, path };
}
afterEach(() => stores.splice(0).forEach((s) => s.close()));

describe('store', () => {
  it('creates the file in WAL mode with synchronous=FULL and records migrations', () => {
    const { store, path } = open();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    store.close();
    const raw = new Database(path);
    const applied = () => raw.prepare('SELECT version FROM migrations ORDER BY version').all();
    expect(applied()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    raw.close();
    // Reopening applies nothing twice (a duplicate version would violate the primary key).
    open(path).store.close();
    const again = new Database(path);
    expect(again.prepare('SELECT COUNT(*) AS n FROM migrations').get()).toEqual({ n: MIGRATIONS.length });
    again.close();
  });

  it('opens, acts on and resolves incidents, emitting events', () => {
    const { store, clock } = open();
    const events: IncidentEvent[] = [];
    store.incidents.events.on('incident', (e) => events.push(e));
    const inc = store.incidents.open({
      type: 'crash_loop',
      severity: 'high',
      namespace: 'demo',
      target: 'web',
      title: 'web crash-looping',
      details: { pods: 2 },
    });
    expect(inc).toMatchObject({ id: 'inc-1', outcome: 'open', acknowledgedAt: null, resolvedAt: null, details: { pods: 2 }, actions: [] });
    expect(inc.detectedAt).toBe(new Date(T0).toISOString());
    clock.advance(30_000);
    const acted = store.incidents.addAction(inc.id, {
      tool: 'restart_deployment',
      arguments: { deployment: 'web' },
      ok: true,
      result: { ok: 1 },
      reason: 'restart once',
    })!;
    expect(acted.acknowledgedAt).toBe(new Date(T0 + 30_000).toISOString());
    expect(acted.actions).toEqual([
      {
        at: new Date(T0 + 30_000).toISOString(),
        tool: 'restart_deployment',
        arguments: { deployment: 'web' },
        ok: true,
        result: { ok: 1 },
        reason: 'restart once',
      },
    ]);
    clock.advance(30_000);
    const resolved = store.incidents.resolve(inc.id)!;
    expect(resolved.outcome).toBe('resolved');
    expect(resolved.resolvedAt).toBe(new Date(T0 + 60_000).toISOString());
    expect(events.map((e) => e.kind)).toEqual(['opened', 'updated', 'resolved']);
    expect(store.incidents.get('inc-999')).toBeUndefined();
    expect(store.incidents.get('nonsense')).toBeUndefined();
    expect(store.incidents.addAction('inc-999', { tool: 'x', arguments: {}, ok: true, reason: '' })).toBeUndefined();
  });

  it('lists newest first with filters and finds the open incident of a target', () => {
    const { store, clock } = open();
    store.incidents.open({ type: 'cpu_overload', severity: 'medium', namespace: 'demo', target: 'a', title: 'a' });
    clock.advance(1000);
    const b = store.incidents.open({ type: 'crash_loop', severity: 'high', namespace: 'prod', target: 'b', title: 'b' });
    expect(store.incidents.list().map((i) => i.target)).toEqual(['b', 'a']);
    expect(store.incidents.list({ namespace: 'demo' }).map((i) => i.target)).toEqual(['a']);
    expect(store.incidents.list({ since: T0 + 500 }).map((i) => i.target)).toEqual(['b']);
    expect(store.incidents.list({ limit: 1 })).toHaveLength(1);
    expect(store.incidents.findOpen('crash_loop', 'prod', 'b')?.id).toBe(b.id);
    store.incidents.resolve(b.id);
    expect(store.incidents.findOpen('crash_loop', 'prod', 'b')).toBeUndefined();
  });

  it('audits with before/after and knows the last real change of a target', () => {
    const { store, clock } = open();
    store.audit.record({
      caller: 'claude',
      tool: 'scale_deployment',
      target: 'deployment/demo/web',
      arguments: { replicas: 3 },
      before: { replicas: 2 },
      after: { replicas: 3 },
      ok: true,
    });
    clock.advance(5000);
    store.audit.record({ caller: 'claude', tool: 'scale_deployment', target: 'deployment/demo/web', arguments: { replicas: 4 }, ok: true, dryRun: true });
    store.audit.record({
      caller: 'agent',
      tool: 'scale_deployment',
      target: 'deployment/demo/web',
      arguments: { replicas: 40 },
      ok: false,
      error: 'out of range',
    });
    const rows = store.audit.list();
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({ caller: 'claude', before: { replicas: 2 }, after: { replicas: 3 }, ok: true, dryRun: false, error: null });
    expect(rows[0]).toMatchObject({ caller: 'agent', ok: false, error: 'out of range', before: null });
    expect(store.audit.lastChangeAt('deployment/demo/web', 'scale_deployment')).toBe(T0);
    expect(store.audit.lastChangeAt('deployment/demo/web', 'rollback_deployment')).toBeUndefined();
    expect(store.audit.lastChangeAt('deployment/demo/other', 'scale_deployment')).toBeUndefined();
  });

  it('keeps replica history in time order', () => {
    const { store, clock } = open();
    store.replicas.record({ namespace: 'demo', deployment: 'web', replicas: 2, readyReplicas: 2 });
    clock.advance(60_000);
    store.replicas.record({ namespace: 'demo', deployment: 'web', replicas: 4, readyReplicas: 3 });
    store.replicas.record({ namespace: 'demo', deployment: 'api', replicas: 1, readyReplicas: 1 });
    expect(store.replicas.list({ deployment: 'web' }).map((s) => s.replicas)).toEqual([2, 4]);
    expect(store.replicas.list({ since: T0 + 1 })).toHaveLength(2);
  });
});

describe('computeIncidentStats', () => {
  const mk = (o: Partial<Incident> & { detected: number; resolved?: number }): Incident => ({
    id: 'inc-0',
    type: 'crash_loop',
    severity: 'high',
    namespace: 'demo',
    target: 'web',
    title: '',
    summary: '',
    acknowledgedAt: null,
    details: {},
    actions: [],
    ...o,
    detectedAt: new Date(T0 + o.detected * 1000).toISOString(),
    resolvedAt: o.resolved === undefined ? null : new Date(T0 + o.resolved * 1000).toISOString(),
    outcome: o.outcome ?? (o.resolved === undefined ? 'open' : 'resolved'),
  });

  it('computes MTTR percentiles, success with recurrence, counts', () => {
    const s = computeIncidentStats([
      mk({ detected: 0, resolved: 60 }), // recurs at 300 s (within 10 min) → not a success
      mk({ detected: 300, resolved: 420 }),
      mk({ type: 'cpu_overload', target: 'api', detected: 0, resolved: 30 }),
      mk({ type: 'oom_killed', target: 'db', detected: 0, outcome: 'escalated' }),
    ]);
    expect(s.total).toBe(4);
    expect(s.mttrSeconds).toEqual({ mean: 70, p50: 60, p95: 120, count: 3 });
    expect(s.recurred).toBe(1);
    expect(s.successRate).toBe(0.5);
    expect(s.byType).toEqual({ crash_loop: 2, cpu_overload: 1, oom_killed: 1 });
    expect(s.byOutcome).toMatchObject({ resolved: 3, escalated: 1, open: 0 });
  });

  it('is empty-safe', () => {
    expect(computeIncidentStats([])).toMatchObject({ total: 0, successRate: null, mttrSeconds: { mean: null, p50: null, p95: null, count: 0 } });
  });
});
