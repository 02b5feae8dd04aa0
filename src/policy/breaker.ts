/**
 * Circuit breaker. When many deployments of a namespace (or the cluster) fail at once, or many nodes are down,
 * the cause is most likely shared (a node pool, the network, the registry, a dependency) and per-target fixes
 * would thrash. Then only a rollback of a deployment whose failure is clearly its own still runs, everything
 * else is held and the situation is escalated.
 *
 * Why rollback stays allowed: it returns a deployment to a revision seen healthy minutes ago, it only changes
 * that deployment, and it is the first move a human on call makes. It is allowed only when no other deployment
 * in the scope fails the same way: ten deployments with ImagePullBackOff are a registry outage, not ten bad rollouts.
 * Scaling down is never allowed under the breaker; neither is scaling up, restarting or deleting pods.
 *
 * A metrics outage does not trip the breaker: it blinds scaling (which then does nothing) but not healing, whose
 * evidence comes from pod status, not from metrics.
 */
import type { Decision } from './decision.js';
import type { Finding, FindingType } from './findings.js';
import type { Observation } from './observation.js';
import type { AgentPolicy } from './settings.js';

export interface BreakerTrip {
  scope: 'cluster' | 'namespace';
  namespace?: string;
  reason: 'UnhealthyShare' | 'NodesNotReady';
  message: string;
}

const UNHEALTHY: ReadonlySet<FindingType> = new Set([
  'crash_loop',
  'image_pull_error',
  'oom_killed',
  'unschedulable',
  'stuck_creating',
  'replicas_unavailable',
  'bad_rollout',
]);

export function breakerTrips(findings: readonly Finding[], obs: Observation, policy: AgentPolicy): BreakerTrip[] {
  const b = policy.breaker;
  const trips: BreakerTrip[] = [];
  const down = obs.nodes.filter((n) => !n.ready).length;
  if (obs.nodes.length > 0 && down / obs.nodes.length > b.notReadyNodeShare) {
    trips.push({ scope: 'cluster', reason: 'NodesNotReady', message: `${down}/${obs.nodes.length} nodes are NotReady` });
  }
  const unhealthy = new Set(findings.filter((f) => f.kind === 'deployment' && UNHEALTHY.has(f.type)).map((f) => `${f.namespace}/${f.target}`));
  const check = (keys: string[], scope: 'cluster' | 'namespace', namespace?: string) => {
    const bad = keys.filter((k) => unhealthy.has(k)).length;
    if (bad >= b.minUnhealthyDeployments && bad / keys.length > b.unhealthyShare) {
      trips.push({
        scope,
        namespace,
        reason: 'UnhealthyShare',
        message: `${bad}/${keys.length} deployments ${namespace ? `in ${namespace} ` : ''}are unhealthy`,
      });
    }
  };
  const all = obs.deployments.map((d) => `${d.namespace}/${d.name}`);
  check(all, 'cluster');
  for (const ns of new Set(obs.deployments.map((d) => d.namespace))) {
    check(
      all.filter((k) => k.startsWith(`${ns}/`)),
      'namespace',
      ns,
    );
  }
  return trips;
}

export function tripFor(trips: readonly BreakerTrip[], namespace: string | undefined): BreakerTrip | undefined {
  return trips.find((t) => t.scope === 'cluster') ?? trips.find((t) => t.namespace !== undefined && t.namespace === namespace);
}

/** A rollback whose failure type no other unhealthy deployment in the breaker's scope shares. */
export function isolatedRollback(d: Decision, trip: BreakerTrip, findings: readonly Finding[]): boolean {
  if (d.action !== 'rollback' || !d.findingType) return false;
  const same = findings.filter(
    (f) =>
      f.kind === 'deployment' &&
      f.type === d.findingType &&
      (trip.scope === 'cluster' || f.namespace === trip.namespace) &&
      !(f.namespace === d.namespace && f.target === d.target),
  );
  return same.length === 0;
}
