/**
 * The overload check between cycles. The full cycle (four lists, healing, incidents) runs every agent interval
 * (60 s); an HPA looks at its metric every 15 s, so on a fast rise the agent's first scale-up could come up to 45 s
 * after the HPA's — the whole difference on a flash crowd whose new pods take a minute to serve. Between cycles the
 * runner therefore reads only the per-deployment CPU figures (one get_metrics call, the same lagged metrics-server
 * view the cycle gets) every `overloadCheckSeconds`, and wakes a full cycle when a deployment is past the point where
 * the cycle's scaling decision would add replicas. Only scale-up is hurried: scale-down stays at the cycle interval
 * behind its stabilization window, and the cycle decides everything (this check never acts). Pure.
 */
import { isSaturated } from './scaling.js';
import type { AgentPolicy } from './settings.js';

/** A deployment's CPU as get_metrics (scope deployment) reports it. */
export interface DeploymentLoad {
  namespace: string;
  name: string;
  /** Running pods counted. */
  pods: number;
  podsWithMetrics: number;
  cpuMillicores: number;
  cpuLimitMillicores: number;
  /** % of request over the pods with metrics; null without requests or metrics. */
  cpuUtilization: number | null;
}

/**
 * Why a full cycle should run now, or undefined. A deployment wakes it when its CPU is above both the scale-up
 * trigger (thresholds.cpuHigh) and the ratio's tolerance band around the target — the two conditions under which
 * the cycle's ratio calculation scales up — or when its pods burn their CPU limit (throttling hides the demand).
 * Deployments already at maxReplicas, in protected namespaces, or without metrics never wake it: the cycle could
 * not add replicas there, and a cycle every 15 s against a wall would only cost.
 */
export function overloadWake(loads: readonly DeploymentLoad[], policy: AgentPolicy): string | undefined {
  const sp = policy.scaling;
  if (sp.algorithm !== 'ratio' || sp.overloadCheckSeconds <= 0) return undefined;
  const protectedNs = new Set(policy.protectedNamespaces);
  const over = Math.max(policy.thresholds.cpuHigh, sp.targetCpuUtilization * (1 + sp.tolerance));
  for (const l of loads) {
    if (protectedNs.has(l.namespace) || l.podsWithMetrics === 0 || l.cpuUtilization === null) continue;
    if (l.pods >= sp.maxReplicas) continue;
    const saturated = sp.scaleUpOnSaturation && isSaturated(l, sp.saturationShare);
    if (l.cpuUtilization > over || saturated) {
      return `${l.namespace}/${l.name} CPU ${l.cpuUtilization.toFixed(0)}% of request${saturated ? ' (at its limit)' : ''} > ${over.toFixed(0)}%`;
    }
  }
  return undefined;
}
