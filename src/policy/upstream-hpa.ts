/**
 * The `hpa` baseline: what a Kubernetes HorizontalPodAutoscaler (autoscaling/v2, CPU Utilization target, no
 * `behavior` set, kube-controller-manager defaults) would do, written from upstream's documented semantics in
 * pkg/controller/podautoscaler (replica_calculator.go: groupPods + GetResourceReplicas; horizontal.go:
 * reconcileAutoscaler, stabilizeRecommendationWithBehaviors, convertDesiredReplicasWithBehaviorRate).
 *
 * Deliberately self-contained: it shares no arithmetic with the sentinelops policy (scaling.ts, hpa.ts), so when the
 * benchmark says sentinelops beats or matches the HPA, that is measured, not true by construction. It heals nothing.
 *
 * Upstream reads two times per pod this observation does not carry: status.startTime (taken here as the pod's
 * creation time) and the Ready condition's lastTransitionTime (taken as the first check that saw the pod ready with
 * its current restart count, History.readySince — at most one 15 s sync late). A pod unready after its CPU
 * initialization period is ignored whether or not it was ever ready (upstream keeps the sample of a pod that was
 * ready once); the observation cannot tell the two apart.
 */
import { type Decision, type ScalingTrace, withTool } from './decision.js';
import type { History } from './history.js';
import { type DeploymentView, type Observation, type PodView, deploymentKey, podsOf } from './observation.js';
import type { AgentPolicy } from './settings.js';

/** --horizontal-pod-autoscaler-sync-period default. */
export const HPA_SYNC_SECONDS = 15;
/** --horizontal-pod-autoscaler-tolerance default. */
export const HPA_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period default. */
export const HPA_CPU_INITIALIZATION_SECONDS = 300;
/** The window metrics-server computes a CPU rate over (its default resolution). */
export const METRIC_WINDOW_SECONDS = 15;
/** autoscaling/v1's (and `kubectl autoscale`'s) default CPU target. */
export const HPA_DEFAULT_TARGET = 80;
/** autoscaling/v2 default behavior: scale-up Max(4 pods, 100 %) per 15 s, no window; scale-down 100 % per 15 s, 300 s window. */
export const HPA_SCALE_UP = { pods: 4, percent: 100, periodSeconds: 15, windowSeconds: 0 } as const;
export const HPA_SCALE_DOWN = { percent: 100, periodSeconds: 15, windowSeconds: 300 } as const;

export type PodGroup = 'ready' | 'unready' | 'missing' | 'ignored';

export interface HpaStep {
  value: number;
  reason: string;
  message: string;
}

/**
 * groupPods for the CPU resource: deleted or Failed pods are ignored; Pending pods are unready; a pod without a sample
 * is missing; within the CPU initialization period a pod is unready while not Ready or until one metric window has
 * passed since it became Ready; after it, a pod that is not Ready is unready.
 */
export function groupPod(p: PodView, readySince: number | undefined, now: number): PodGroup {
  if (p.reason === 'Terminating' || p.phase === 'Failed' || p.phase === 'Succeeded') return 'ignored';
  if (p.phase === 'Pending') return 'unready';
  if (p.cpuMillicores === undefined) return 'missing';
  if (p.createdAt + HPA_CPU_INITIALIZATION_SECONDS * 1000 > now) {
    return !p.ready || readySince === undefined || now < readySince + METRIC_WINDOW_SECONDS * 1000 ? 'unready' : 'ready';
  }
  return p.ready ? 'ready' : 'unready';
}

export interface CalcPod {
  group: PodGroup;
  usage?: number;
  request?: number;
}

