/**
 * Recovery assist: once the crash cause has cleared (a pod of the crash-looping revision that crashed has since run
 * ready across two checks, and nothing crashed meanwhile), the pods still waiting out a kubelet back-off are deleted
 * once. Every other shape of the world — still crashing, no witness, a flapping witness, a spent budget — must not.
 */
import { describe, expect, it } from 'vitest';
import type { Observation, PodView } from '../../src/policy/observation.js';
import { type AgentPolicy, DEFAULT_POLICY } from '../../src/policy/settings.js';
import { deployment, observation, pod, sec } from './builders.js';
import { run } from './cycles.js';

const waiting = (name: string, o: Partial<PodView> = {}) =>
  pod({ name, ready: false, reason: 'CrashLoopBackOff', restarts: 6, lastTerminationReason: 'Error', lastTerminatedAt: sec(-30), ...o });

/** web-1..3 crash-loop until `clearAt`; from then on `witness(t)` describes web-1 and web-2/web-3 are `others(t)`. */
function world(clearAt: number, witness: (t: number) => Partial<PodView>, others: (t: number, name: string) => Partial<PodView> = () => ({})) {
  return (t: number): Observation => {
    const pods =
      t < clearAt
        ? ['web-1', 'web-2', 'web-3'].map((n) => waiting(n))
        : [pod({ name: 'web-1', restarts: 7, ...witness(t) }), waiting('web-2', others(t, 'web-2')), waiting('web-3', others(t, 'web-3'))];
    const ready = pods.filter((p) => p.ready).length;
    return observation({ deployments: [deployment({ readyReplicas: ready })], pods });
  };
}

const assists = (log: ReturnType<typeof run>['acted']) => log.filter((d) => d.reason === 'RecoveryAssist');

describe('recovery assist', () => {
  it('deletes the pods still in back-off once a crashed pod has run ready for a minute with no crash anywhere', () => {
    const { acted } = run(
      world(120, () => ({})),
      1800,
    );
    const got = assists(acted);
    expect(got.map((d) => `${d.t}:${String(d.arguments?.pod)}`)).toEqual(['180:web-2', '180:web-3']);
    expect(got[0]).toMatchObject({ action: 'delete_pod', tool: 'delete_pod', arguments: { namespace: 'demo', pod: 'web-2' }, findingType: 'crash_loop' });
    expect(got[0]!.message).toContain('web-1');
    // Only the one restart (after a confirming cycle, all pods on one node) preceded it; none after the assist.
    expect(acted.filter((d) => d.action === 'restart').map((d) => d.t)).toEqual([60]);
  });

  it.each([
    {
      name: 'another pod crashed within the evidence window (the cause is still there)',
      witness: () => ({}),
      others: (t: number, n: string) => (n === 'web-3' ? { lastTerminatedAt: sec(t) - 20_000 } : {}),
    },
    { name: 'the ready pod never crashed (no evidence about the cause)', witness: () => ({ restarts: 0 }) },
    { name: 'the ready pod is of another revision (a rollout, not a cleared cause)', witness: () => ({ revision: '0' }) },
    { name: 'the ready pod restarts between checks (flapping, never ran a minute)', witness: (t: number) => ({ restarts: 7 + t / 60 }) },
    { name: 'the ready pod is ready at one check only', witness: (t: number) => (t % 120 === 0 ? {} : { ready: false, reason: 'CrashLoopBackOff' }) },
  ])('no assist when $name', ({ witness, others }) => {
    const { acted } = run(world(120, witness, others), 3600);
    expect(assists(acted)).toEqual([]);
  });

  it('once per incident: pods that stay in back-off after the assist are not deleted again', () => {
    // The deleted pods' replacements keep the same names here, so a second assist would show up as a repeat.
    const { acted } = run(
      world(120, () => ({})),
      7200,
    );
    expect(assists(acted)).toHaveLength(2);
    expect(acted.filter((d) => d.action === 'delete_pod')).toHaveLength(2);
  });

  it('respects the action cap: with the budget spent on restarts there is no assist', () => {
    const policy: AgentPolicy = {
      ...DEFAULT_POLICY,
      healing: { ...DEFAULT_POLICY.healing, maxActionsPerTarget: 1 },
    };
    // The one restart at 0 spends the cap of 1 per 30 minutes before the cause clears at 600.
    const { acted } = run(
      world(600, () => ({})),
      1500,
      policy,
    );
    expect(acted.filter((d) => d.action === 'restart').length).toBe(policy.healing.maxActionsPerTarget);
    expect(assists(acted)).toEqual([]);
  });

  it('assists only within the room the cap leaves', () => {
    const policy: AgentPolicy = { ...DEFAULT_POLICY, healing: { ...DEFAULT_POLICY.healing, maxActionsPerTarget: 2 } };
    const { acted } = run(
      world(120, () => ({})),
      600,
      policy,
    );
    expect(assists(acted).map((d) => String(d.arguments?.pod))).toEqual(['web-2']);
  });

  it('a crash loop that never clears, two hours long: no assist, the cap per window holds and at most 4 mutations in any hour', () => {
    // Pods come up ready now and then but crash again before the next check: the shape of a cause that persists.
    const flapping = (t: number) =>
      t % 300 === 0 ? { restarts: 7 + t / 60 } : { ready: false, reason: 'CrashLoopBackOff', restarts: 7 + t / 60, lastTerminatedAt: sec(t) };
    const { acted } = run(world(0, flapping), 7200);
    expect(assists(acted)).toEqual([]);
    const mutations = acted.filter((d) => d.action === 'restart' || d.action === 'delete_pod').map((d) => d.t);
    const within = (t: number, seconds: number) => mutations.filter((u) => u > t - seconds && u <= t).length;
    expect(mutations.length).toBeGreaterThan(0);
    for (const t of mutations) {
      expect(within(t, DEFAULT_POLICY.healing.actionWindowSeconds)).toBeLessThanOrEqual(DEFAULT_POLICY.healing.maxActionsPerTarget);
      expect(within(t, 3600)).toBeLessThanOrEqual(4);
    }
  });
});
