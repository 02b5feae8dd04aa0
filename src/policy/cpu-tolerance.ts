/**
 * Honest severity for CPU: the HPA does nothing while utilization is within its tolerance (10 % upstream) of the
 * target, so neither is it an overload here. A deployment at 80.1 % of request against an 80 % target is where an
 * autoscaler wants it; flagging it [HIGH] buried real incidents under one finding per deployment (issue 20).
 */
import type { AgentPolicy } from './settings.js';

/** Utilization (% of request) above which CPU is overloaded: above cpuHigh and outside the tolerance of the target. */
export function cpuOverloadThreshold(policy: Pick<AgentPolicy, 'thresholds' | 'scaling'>): number {
  return Math.max(policy.thresholds.cpuHigh, policy.scaling.targetCpuUtilization * (1 + policy.scaling.tolerance));
}