/** GetResourceReplicas: desired = ceil(usageRatio × ready pods), with the conservative re-run for missing/unready pods. */
export function upstreamReplicas(current: number, pods: readonly CalcPod[], target: number, tolerance = HPA_TOLERANCE): HpaStep & { utilization?: number } {
  const keep = (reason: string, message: string, utilization?: number) => ({ value: current, reason, message, utilization });
  const counted = pods.filter((p) => p.group !== 'ignored');
  if (counted.length === 0) return keep('NoPods', 'no pods matched');
  if (counted.some((p) => !p.request || p.request <= 0))
    return keep('MissingRequest', 'a pod has no CPU request: utilization is undefined (upstream fails the metric)');
  const ready = counted.filter((p) => p.group === 'ready');
  const unready = counted.filter((p) => p.group === 'unready');
  const missing = counted.filter((p) => p.group === 'missing');
  if (ready.length === 0) return keep('NoMetrics', 'no ready pod has a sample (upstream: unable to get metrics)');
  const ratioOf = (entries: { usage: number; request: number }[]) =>
    entries.reduce((s, e) => s + e.usage, 0) / entries.reduce((s, e) => s + e.request, 0) / (target / 100);
  const base = ready.map((p) => ({ usage: p.usage!, request: p.request! }));
  const ratio = ratioOf(base);
  const utilization = ratio * target;
  const within = (r: number) => Math.abs(1 - r) <= tolerance;
  const scaleUpWithUnready = unready.length > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (within(ratio)) return keep('WithinTolerance', `utilization ${utilization.toFixed(1)}% is within ${tolerance} of the ${target}% target`, utilization);
    const value = Math.ceil(ratio * ready.length);
    return {
      value,
      reason: 'Calculated',
      message: `utilization ${utilization.toFixed(1)}% of ${target}% over ${ready.length} ready pods → ${value}`,
      utilization,
    };
  }
  // Missing pods: 100 % (or the target if higher) of request when scaling down, 0 % when scaling up.
  const entries = [...base];
  if (ratio < 1) for (const p of missing) entries.push({ usage: (p.request! * Math.max(100, target)) / 100, request: p.request! });
  else if (ratio > 1) for (const p of missing) entries.push({ usage: 0, request: p.request! });
  // Unready pods count as 0 % only on scale-up; on scale-down they are left out.
  if (scaleUpWithUnready) for (const p of unready) entries.push({ usage: 0, request: p.request! });
  const newRatio = ratioOf(entries);
  if (within(newRatio) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) {
    return keep(
      'ConservativeNoChange',
      `utilization ${utilization.toFixed(1)}%, but missing/unready pods counted pessimistically leave no case to scale`,
      utilization,
    );
  }
  const value = Math.ceil(newRatio * entries.length);
  if ((newRatio < 1 && value > current) || (newRatio > 1 && value < current)) {
    return keep('ConservativeNoChange', `utilization ${utilization.toFixed(1)}%; the pessimistic estimate points the other way`, utilization);
  }
  return {
    value,
    reason: 'CalculatedConservatively',
    message: `utilization ${utilization.toFixed(1)}% of ${target}%; ${missing.length} missing and ${scaleUpWithUnready ? unready.length : 0} unready pod(s) counted pessimistically → ${value}`,
    utilization,
  };
}

export interface HpaMemory {
  /** Raw recommendations with their time (what stabilization remembers). */
  recommendations: readonly { at: number; replicas: number }[];
  /** Scale changes with their time (what the rate limits count). */
  events: readonly { at: number; from: number; to: number }[];
}

/** stabilizeRecommendationWithBehaviors: up to the lowest recommendation of the up window, down to the highest of the down window. */
export function upstreamStabilize(current: number, desired: number, now: number, memory: HpaMemory): HpaStep {
  let up = desired;
  let down = desired;
  for (const r of memory.recommendations) {
    if (r.at > now - HPA_SCALE_UP.windowSeconds * 1000) up = Math.min(up, r.replicas);
    if (r.at > now - HPA_SCALE_DOWN.windowSeconds * 1000) down = Math.max(down, r.replicas);
  }
  let value = current;
  if (value < up) value = up;
  if (value > down) value = down;
  if (value === desired) return { value, reason: 'ReadyForNewScale', message: `recommendation ${desired} is stable` };
  return {
    value,
    reason: desired < current ? 'ScaleDownStabilized' : 'ScaleUpStabilized',
    message: `recommended ${desired}; the ${desired < current ? 'highest' : 'lowest'} recommendation of the window is ${value}`,
  };
}

function changedInPeriod(events: HpaMemory['events'], now: number, periodSeconds: number): { added: number; deleted: number } {
  let added = 0;
  let deleted = 0;
  for (const e of events) {
    if (e.at <= now - periodSeconds * 1000) continue;
    if (e.to > e.from) added += e.to - e.from;
    else deleted += e.from - e.to;
  }
  return { added, deleted };
}

