/** History survives a process: historyToJSON → JSON text → historyFromJSON gives the same value, bounded. */
import { describe, expect, it } from 'vitest';
import { HISTORY_LIMITS, type History, emptyHistory, historyFromJSON, historyToJSON } from '../../src/policy/history.js';

const T = Date.UTC(2026, 0, 1);

function rich(): History {
  return {
    actions: [
      { at: T, action: 'scale', targetKey: 'demo/web', findingType: 'cpu_overload', from: 3, to: 5, observed: 92.5 },
      { at: T + 60_000, action: 'restart', targetKey: 'demo/api', findingType: 'crash_loop' },
      { at: T + 90_000, action: 'delete_pod', targetKey: 'demo/api', pod: 'api-1' },
    ],
    recommendations: {
      'demo/web': [
        { at: T, replicas: 5 },
        { at: T + 15_000, replicas: 4 },
      ],
    },
    incidents: {
      'crash_loop:demo/api': {
        type: 'crash_loop',
        kind: 'deployment',
        namespace: 'demo',
        target: 'api',
        openedAt: T,
        lastSeenAt: T + 60_000,
        severity: 'high',
        escalations: 1,
        lastEscalatedAt: T + 30_000,
      },
    },
    healthyRevisions: { 'demo/web': { revision: '3', at: T } },
    readySince: { 'demo/web-1': { restarts: 2, since: T } },
    memory: {
      'demo/web-1': {
        restarts: 2,
        samples: [
          { at: T, bytes: 1e8, cpu: 50 },
          { at: T + 30_000, bytes: 1.2e8 },
        ],
      },
    },
    revisionCandidates: { 'demo/web': { revision: '4', since: T + 10_000 } },
    leaks: { 'demo/leaky': { since: T, lastSeenAt: T + 60_000 } },
  } as History;
}

describe('History persistence', () => {
  it('round-trips through JSON text unchanged', () => {
    const h = rich();
    const text = JSON.stringify(historyToJSON(h));
    expect(historyFromJSON(JSON.parse(text))).toEqual(h);
    expect(historyFromJSON(historyToJSON(emptyHistory()))).toEqual(emptyHistory());
  });

  it('is bounded: the newest entries are kept', () => {
    const h = emptyHistory();
    h.actions = Array.from({ length: 2000 }, (_, i) => ({ at: T + i, action: 'scale' as const, targetKey: 'demo/web' }));
    h.recommendations = { 'demo/web': Array.from({ length: 5000 }, (_, i) => ({ at: T + i, replicas: i })) };
    const out = historyFromJSON(historyToJSON(h))!;
    expect(out.actions).toHaveLength(HISTORY_LIMITS.actions);
    expect(out.actions.at(-1)!.at).toBe(T + 1999);
    expect(out.recommendations['demo/web']).toHaveLength(HISTORY_LIMITS.recommendationsPerTarget);
    expect(Buffer.byteLength(JSON.stringify(historyToJSON(h)))).toBeLessThan(512 * 1024);
  });

  it('refuses what it cannot read (another format, garbage): the agent then starts blind', () => {
    expect(historyFromJSON({ format: 2, history: rich() })).toBeUndefined();
    expect(historyFromJSON(null)).toBeUndefined();
    expect(historyFromJSON({ format: 1, history: { actions: 'no' } })).toBeUndefined();
  });
});
