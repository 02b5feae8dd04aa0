/**
 * The disruption budget's time rule on a real store: a disruption always counts for its first
 * DISRUPTION_SETTLE_SECONDS, then only while the deployment is not whole again, and never after
 * safety.disruptionWindowSeconds; pending intents count like settled ones, failed ones not at all.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { parseConfig } from '../../src/config/load.js';
import { assertDisruptionBudget, DISRUPTION_SETTLE_SECONDS, type Disruption } from '../../src/services/guard.js';
import { Store } from '../../src/store/index.js';

const T0 = Date.UTC(2026, 0, 1);
const clock = new VirtualClock(T0);
const store = Store.open(join(mkdtempSync(join(tmpdir(), 'sentinelops-budget-')), 'x.db'), clock);
afterAll(() => store.close());
const config = parseConfig({ safety: { disruptionWindowSeconds: 300 } });
const budget = (whole: boolean): Disruption => ({ workload: 'demo/web', pods: 1, limit: 1, reason: 'test', whole });
const check = (whole: boolean, at: number) => () => assertDisruptionBudget(config, store.audit, budget(whole), at);

describe('disruption budget over time', () => {
  it('a pending intent counts at once, whole or not', () => {
    store.audit.claim({ caller: 't', tool: 'delete_pod', target: 'pod/demo/web-1', arguments: {}, at: T0, workload: 'demo/web', pods: 1 }, () => {});
    expect(check(true, T0 + 1000)).toThrow(/already had 1 pod\(s\) deleted or crashed in the last 30s; 1 more would exceed its disruption budget of 1/);
    expect(check(false, T0 + 1000)).toThrow(/in the last 300s and is not fully ready again/);
  });

  it('after the settle time it counts only while the deployment is not whole again', () => {
    const later = T0 + (DISRUPTION_SETTLE_SECONDS + 1) * 1000;
    expect(check(true, later)).not.toThrow();
    expect(check(false, later)).toThrow(/not fully ready again/);
  });

  it('after the window it no longer counts; a failed change never did', () => {
    expect(check(false, T0 + 301_000)).not.toThrow();
    const failed = store.audit.claim(
      { caller: 't', tool: 'delete_pod', target: 'pod/demo/web-2', arguments: {}, at: T0 + 400_000, workload: 'demo/web', pods: 1 },
      () => {},
    );
    store.audit.settle(failed.id, { ok: false, error: 'the API refused' });
    expect(check(false, T0 + 401_000)).not.toThrow();
  });
});