/** convertDesiredReplicasWithBehaviorRate: the default rate limits relative to the count at the start of the period, then [min, max]. */
export function upstreamRateAndClamp(current: number, desired: number, now: number, memory: HpaMemory, min: number, max: number): HpaStep {
  if (desired > current) {
    const { added, deleted } = changedInPeriod(memory.events, now, HPA_SCALE_UP.periodSeconds);
    const start = current - added + deleted;
    const limit = Math.max(current, Math.max(start + HPA_SCALE_UP.pods, Math.ceil(start * (1 + HPA_SCALE_UP.percent / 100))));
    const allowed = Math.min(max, limit);
    if (desired > allowed)
      return {
        value: allowed,
        reason: allowed === limit ? 'ScaleUpLimit' : 'TooManyReplicas',
        message: `desired ${desired} capped at ${allowed} (${allowed === limit ? 'max(4 pods, 100 %) per 15 s' : `maxReplicas ${max}`})`,
      };
  } else if (desired < current) {
    const { added, deleted } = changedInPeriod(memory.events, now, HPA_SCALE_DOWN.periodSeconds);
    const start = current + deleted - added;
    const limit = Math.min(current, Math.trunc(start * (1 - HPA_SCALE_DOWN.percent / 100)));
    const allowed = Math.max(min, limit);
    if (desired < allowed)
      return {
        value: allowed,
        reason: allowed === limit ? 'ScaleDownLimit' : 'TooFewReplicas',
        message: `desired ${desired} raised to ${allowed} (${allowed === limit ? '100 % per 15 s' : `minReplicas ${min}`})`,
      };
  }
  if (desired > max) return { value: max, reason: 'TooManyReplicas', message: `desired ${desired} is above maxReplicas ${max}` };
  if (desired < min) return { value: min, reason: 'TooFewReplicas', message: `desired ${desired} is below minReplicas ${min}` };
  return { value: desired, reason: 'DesiredWithinRange', message: `desired ${desired} is within the rate limits and [${min}, ${max}]` };
}

/** reconcileAutoscaler for one deployment, as one decision (a scale, or 'none' with the condition reason). */
export function decideUpstreamHpa(d: DeploymentView, obs: Observation, policy: AgentPolicy, history: History, now: number): Decision {
  const key = deploymentKey(d);
  const base = { kind: 'deployment' as const, namespace: d.namespace, target: d.name, severity: 'low' as const };
  const none = (reason: string, message: string, scaling?: ScalingTrace): Decision => ({ ...base, action: 'none', reason, message, scaling });
  const { minReplicas: min, maxReplicas: max } = policy.scaling;
  const target = policy.scaling.targetCpuUtilization;
  const current = d.replicas;
  // spec.replicas 0 with minReplicas > 0: upstream's "scaling is disabled".
  if (current === 0) return none('ScalingDisabled', `${key} is at 0 replicas: the HPA leaves it alone`);
  let desired: number;
  let trace: HpaStep[];
  let recommendation = current;
  let utilization: number | undefined;
  if (current > max || current < min) {
    desired = current > max ? max : min;
    trace = [{ value: desired, reason: current > max ? 'TooManyReplicas' : 'TooFewReplicas', message: `${current} is outside [${min}, ${max}]` }];
  } else {
    const pods = podsOf(obs, d).map((p) => ({
      group: obs.metricsAvailable ? groupPod(p, history.readySince?.[`${p.namespace}/${p.name}`]?.since, now) : ('missing' as PodGroup),
      usage: p.cpuMillicores,
      request: p.cpuRequestMillicores,
    }));
    const calc = obs.metricsAvailable ? upstreamReplicas(current, pods, target) : { value: current, reason: 'FailedGetResourceMetric', message: 'no metrics' };
    utilization = 'utilization' in calc ? calc.utilization : undefined;
    if (calc.reason === 'NoPods' || calc.reason === 'MissingRequest' || calc.reason === 'NoMetrics' || calc.reason === 'FailedGetResourceMetric') {
      // A failed metric computation stops the reconcile: nothing is stored, nothing changes.
      return none(calc.reason, `${key} stays at ${current}: ${calc.message}`);
    }
    recommendation = calc.value;
    const memory: HpaMemory = {
      recommendations: history.recommendations[key] ?? [],
      events: history.actions.filter((a) => a.targetKey === key && a.action === 'scale' && a.from !== undefined && a.to !== undefined) as HpaMemory['events'],
    };
    const stabilized = upstreamStabilize(current, calc.value, now, memory);
    const limited = upstreamRateAndClamp(current, stabilized.value, now, memory, min, max);
    desired = limited.value;
    trace = [calc, stabilized, limited];
  }
  const [calculate, stabilize, rateLimit] = [trace[0]!, trace[1] ?? trace[0]!, trace[2] ?? trace[0]!];
  const scaling: ScalingTrace = {
    current,
    recommendation,
    desired,
    steps: { calculate, stabilize, rateLimit, clamp: rateLimit },
    cpuUtilization: utilization,
  };
  if (desired === current) {
    const decisive = [...trace].reverse().find((s) => s.value === current && !['ReadyForNewScale', 'DesiredWithinRange'].includes(s.reason)) ?? calculate;
    return none(decisive.reason, `${key} stays at ${current}: ${decisive.message}`, scaling);
  }
  return withTool(
    {
      ...base,
      action: 'scale',
      reason: desired > current ? 'ScaleUp' : 'ScaleDown',
      message: `HPA: scale ${key} from ${current} to ${desired}: ${trace.map((s) => s.message).join('; ')}`,
      scaling,
      observed: utilization,
    },
    { replicas: desired },
  );
}
