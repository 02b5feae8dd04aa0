/**
 * Consent and ownership: the agent never changes replicas another controller owns, and never scales below the
 * count a person set without consent — it scales up under overload and comes back to that count.
 */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/policy/decision.js';
import { DEFAULT_POLICY } from '../../src/policy/settings.js';
import { SENTINELOPS_FIELD_MANAGER } from '../../src/policy/consent.js';
import { FIELD_MANAGER } from '../../src/k8s/client.js';
import type { DeploymentView } from '../../src/policy/observation.js';
import { loaded, observation, sec } from './builders.js';
import { cycle, run } from './cycles.js';
import { emptyHistory } from '../../src/policy/history.js';

/** `replicas` pods at `cpu` % of request, the deployment as `d` says (no consent unless given). */
function world(replicas: number, cpu: number, d: Partial<DeploymentView> = {}) {
  const l = loaded(replicas, cpu, { scaleDownOptIn: false, ...d });
  return observation({ deployments: [l.deployment], pods: l.pods, metrics: { 'demo/web': l.metrics } });
}

/** Cycles every 60 s against a world whose replica count follows the agent's scale actions; CPU demand in millicores. */
function closedLoop(start: number, demand: (t: number) => number, until: number, person: (t: number) => number | undefined = () => undefined) {
  let replicas = start;
  let history = emptyHistory();
  const counts: number[] = [];
  const scales: Decision[] = [];
  for (let t = 0; t < until; t += 60) {
    replicas = person(t) ?? replicas;
    const obs = { ...world(replicas, Math.round(demand(t) / replicas)), at: sec(t) };
    const r = cycle(obs, DEFAULT_POLICY, history, sec(t));
    history = r.history;
    for (const x of r.decisions) {
      if (x.action !== 'scale') continue;
      scales.push(x);
      replicas = Number(x.arguments?.replicas);
    }
    counts.push(replicas);
  }
  return { counts, scales };
}

describe('ownership', () => {
  it.each(['HorizontalPodAutoscaler demo/web', 'KEDA ScaledObject demo/web', 'Argo CD (field manager argocd-controller applies spec.replicas)'])(
    'replicas owned by %s are never changed, even under overload; the hold names the owner',
    (owner) => {
      const { log } = run(() => world(3, 300, { replicasOwner: owner }), 300);
      const scaling = log.filter((d) => d.target === 'web' && (d.action === 'scale' || d.reason === 'ReplicasOwned'));
      expect(scaling.every((d) => d.action === 'none')).toBe(true);
      expect(scaling[0]!.message).toContain(owner);
    },
  );
});

describe('the count a person set', () => {
  it('without consent: no scale-down at first sight of an idle deployment', () => {
    const { acted, log } = run(() => world(3, 10), 600);
    expect(acted.filter((d) => d.action === 'scale')).toEqual([]);
    expect(log.at(-1)).toMatchObject({ action: 'none', reason: 'PersonsCount' });
  });

  it('with consent (config, deployment or namespace annotation): the idle deployment scales down', () => {
    const consented = { ...DEFAULT_POLICY, scaling: { ...DEFAULT_POLICY.scaling, scaleDownBelowDesired: true } };
    expect(run(() => world(3, 10), 60, consented).acted[0]).toMatchObject({ action: 'scale', arguments: { replicas: 2 } });
    expect(run(() => world(3, 10, { scaleDownOptIn: true }), 60).acted[0]).toMatchObject({ action: 'scale', arguments: { replicas: 2 } });
  });

  it('without consent: scales up under overload and comes back to the person’s count afterwards, never below', () => {
    // 900m of demand (3 pods at 300 %) for 10 minutes, then 30m (3 pods at 10 %).
    const { counts, scales } = closedLoop(3, (t) => (t >= 120 && t < 720 ? 900 : 30), 1800);
    expect(scales[0]).toMatchObject({ reason: 'ScaleUp' });
    expect(Math.max(...counts)).toBeGreaterThan(3);
    expect(Math.min(...counts)).toBe(3);
    expect(counts.at(-1)).toBe(3);
    expect(scales.at(-1)).toMatchObject({ reason: 'ScaleDown', arguments: { replicas: 3 } });
  });

  it('a count a person changes later is the new floor', () => {
    // Busy at 3 (scaled up), then a person sets 5 by hand at t=600 while it is idle: 5 is the floor from then on.
    const { counts } = closedLoop(
      3,
      (t) => (t < 300 ? 900 : 30),
      1800,
      (t) => (t === 600 ? 5 : undefined),
    );
    expect(counts.slice(0, 9).some((n) => n > 5)).toBe(true);
    expect(counts.slice(10).every((n) => n >= 5)).toBe(true);
    expect(counts.at(-1)).toBe(5);
  });

  it('a count set by a person through managedFields (kubectl, helm) is the floor; one SentinelOps wrote with no memory holds every scale-down', () => {
    expect(FIELD_MANAGER).toBe(SENTINELOPS_FIELD_MANAGER);
    const byKubectl = run(() => world(4, 10, { replicasSetBy: 'kubectl-client-side-apply' }), 120);
    expect(byKubectl.acted.filter((d) => d.action === 'scale')).toEqual([]);
    expect(byKubectl.history.personsCounts?.['demo/web']).toMatchObject({ replicas: 4, source: 'kubectl-client-side-apply' });
    const byUs = run(() => world(6, 10, { replicasSetBy: SENTINELOPS_FIELD_MANAGER }), 120);
    expect(byUs.acted.filter((d) => d.action === 'scale')).toEqual([]);
    expect(byUs.log.at(-1)!.message).toMatch(/not known/);
  });
});
