/**
 * The referee, pure: what users felt and what it cost, per deployment, from the 1 s samples of a run.
 *
 * - SLO-violation seconds: a sample interval counts when the deployment's p95 latency (queue wait included)
 *   was above its SLO, or when the work dropped in the interval (timed out, or failed while a dependency was
 *   down) was more than the SLO's error ratio of the work that arrived.
 * - Unserved CPU-seconds: work that arrived and was never served (dropped, or still queued at the end).
 * - Disruptions: container restarts + pods the agent deleted + rollouts the agent started (restart, rollback).
 * - Oracle replica-seconds (see `oracleReplicaSeconds`): a lower bound on what meeting the SLO costs.
 */
import type { ActionRecordIn, Sample } from './report.js';

export interface Slo {
  p95LatencyMs: number;
  maxErrorRatio: number;
}

export interface OracleInput {
  /** The policies' target CPU utilization, as a fraction of the request (0.8 for 80 %). */
  targetUtilization: number;
  /** Seconds from pod creation to Ready (the same start-up the policies pay). */
  startupSeconds: number;
  /** p95 latency of an idle pod (ms): with the SLO, it caps how busy a pod may be. */
  serviceMs: number;
  /** The replica bounds every policy lives under (safety.minReplicas / maxReplicas). */
  minReplicas?: number;
  maxReplicas?: number;
}

export interface RefereeFigures {
  sloViolationSeconds: number;
  unservedCpuSeconds: number;
  disruptions: number;
  actions: number;
  oracleReplicaSeconds?: number;
}

/** Tools whose successful call starts a rollout of the deployment named in its arguments. */
const ROLLOUT_TOOLS = new Set(['restart_deployment', 'rollback_deployment']);

/** The deployment (`ns/name`) an action was aimed at; a pod is matched to the deployment whose name prefixes it. */
export function actionDeployment(a: ActionRecordIn, deployments: readonly string[]): string | undefined {
  const ns = typeof a.arguments.namespace === 'string' ? a.arguments.namespace : undefined;
  const dep = typeof a.arguments.deployment === 'string' ? a.arguments.deployment : undefined;
  if (dep) return deployments.find((k) => k.endsWith(`/${dep}`) && (!ns || k.startsWith(`${ns}/`)));
  const pod = typeof a.arguments.pod === 'string' ? a.arguments.pod : undefined;
  if (!pod) return undefined;
  const matches = deployments.filter((k) => (!ns || k.startsWith(`${ns}/`)) && pod.startsWith(`${k.slice(k.indexOf('/') + 1)}-`));
  return matches.sort((x, y) => y.length - x.length)[0];
}

/** Seconds the deployment's SLO was violated, integrating each sample until the next (the last until endedAt). */
export function sloViolationSeconds(samples: readonly Sample[], key: string, slo: Slo, endedAt: number): number {
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const d = samples[i]!.deployments[key];
    if (!d || d.p95LatencyMs === undefined) continue;
    const next = samples[i + 1];
    const until = next ? next.at : Math.max(endedAt, samples[i]!.at);
    const dt = Math.max(0, until - samples[i]!.at) / 1000;
    if (dt === 0) continue;
    let violated = d.p95LatencyMs > slo.p95LatencyMs;
    const n = next?.deployments[key];
    if (!violated && n && n.arrived !== undefined && d.arrived !== undefined && n.dropped !== undefined && d.dropped !== undefined) {
      const arrived = n.arrived - d.arrived;
      const dropped = n.dropped - d.dropped;
      violated = dropped > 1e-6 && dropped > slo.maxErrorRatio * arrived;
    }
    if (violated) total += dt;
  }
  return total;
}

/** CPU-seconds that arrived during the run and were not served: dropped, or still waiting at the end. */
export function unservedCpuSeconds(samples: readonly Sample[], key: string): number {
  const first = samples.find((s) => s.deployments[key]?.dropped !== undefined)?.deployments[key];
  const last = [...samples].reverse().find((s) => s.deployments[key]?.dropped !== undefined)?.deployments[key];
  if (!first || !last) return 0;
  return (last.dropped! - first.dropped! + (last.backlog ?? 0) - (first.backlog ?? 0)) / 1000;
}

