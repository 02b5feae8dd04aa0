/** The risk table: the action and its blast radius, not the tool name alone. */
import { describe, expect, it } from 'vitest';
import { assessRisk, type RiskInput, riskAtLeast } from '../../src/approvals/risk.js';

const base: RiskInput = {
  tool: 'scale_deployment',
  replicas: 4,
  readyReplicas: 4,
  replicaDelta: 1,
  podsRestarting: 0,
  podsRemoved: 0,
  shareUnavailable: 0,
  maxDisruptedShare: 0.5,
  withinBounds: true,
  criticalNamespace: false,
};

const cases: [string, Partial<RiskInput>, 'low' | 'medium' | 'high', RegExp][] = [
  ['scale up 4 → 5 within bounds', {}, 'low', /scale up by 1/],
  ['scale up 4 → 6 (exactly 50 %)', { replicaDelta: 2 }, 'low', /scale up by 2/],
  ['scale up 2 → 6 (200 %)', { replicas: 2, replicaDelta: 4 }, 'high', /more than 50 %/],
  ['scale up beyond the bounds', { replicaDelta: 1, withinBounds: false }, 'high', /outside the replica bounds/],
  ['scale down 4 → 3', { replicaDelta: -1, podsRemoved: 1 }, 'medium', /scale down by 1/],
  ['scale down 4 → 1 (75 %)', { replicaDelta: -3, podsRemoved: 3 }, 'high', /-3 is more than 50 %/],
  ['scale up in a critical namespace', { criticalNamespace: true }, 'high', /labelled critical/],
  [
    'restart with 3 ready, one at a time',
    { tool: 'restart_deployment', replicaDelta: 0, replicas: 3, readyReplicas: 3, podsRestarting: 3, shareUnavailable: 1 / 3 },
    'medium',
    /within the disruption budget/,
  ],
  [
    'restart with 1 ready',
    { tool: 'restart_deployment', replicaDelta: 0, replicas: 2, readyReplicas: 1, podsRestarting: 2, shareUnavailable: 0.5 },
    'high',
    /only 1 ready/,
  ],
  [
    'restart taking all pods down at once (Recreate)',
    { tool: 'restart_deployment', replicaDelta: 0, readyReplicas: 4, podsRestarting: 4, shareUnavailable: 1 },
    'high',
    /above the 50 % budget/,
  ],
  ['restart in a critical namespace', { tool: 'restart_deployment', replicaDelta: 0, shareUnavailable: 0.25, criticalNamespace: true }, 'high', /critical/],
  ['rollback, however small', { tool: 'rollback_deployment', replicaDelta: 0, podsRestarting: 4 }, 'high', /rollback replaces the pod template/],
  ['delete one pod of 4 ready', { tool: 'delete_pod', replicaDelta: 0, podsRemoved: 1, shareUnavailable: 0.25 }, 'medium', /3 other\(s\) are ready/],
  ['delete the last ready pod', { tool: 'delete_pod', replicaDelta: 0, readyReplicas: 1, podsRemoved: 1 }, 'high', /last ready pod/],
  ['a tool the table does not know', { tool: 'chaos_pod_crash', replicaDelta: 0 }, 'high', /not a change this table knows/],
];

describe('assessRisk', () => {
  it.each(cases)('%s → %s', (_name, patch, level, reason) => {
    const r = assessRisk({ ...base, ...patch });
    expect(r.level).toBe(level);
    expect(r.reasons.join('; ')).toMatch(reason);
  });

  it('orders the levels for the approval threshold', () => {
    expect(riskAtLeast('high', 'medium')).toBe(true);
    expect(riskAtLeast('medium', 'medium')).toBe(true);
    expect(riskAtLeast('low', 'medium')).toBe(false);
    expect(riskAtLeast('low', 'low')).toBe(true);
  });
});
