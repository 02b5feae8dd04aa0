/**
 * What a cycle leaves in the history for the stabilization window: interval cycles record every deployment's
 * recommendation; cycles started by failure events record only the ones they acted on.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { assess } from '../../src/policy/assess.js';
import { emptyHistory, observe, recordActions } from '../../src/policy/history.js';
import { DEFAULT_POLICY } from '../../src/policy/settings.js';
import { T0, deployment, metrics, observation, pod } from './builders.js';

describe('recordActions: recommendations for the stabilization window', () => {
  // Deployment a is overloaded (scaled up this cycle), b idles within tolerance (no action).
  const obs = observation({
    deployments: [deployment({ name: 'a' }), deployment({ name: 'b' })],
    pods: [
      ...[0, 1, 2].map((i) => pod({ name: `a-${i}`, ownerDeployment: 'a', cpuMillicores: 150 })),
      ...[0, 1, 2].map((i) => pod({ name: `b-${i}`, ownerDeployment: 'b', cpuMillicores: 80 })),
    ],
    metrics: { 'demo/a': metrics(3, 150), 'demo/b': metrics(3, 80) },
  });
  const h = observe(emptyHistory(), obs, assess(obs, emptyHistory(), T0, DEFAULT_POLICY), T0);
  const decisions = decide(assess(obs, emptyHistory(), T0, DEFAULT_POLICY), obs, DEFAULT_POLICY, h, T0);

  it('an interval cycle records both', () => {
    expect(decisions.filter((d) => d.scaling).map((d) => `${d.target}:${d.action}`)).toEqual(['a:scale', 'b:none']);
    const r = recordActions(h, decisions, T0).recommendations;
    expect(Object.keys(r).sort()).toEqual(['demo/a', 'demo/b']);
  });

  it('an event-triggered cycle records only the deployment it scaled', () => {
    const r = recordActions(h, decisions, T0, { allRecommendations: false }).recommendations;
    expect(r).toEqual({ 'demo/a': [{ at: T0, replicas: 6 }] });
  });
});
