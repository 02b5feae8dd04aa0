/**
 * The Horizontal Pod Autoscaler's arithmetic, pure and step by step, after kubernetes/pkg/controller/podautoscaler
 * (replica_calculator.go for the ratio, horizontal.go for stabilize → rate-limit → clamp). Every step returns the
 * value with a reason and a message so a decision can say exactly why it landed where it did.
 */

export interface Step {
  value: number;
  /** CamelCase, like the HPA's condition reasons (ScaleDownStabilized, ScaleUpLimit, ...). */
  reason: string;
  message: string;
}

/** One pod's sample of one resource. `usage` undefined = the metrics pipeline has no sample for this pod. */
export interface PodUsage {
  ready: boolean;
  usage?: number;
  request?: number;
  /**
   * Phase Pending (not started, so no sample is expected): upstream's groupPods counts such a pod as unready, not
   * as missing, so it is ignored on scale-down instead of being assumed busy.
   */
  pending?: boolean;
}

export interface CalcInput {
  currentReplicas: number;
  /** Pods that count: terminating and failed pods are left out by the caller, as upstream ignores them. */
  pods: PodUsage[];
  /** Target utilization in percent of request. */
  targetUtilization: number;
  tolerance: number;
}

export interface CalcResult extends Step {
  /** Utilization of the ready pods with samples, percent of request (undefined when there was none). */
  utilization?: number;
  readyPods: number;
  unreadyPods: number;
  missingPods: number;
}

/**
 * desired = ceil(pods × utilization / target), with upstream's conservative treatment of pods it cannot trust:
 * a missing sample counts as 100 % (or the target, if higher) of request when the ratio says scale down and as
 * 0 % when it says scale up; unready pods (not ready with a sample, or Pending) count as 0 % on scale-up and are
 * left out on scale-down. If those assumptions flip the direction or land within tolerance, nothing changes.
 */
export function calcReplicas(input: CalcInput): CalcResult {
  const { currentReplicas: current, targetUtilization: target, tolerance } = input;
  const isUnready = (p: PodUsage) => !p.ready && (p.usage !== undefined || p.pending === true);
  const unready = input.pods.filter(isUnready);
  const missing = input.pods.filter((p) => p.usage === undefined && !isUnready(p));
  const readyWithSample = input.pods.filter((p) => p.usage !== undefined && p.ready);
  const counts = { readyPods: input.pods.filter((p) => p.ready).length, unreadyPods: unready.length, missingPods: missing.length };
  const keep = (reason: string, message: string, utilization?: number): CalcResult => ({ value: current, reason, message, utilization, ...counts });

  if (input.pods.length === 0) return keep('NoPods', 'no pods to take metrics from');
  if (input.pods.some((p) => !p.request || p.request <= 0)) {
    return keep('MissingRequest', 'some pods have no resource request, so utilization is undefined');
  }
  if (readyWithSample.length === 0) return keep('NoMetrics', 'no ready pod has a metrics sample');

  const sumUsage = readyWithSample.reduce((s, p) => s + p.usage!, 0);
  const sumRequest = readyWithSample.reduce((s, p) => s + p.request!, 0);
  const utilization = (sumUsage / sumRequest) * 100;
  const ratio = utilization / target;
  const util = `${utilization.toFixed(1)}% of request (target ${target}%)`;

  const scaleUpWithUnready = unready.length > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (Math.abs(1 - ratio) <= tolerance) return keep('WithinTolerance', `utilization ${util} is within tolerance ${tolerance}`, utilization);
    const readyCount = input.pods.length - unready.length;
    const value = Math.ceil(ratio * readyCount);
    return { value, reason: 'Calculated', message: `utilization ${util} over ${readyCount} ready pods → ${value}`, utilization, ...counts };
  }

  // Re-run the ratio with the untrusted pods filled in pessimistically for the direction the ratio points.
  let usage = sumUsage;
  let request = sumRequest;
  let counted = readyWithSample.length;
  if (ratio !== 1) {
    const fallback = ratio < 1 ? Math.max(100, target) / 100 : 0;
    for (const p of missing) {
      usage += p.request! * fallback;
      request += p.request!;
      counted++;
    }
  }
  if (scaleUpWithUnready) {
    for (const p of unready) {
      request += p.request!;
      counted++;
    }
  }
  const newRatio = usage / request / (target / 100);
  if (Math.abs(1 - newRatio) <= tolerance || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) {
    return keep(
      'ConservativeNoChange',
      `utilization ${util}, but counting ${missing.length} pod(s) without metrics and ${scaleUpWithUnready ? unready.length : 0} unready pod(s) pessimistically leaves no clear case to scale`,
      utilization,
    );
  }
  const value = Math.ceil(newRatio * counted);
  if ((newRatio < 1 && value > current) || (newRatio > 1 && value < current)) {
    return keep('ConservativeNoChange', `utilization ${util}; the conservative estimate points the other way`, utilization);
  }
  return {
    value,
    reason: 'CalculatedConservatively',
    message: `utilization ${util}; with ${missing.length} pod(s) missing metrics and ${unready.length} unready counted pessimistically → ${value}`,
    utilization,
    ...counts,
  };
}

export interface Recommendation {
  at: number;
  replicas: number;
}

