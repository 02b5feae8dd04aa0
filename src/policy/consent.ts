/**
 * Consent and ownership of a deployment's replica count. The agent never changes the replicas of a deployment another
 * controller owns (DeploymentView.replicasOwner: an HPA, a KEDA ScaledObject, a GitOps tool applying spec.replicas),
 * and never scales below the count a person set unless the deployment, its namespace or the configuration consents:
 * without consent it scales up under overload and comes back down to that count, not below.
 *
 * The person's count is the last spec.replicas not written by SentinelOps. Where the API server keeps managedFields,
 * the field manager of spec.replicas says who wrote it; where it does not (or for a count written before the agent
 * watched), the agent takes the count it first saw, and any later count it did not set itself.
 */
import type { History } from './history.js';
import { type DeploymentView, type Observation, deploymentKey } from './observation.js';
import type { AgentPolicy } from './settings.js';

/** The field manager of SentinelOps' own writes (src/k8s/client.ts FIELD_MANAGER). */
export const SENTINELOPS_FIELD_MANAGER = 'sentinelops';

export interface PersonsCount {
  /** The replica count a person (or their one-shot tool: kubectl, helm) set; undefined = not known. */
  replicas?: number;
  since: number;
  /** How it is known: the field manager that wrote it, or 'first sight' / 'changed by someone else'. */
  source: string;
}

/** Folds one observation into the remembered person's counts (History.personsCounts). */
export function personsCounts(history: History, obs: Observation, now: number): Record<string, PersonsCount> {
  const prev = history.personsCounts ?? {};
  const out: Record<string, PersonsCount> = {};
  for (const d of obs.deployments) {
    const key = deploymentKey(d);
    const was = prev[key];
    const ownLast = history.actions.filter((a) => a.targetKey === key && a.action === 'scale' && a.to !== undefined).at(-1)?.to;
    if (d.replicasSetBy !== undefined && d.replicasSetBy !== SENTINELOPS_FIELD_MANAGER) {
      out[key] = was?.replicas === d.replicas && was.source === d.replicasSetBy ? was : { replicas: d.replicas, since: now, source: d.replicasSetBy };
    } else if (d.replicasSetBy === SENTINELOPS_FIELD_MANAGER) {
      // SentinelOps wrote the count last: the person's count is what was known before; an agent that lost its memory
      // does not know it.
      out[key] = was ?? { since: now, source: 'unknown: SentinelOps wrote spec.replicas last and no earlier count is remembered' };
    } else if (!was) {
      out[key] = { replicas: d.replicas, since: now, source: 'first sight' };
    } else if (was.replicas !== d.replicas && d.replicas !== ownLast) {
      out[key] = { replicas: d.replicas, since: now, source: 'changed by someone else' };
    } else {
      out[key] = was;
    }
  }
  return out;
}

/** The deployment may be scaled below the person's count. */
export function scaleDownConsented(d: DeploymentView, policy: AgentPolicy): boolean {
  return policy.scaling.scaleDownBelowDesired || d.scaleDownOptIn === true;
}

/**
 * The lowest count a scale-down may reach, with the reason; undefined = no floor beyond the policy's own. Unknown
 * counts hold every scale-down: never below a person's count means never on a guess.
 */
export function replicaFloor(d: DeploymentView, policy: AgentPolicy, history: History): { replicas: number; message: string } | undefined {
  if (scaleDownConsented(d, policy)) return undefined;
  const p = history.personsCounts?.[deploymentKey(d)];
  const how = 'opt in with the annotation sentinelops.dev/scale-down: "allow" on the deployment or namespace, or agent.scaleDownBelowDesired: true';
  if (!p || p.replicas === undefined)
    return {
      replicas: d.replicas,
      message: `the replica count a person set is not known (${p?.source ?? 'never seen'}): no scale-down without consent; ${how}`,
    };
  return {
    replicas: p.replicas,
    message: `a person set ${p.replicas} replicas (${p.source}): the agent scales up from it and back down to it, never below; ${how}`,
  };
}
