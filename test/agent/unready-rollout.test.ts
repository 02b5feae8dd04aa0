/**
 * A rollout whose pods run but never become Ready is rolled back once they stay unready past the deployment's
 * start-up budget (learned from its earlier rollouts; 5 min before any), in minutes, not at the progress deadline —
 * and only while the previous revision's pods are ready.
 */
import { describe, expect, it } from 'vitest';
import { emptyHistory } from '../../src/policy/history.js';
import type { Observation, PodView } from '../../src/policy/observation.js';
import { DEFAULT_STARTUP_BUDGET_SECONDS } from '../../src/policy/startup-budget.js';
import { deployment, metrics, observation, pod, sec } from './builders.js';
import { run } from './cycles.js';

interface Rollout {
  /** When the revision started rolling out (s). */
  at: number;
  revision: number;
  /** Seconds its pods need to become ready; Infinity = never. */
  readyAfter: number;
}

/**
 * web with 3 replicas. During a rollout one new pod is surged (maxSurge 1) and the 3 old ones serve until it is
 * ready; then the new revision takes over (complete). `oldReady` false: a dependency is down, nothing is ready.
 */
function world(rollouts: Rollout[], oldReady = true) {
  return (t: number): Observation => {
    const current = rollouts.filter((r) => r.at <= t).at(-1)!;
    const previous = rollouts[rollouts.indexOf(current) - 1];
    const ready = t - current.at >= current.readyAfter;
    const rev = String(current.revision);
    const mk = (o: Partial<PodView>, i: number) => pod({ name: `web-${o.revision}-${i}`, cpuMillicores: 50, createdAt: sec(current.at), ...o });
    let pods: PodView[];
    if (ready || !previous) pods = [0, 1, 2].map((i) => mk({ revision: rev, ready: true, createdAt: sec(current.at) }, i));
    else
      pods = [
        ...[0, 1, 2].map((i) => mk({ revision: String(previous.revision), ready: oldReady, createdAt: sec(previous.at) }, i)),
        mk({ revision: rev, ready: false }, 9),
      ];
    const d = deployment({
      replicas: 3,
      readyReplicas: pods.filter((p) => p.ready).length,
      updatedReplicas: ready || !previous ? 3 : 1,
      revision: rev,
      previousRevision: previous ? String(previous.revision) : undefined,
      rolloutStartedAt: sec(current.at),
    });
    return observation({ deployments: [d], pods, metrics: { 'demo/web': metrics(pods.filter((p) => p.ready).length || 1, 50) } });
  };
}

const rollbacks = (log: Array<{ action: string; t: number; arguments?: Record<string, unknown> }>) => log.filter((d) => d.action === 'rollback');

describe('unready rollout', () => {
  it(`with nothing learned: rolled back once unready past the ${DEFAULT_STARTUP_BUDGET_SECONDS}s default budget, not at the progress deadline`, () => {
    const w = world([
      { at: -86_400, revision: 1, readyAfter: 0 },
      { at: 0, revision: 2, readyAfter: Infinity },
    ]);
    const { log } = run(w, 900, undefined, 30, emptyHistory());
    const rb = rollbacks(log);
    expect(rb[0]).toMatchObject({ t: 300, arguments: { toRevision: 1 }, reason: 'BadRollout' });
    expect(rb[0]).toHaveProperty('message', expect.stringMatching(/Running but not Ready for 300s, past its start-up budget of 300s/));
  });

  it('learned: 3× the time its last rollout took to become ready (at least 2 min) — here 2 min', () => {
    const w = world([
      { at: -86_400, revision: 1, readyAfter: 0 },
      { at: 0, revision: 2, readyAfter: 25 },
      { at: 600, revision: 3, readyAfter: Infinity },
    ]);
    const { log, history } = run(w, 1200, undefined, 10, emptyHistory());
    expect(history.startup?.['demo/web']?.learned).toEqual([30]);
    const rb = rollbacks(log);
    expect(rb[0]).toMatchObject({ t: 600 + 120, arguments: { toRevision: 2 } });
  });

  it('a slow but healthy start inside the learned budget is left alone', () => {
    const w = world([
      { at: -86_400, revision: 1, readyAfter: 0 },
      { at: 0, revision: 2, readyAfter: 80 },
      { at: 600, revision: 3, readyAfter: 200 },
    ]);
    const { log } = run(w, 1200, undefined, 10, emptyHistory());
    expect(rollbacks(log)).toEqual([]);
  });

  it('a dependency down (the previous revision unready too) is no bad rollout: no rollback, no restart', () => {
    const w = world(
      [
        { at: -86_400, revision: 1, readyAfter: 0 },
        { at: 0, revision: 2, readyAfter: Infinity },
      ],
      false,
    );
    const { acted } = run(w, 900, undefined, 30, emptyHistory());
    expect(acted.filter((d) => d.action === 'rollback' || d.action === 'restart')).toEqual([]);
  });
});

describe('restarts never where a restart cannot help', () => {
  const dep = deployment({ readyReplicas: 0 });
  it.each([
    { name: 'image pull errors', p: { ready: false, phase: 'Pending' as const, reason: 'ImagePullBackOff' } },
    { name: 'unschedulable pods', p: { ready: false, phase: 'Pending' as const, scheduled: false, reason: 'Unschedulable' } },
    { name: 'a dependency down (all pods unready, no crashes)', p: { ready: false, createdAt: sec(-3600) } },
  ])('$name', ({ p }) => {
    const w = () => observation({ deployments: [dep], pods: [0, 1, 2].map((i) => pod({ name: `web-${i}`, ...p })) });
    const { acted } = run(w, 3600, undefined, 60, emptyHistory());
    expect(acted.filter((d) => d.action === 'restart' || d.action === 'delete_pod')).toEqual([]);
  });
});
