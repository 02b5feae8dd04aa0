/**
 * Which deployments the policy looks at this cycle. A deployment is "quiet" when its aggregates show nothing the
 * policy could act on or learn from: every pod ready on the current revision with no new restart, nothing rolling
 * out, usage inside the scaling tolerance and the thresholds, and no incident, action, recommendation or bake of its
 * own in the history. The policy then gets the other ("focused") deployments with all their pods, so a cycle over a
 * large healthy cluster costs one aggregate per deployment, not one analysis per pod.
 *
 * Conservative on purpose: any doubt focuses. A deployment stays focused for LINGER_MS after its last reason, so the
 * pod-level memory the policy keeps (ready-since times, memory samples) keeps growing around an event.
 */
import { actionsOn } from '../policy/history.js';
import type { History } from '../policy/history.js';
import type { DeploymentMetrics, DeploymentView } from '../policy/observation.js';
import { deploymentKey } from '../policy/observation.js';
import type { AgentPolicy } from '../policy/settings.js';
import { cpuOverloadThreshold } from '../policy/cpu-tolerance.js';

/** How long a deployment stays focused after the last reason to focus it. */
export const LINGER_MS = 10 * 60_000;

/** What the server aggregated of one deployment's pods (agent_observation's groups). */
export interface PodAggregate {
  pods: number;
  readyPods: number;
  terminating: number;
  unhealthy: number;
  hashes: string[];
  /** summed memory of the pods with a sample */
  memoryBytes: number;
  podsWithMemory: number;
}

export interface FocusInput {
  d: DeploymentView;
  pods: PodAggregate | undefined;
  metrics: DeploymentMetrics | undefined;
  metricsAvailable: boolean;
  /** the pod-template-hash of the deployment's current revision, when known */
  currentHash: string | undefined;
  /** a pod of it restarted since the last check, or a crash is still recent in the monitor's memory */
  crashed: boolean;
  /** per-pod memory at the previous check (summed memory / pods), when known */
  previousMemoryPerPod: number | undefined;
  history: History;
  policy: AgentPolicy;
  now: number;
}

/** Why a deployment needs the policy this cycle; undefined when it is quiet. */
export function focusReason(i: FocusInput): string | undefined {
  const { d, pods: g, history, policy, now } = i;
  const key = deploymentKey(d);
  if (i.crashed) return 'restarts';
  if (!g) return d.replicas > 0 ? 'no pods' : undefined;
  if (g.unhealthy > 0 || g.terminating > 0) return 'unhealthy pods';
  if (d.paused) return 'paused';
  if (d.replicas !== d.readyReplicas || d.updatedReplicas !== d.replicas || d.availableReplicas !== d.replicas || g.pods !== d.replicas)
    return 'replicas not settled';
  if (g.hashes.length > 1 || (i.currentHash !== undefined && g.hashes.length === 1 && g.hashes[0] !== i.currentHash)) return 'revisions mixed';
  if (d.conditions.some((c) => (c.type === 'Available' || c.type === 'Progressing') && c.status !== 'True')) return 'conditions';
  if (Object.values(history.incidents).some((inc) => inc.namespace === d.namespace && inc.target === d.name)) return 'open incident';
  if (actionsOn(history, key, now - 3600_000).length > 0) return 'recent action';
  if (history.leaks?.[key] || history.revisionCandidates?.[key] || history.startup?.[key]?.pending) return 'history';
  const windowMs = Math.max(policy.scaling.scaleDown.stabilizationWindowSeconds, policy.scaling.scaleUp.stabilizationWindowSeconds) * 1000;
  if ((history.recommendations[key] ?? []).some((r) => r.at > now - windowMs && r.replicas !== d.replicas)) return 'recommendations';
  return metricsReason(i);
}

function metricsReason(i: FocusInput): string | undefined {
  const { d, metrics: m, policy, pods: g } = i;
  if (!i.metricsAvailable) return undefined;
  if (g && g.readyPods > 0 && !m?.complete) return m ? 'partial metrics' : undefined;
  if (!m) return undefined;
  const t = policy.thresholds;
  const sp = policy.scaling;
  if (m.cpuUtilization > cpuOverloadThreshold(policy) || m.cpuUtilization < t.cpuLow || m.memoryUtilization > t.memoryHigh) return 'thresholds';
  if (m.cpuLimitMillicores && m.cpuMillicores >= sp.saturationShare * m.cpuLimitMillicores) return 'saturated';
  const scaled = sp.algorithm !== 'off' && !d.hpaControlled && !d.replicasOwner && d.replicas > 0;
  if (scaled && (d.replicas < sp.minReplicas || d.replicas > sp.maxReplicas)) return 'replica bounds';
  if (scaled && sp.algorithm !== 'step' && Math.abs(m.cpuUtilization / sp.targetCpuUtilization - 1) > sp.tolerance) return 'outside tolerance';
  // A leak shows as memory rising check after check: its pods are watched from the first rise on.
  if (g && i.previousMemoryPerPod !== undefined && g.podsWithMemory) {
    const perPod = g.memoryBytes / g.podsWithMemory;
    const reference = (m.memoryLimitBytes ?? m.memoryRequestBytes ?? 0) / m.podsWithMetrics || perPod;
    if (perPod - i.previousMemoryPerPod > 0.001 * reference) return 'memory rising';
  }
  return undefined;
}