/**
 * The oracle: the fewest replica-seconds that meet the SLO with perfect foresight of demand, at the same
 * target utilization and pod start-up time as the policies.
 *
 * At each sample, the replicas needed are the most of
 *  - ceil(demand / (targetUtilization × request)): the policies' own sizing rule, and
 *  - ceil(demand / (ρmax × limit)) with ρmax = 1 - serviceMs / SLO p95: busier pods would break the latency SLO
 *    (p95 = serviceMs / (1 - ρ), the simulator's model), and
 *  - minReplicas (1 unless given),
 * then capped at maxReplicas, the bound every policy is held to (where it binds, the SLO cannot be met by anyone).
 * A pod must be created `startupSeconds` before it is needed and can be removed the instant it is not, so
 * the oracle holds, at time t, the most needed anywhere in [t, t + startupSeconds]; its replica-seconds are
 * the integral of that. It knows nothing of faults: on scenarios with faults the ratio only says how much
 * capacity a policy held beyond what the load alone asked for.
 */
export function oracleReplicaSeconds(samples: readonly Sample[], key: string, slo: Slo, o: OracleInput, endedAt: number): number | undefined {
  const pts: { at: number; need: number }[] = [];
  for (const s of samples) {
    const d = s.deployments[key];
    if (!d?.podRequestMillicores) continue;
    const byTarget = d.demandMillicores / (o.targetUtilization * d.podRequestMillicores);
    const rhoMax = Math.max(0.05, 1 - o.serviceMs / slo.p95LatencyMs);
    const limit = d.podLimitMillicores ?? Number.POSITIVE_INFINITY;
    const bySlo = Number.isFinite(limit) ? d.demandMillicores / (rhoMax * limit) : 0;
    const need = Math.max(o.minReplicas ?? 1, Math.ceil(byTarget - 1e-9), Math.ceil(bySlo - 1e-9));
    pts.push({ at: s.at, need: Math.min(need, o.maxReplicas ?? Number.POSITIVE_INFINITY) });
  }
  if (pts.length === 0) return undefined;
  const ahead = o.startupSeconds * 1000;
  // Sliding-window maximum over [t, t + startup] with a monotone deque, O(n).
  const held = new Array<number>(pts.length);
  const dq: number[] = [];
  let j = 0;
  for (let i = 0; i < pts.length; i++) {
    while (j < pts.length && pts[j]!.at <= pts[i]!.at + ahead) {
      while (dq.length && pts[dq[dq.length - 1]!]!.need <= pts[j]!.need) dq.pop();
      dq.push(j++);
    }
    while (dq[0]! < i) dq.shift();
    held[i] = pts[dq[0]!]!.need;
  }
  let total = 0;
  for (let i = 0; i < pts.length; i++) {
    const until = i + 1 < pts.length ? pts[i + 1]!.at : Math.max(endedAt, pts[i]!.at);
    total += (held[i]! * Math.max(0, until - pts[i]!.at)) / 1000;
  }
  return total;
}

/** Disruptions and actions per deployment from the agent's successful actions. */
export function agentDisruptions(actions: readonly ActionRecordIn[], deployments: readonly string[]): Record<string, { disruptions: number; actions: number }> {
  const out: Record<string, { disruptions: number; actions: number }> = Object.fromEntries(deployments.map((k) => [k, { disruptions: 0, actions: 0 }]));
  for (const a of actions) {
    if (!a.ok) continue;
    const k = actionDeployment(a, deployments);
    if (!k || !out[k]) continue;
    out[k].actions++;
    if (a.tool === 'delete_pod' || ROLLOUT_TOOLS.has(a.tool)) out[k].disruptions++;
  }
  return out;
}
