/**
 * A new revision must run clean for REVISION_BAKE_SECONDS before it counts as the healthy one: a rollout whose pods
 * run minutes before they start crashing is still rolled back to the revision before it, not restarted.
 */
import { describe, expect, it } from 'vitest';
import { REVISION_BAKE_SECONDS } from '../../src/policy/history.js';
import { deployment, metrics, observation, pod, sec } from './builders.js';
import { run } from './cycles.js';

/**
 * Revision 1 runs clean until the rollout at 300 s; revision 2's pods run ready until `crashAt`, then crash every
 * 30 s after a short run (a slow loop by the third restart, or at once with short runs).
 */
function world(crashAt: number) {
  return (t: number) => {
    const rev = t < 300 ? '1' : '2';
    const crashing = t >= crashAt;
    const restarts = crashing ? 3 + Math.floor((t - crashAt) / 30) : 0;
    const pods = [0, 1, 2].map((i) =>
      pod({
        name: `web-${rev}-${i}`,
        revision: rev,
        cpuMillicores: 75,
        restarts,
        ...(crashing ? { ready: false, reason: 'CrashLoopBackOff', lastRunSeconds: 20, lastTerminationReason: 'Error' } : {}),
      }),
    );
    const ready = pods.filter((p) => p.ready).length;
    const d = deployment({
      revision: rev,
      ...(rev === '2' ? { previousRevision: '1', images: ['web:2'] } : {}),
      rolloutStartedAt: sec(rev === '1' ? -3600 : 300),
      readyReplicas: ready,
    });
    return observation({ deployments: [d], pods, metrics: { 'demo/web': metrics(Math.max(ready, 1), 75) } });
  };
}

const ROLLBACK = { namespace: 'demo', deployment: 'web', toRevision: 1 };

describe('revision bake before a new revision counts as healthy', () => {
  it.each([
    { name: 'crashing 5 minutes after the rollout → rolled back to revision 1', crashAt: 600, want: 'rollback', args: ROLLBACK },
    { name: 'crashing 9 minutes after the rollout → still rolled back', crashAt: 300 + REVISION_BAKE_SECONDS - 60, want: 'rollback', args: ROLLBACK },
    {
      name: 'crashing after the new revision ran clean for the whole bake → it is the healthy one now: restart, no rollback',
      crashAt: 300 + REVISION_BAKE_SECONDS + 120,
      want: 'restart',
      args: { namespace: 'demo', deployment: 'web' },
    },
  ])('$name', ({ crashAt, want, args }) => {
    const { acted } = run(world(crashAt), crashAt + 180);
    const mutations = acted.filter((d) => d.action === 'rollback' || d.action === 'restart');
    expect(mutations[0]).toMatchObject({ action: want, t: crashAt });
    expect(mutations[0]!.arguments).toEqual(args);
  });
});
