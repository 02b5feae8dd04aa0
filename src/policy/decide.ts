/**
 * decide(findings, observation, policy, history, now) → decisions. Pure. Order of judgement:
 *   1. each finding gets its healing decision (healing.ts), each deployment its scaling decision (scaling.ts);
 *   2. a deployment being healed is not scaled in the same cycle (more copies of a broken pod help nobody);
 *   3. one kind of mutation per target per cycle, the strongest winning (rollback > restart > delete_pod > scale);
 *      replacing leaking pods is upkeep beside a scale-up and yields to a scale-down;
 *   4. the circuit breaker holds all but isolated rollbacks where it is open, and escalates once per scope;
 *   5. protected namespaces: every mutation is held; escalations (which only notify) stay.
 * Held actions stay in the output as action 'none' with the reason, so the record shows what was not done and why.
 */
import { isolatedRollback, breakerTrips, tripFor } from './breaker.js';
import { type Action, type Decision, MUTATING, hold } from './decision.js';
import type { Finding } from './findings.js';
import { decideHealing } from './healing.js';
import { type History, actionsOn } from './history.js';
import type { Observation } from './observation.js';
import type { AgentPolicy } from './settings.js';
import { decideScaling } from './scaling.js';
import { decideUpstreamHpa } from './upstream-hpa.js';

const STRENGTH: Record<Action, number> = { rollback: 4, restart: 3, delete_pod: 2, scale: 1, escalate: 0, none: 0 };

function keyOf(d: { kind: string; namespace?: string; target: string }): string {
  return d.kind === 'deployment' || d.kind === 'pod' ? `${d.namespace}/${d.target}` : `${d.kind}/${d.target}`;
}

export function decide(findings: readonly Finding[], obs: Observation, policy: AgentPolicy, history: History, now: number): Decision[] {
  const protectedNs = new Set(policy.protectedNamespaces);
  const healing = findings.flatMap((f) => decideHealing(f, obs, policy, history, now));
  const scaling = obs.deployments
    .filter((d) => !protectedNs.has(d.namespace))
    .map((d) =>
      // The `hpa` baseline is upstream's algorithm on its own (upstream-hpa.ts), never the sentinelops calculator.
      policy.scaling.algorithm === 'upstream-hpa' ? decideUpstreamHpa(d, obs, policy, history, now) : decideScaling(d, obs, policy, history, now, findings),
    )
    .filter((d): d is Decision => d !== undefined);

  let decisions = [...healing, ...scaling];
  decisions = oneMutationPerTarget(decisions);
  decisions = applyBreaker(decisions, findings, obs, policy, history, now);
  return decisions.map((d) =>
    d.namespace !== undefined && protectedNs.has(d.namespace) && MUTATING.has(d.action)
      ? hold(d, 'ProtectedNamespace', `namespace ${d.namespace} is protected: the agent never acts in it`)
      : d,
  );
}

/**
 * Replacing leaking pods before their OOM kill is upkeep, not a cure: it runs beside a scale-up (both add fresh
 * capacity) and yields to a scale-down (which removes pods anyway), so a leak that needs replacements every cycle
 * never freezes the deployment's size.
 */
function isLeakUpkeep(d: Decision): boolean {
  return d.action === 'delete_pod' && d.reason === 'LeakReplacement';
}

function oneMutationPerTarget(decisions: Decision[]): Decision[] {
  const scaleDown = new Set(decisions.filter((d) => d.action === 'scale' && d.scaling && d.scaling.desired < d.scaling.current).map(keyOf));
  decisions = decisions.map((d) =>
    isLeakUpkeep(d) && scaleDown.has(keyOf(d)) ? hold(d, 'ScaleDownFirst', `${keyOf(d)} is scaled down this cycle; leaking pods are replaced at the next`) : d,
  );
  const strongest = new Map<string, Action>();
  for (const d of decisions) {
    if (!MUTATING.has(d.action) || isLeakUpkeep(d)) continue;
    const k = keyOf(d);
    const cur = strongest.get(k);
    if (!cur || STRENGTH[d.action] > STRENGTH[cur]) strongest.set(k, d.action);
  }
  return decisions.map((d) => {
    const top = strongest.get(keyOf(d));
    if (!MUTATING.has(d.action) || isLeakUpkeep(d) || !top || top === d.action) return d;
    const reason = d.action === 'scale' ? 'HealingFirst' : 'Superseded';
    return hold(d, reason, `${keyOf(d)} gets a ${top} this cycle`);
  });
}

function applyBreaker(decisions: Decision[], findings: readonly Finding[], obs: Observation, policy: AgentPolicy, history: History, now: number): Decision[] {
  const trips = breakerTrips(findings, obs, policy);
  if (trips.length === 0) return decisions;
  const out = decisions.map((d) => {
    if (!MUTATING.has(d.action)) return d;
    const trip = tripFor(trips, d.namespace);
    if (!trip || isolatedRollback(d, trip, findings)) return d;
    return hold(d, 'CircuitBreakerOpen', `circuit breaker open (${trip.message}): only isolated rollbacks run`);
  });
  for (const t of trips) {
    const target = t.scope === 'cluster' ? 'breaker' : `breaker-${t.namespace}`;
    const recent = actionsOn(history, `cluster/${target}`, now - policy.healing.actionWindowSeconds * 1000, ['escalate']).length > 0;
    out.push({
      kind: 'cluster',
      target,
      severity: 'critical',
      action: recent ? 'none' : 'escalate',
      reason: recent ? 'AlreadyEscalated' : 'CircuitBreakerOpen',
      message: `circuit breaker open for ${t.scope === 'cluster' ? 'the cluster' : `namespace ${t.namespace}`}: ${t.message}; only safe actions run until it closes`,
    });
  }
  return out;
}