/**
 * Upstream's stabilizeRecommendationWithBehaviors: scale up to at most the lowest recommendation of the scale-up
 * window and down to at most the highest of the scale-down window, so one quiet minute cannot drop replicas a
 * busy minute before asked for.
 */
export function stabilize(args: {
  current: number;
  desired: number;
  now: number;
  recommendations: readonly Recommendation[];
  scaleUpWindowSeconds: number;
  scaleDownWindowSeconds: number;
}): Step {
  const { current, desired, now } = args;
  let up = desired;
  let down = desired;
  for (const r of args.recommendations) {
    if (r.at > now - args.scaleUpWindowSeconds * 1000) up = Math.min(up, r.replicas);
    if (r.at > now - args.scaleDownWindowSeconds * 1000) down = Math.max(down, r.replicas);
  }
  let value = current;
  if (value < up) value = up;
  if (value > down) value = down;
  if (value === desired) return { value, reason: 'ReadyForNewScale', message: `recommended size ${desired} is stable` };
  if (desired < current) {
    return {
      value,
      reason: 'ScaleDownStabilized',
      message: `recommended ${desired}, but the highest recommendation in the last ${args.scaleDownWindowSeconds}s was ${value}`,
    };
  }
  return {
    value,
    reason: 'ScaleUpStabilized',
    message: `recommended ${desired}, but the lowest recommendation in the last ${args.scaleUpWindowSeconds}s was ${value}`,
  };
}

export interface ScalingPolicyRule {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  /** Max: the rule allowing the biggest change wins (upstream default); Min: the smallest; Disabled: no change. */
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicyRule[];
}

/** A replica change the agent (or anyone it was told about) made. */
export interface ScaleEvent {
  at: number;
  from: number;
  to: number;
}

function changedWithin(events: readonly ScaleEvent[], now: number, periodSeconds: number, dir: 1 | -1): number {
  let n = 0;
  for (const e of events) {
    if (e.at <= now - periodSeconds * 1000) continue;
    const delta = e.to - e.from;
    if (dir > 0 && delta > 0) n += delta;
    if (dir < 0 && delta < 0) n -= delta;
  }
  return n;
}

/**
 * Upstream's calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors: each rule limits the
 * change relative to the replica count at the start of its period, so a fast loop cannot compound steps.
 */
export function rateLimit(args: { current: number; desired: number; now: number; events: readonly ScaleEvent[]; up: ScalingRules; down: ScalingRules }): Step {
  const { current, desired, now, events } = args;
  if (desired > current) {
    const limit = scaleUpLimit(current, now, events, args.up);
    if (desired > limit) {
      return { value: limit, reason: 'ScaleUpLimit', message: `desired ${desired} exceeds the scale-up rate limit; scaling to ${limit}` };
    }
  } else if (desired < current) {
    const limit = scaleDownLimit(current, now, events, args.down);
    if (desired < limit) {
      return { value: limit, reason: 'ScaleDownLimit', message: `desired ${desired} exceeds the scale-down rate limit; scaling to ${limit}` };
    }
  }
  return { value: desired, reason: 'DesiredWithinRate', message: `change to ${desired} is within the rate limits` };
}

function scaleUpLimit(current: number, now: number, events: readonly ScaleEvent[], rules: ScalingRules): number {
  if (rules.selectPolicy === 'Disabled' || rules.policies.length === 0) return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start = current - changedWithin(events, now, p.periodSeconds, 1) + changedWithin(events, now, p.periodSeconds, -1);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return Math.max(current, result);
}

function scaleDownLimit(current: number, now: number, events: readonly ScaleEvent[], rules: ScalingRules): number {
  if (rules.selectPolicy === 'Disabled' || rules.policies.length === 0) return current;
  // Scaling down, the biggest change is the lowest replica count.
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start = current + changedWithin(events, now, p.periodSeconds, -1) - changedWithin(events, now, p.periodSeconds, 1);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return Math.min(current, result);
}

/**
 * 'enforce' is the HPA's: the size is always pulled into [min, max]. 'bound-changes' only bounds what the agent
 * itself changes: a deployment its owner set to 1 or to 20 replicas is a choice the agent does not overrule,
 * it just will not scale it further out of range.
 */
export type ClampMode = 'enforce' | 'bound-changes';

export function clamp(args: { current: number; desired: number; min: number; max: number; mode: ClampMode }): Step {
  const { current, desired, mode } = args;
  const min = mode === 'enforce' ? args.min : Math.min(args.min, current);
  const max = mode === 'enforce' ? args.max : Math.max(args.max, current);
  if (desired > max) return { value: max, reason: 'TooManyReplicas', message: `desired ${desired} is above the maximum ${max}` };
  if (desired < min) return { value: min, reason: 'TooFewReplicas', message: `desired ${desired} is below the minimum ${min}` };
  return { value: desired, reason: 'DesiredWithinRange', message: `desired ${desired} is within [${min}, ${max}]` };
}

/** Kubernetes' defaults for autoscaling/v2 behavior (and autoscaling/v1's 80 % CPU target). */
export const UPSTREAM_SCALE_UP: ScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
export const UPSTREAM_SCALE_DOWN: ScalingRules = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};
export const UPSTREAM_TOLERANCE = 0.1;
export const UPSTREAM_TARGET_CPU_UTILIZATION = 80;
