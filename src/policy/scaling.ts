/**
 * The scaling decision for one deployment: calculate (ratio or the seed's fixed step) → stabilize → rate-limit →
 * clamp. Refuses to act without trustworthy evidence: no metrics → no scaling; partial metrics or a failing
 * deployment → never scale down (scaleDownGuards); an HPA owns the deployment → hands off.
 */
import { type Decision, type ScalingTrace, withTool } from './decision.js';
import { type Finding, incidentKey } from './findings.js';
import { type CalcResult, type PodUsage, type ScaleEvent, type Step, calcReplicas, clamp, rateLimit, stabilize } from './hpa.js';
import { type History, actionsOn } from './history.js';
import { memoryTrendKnown } from './leak.js';
import { replicaFloor } from './consent.js';
import { type DeploymentMetrics, type DeploymentView, type Observation, type PodView, deploymentKey, isTerminating, podsOf } from './observation.js';
import type { AgentPolicy } from './settings.js';

export function decideScaling(
  d: DeploymentView,
  obs: Observation,
  policy: AgentPolicy,
  history: History,
  now: number,
  findings: readonly Finding[],
): Decision | undefined {
  const sp = policy.scaling;
  if (sp.algorithm === 'off') return undefined;
  const key = deploymentKey(d);
  const mine = findings.filter((f) => f.kind === 'deployment' && f.namespace === d.namespace && f.target === d.name);
  const trigger = mine.find((f) => f.type === 'cpu_overload' || f.type === 'memory_pressure') ?? mine.find((f) => f.type === 'cpu_underload');
  const base = {
    kind: 'deployment' as const,
    namespace: d.namespace,
    target: d.name,
    findingType: trigger?.type,
    severity: trigger?.severity ?? ('low' as const),
  };
  const none = (reason: string, message: string): Decision => ({ ...base, action: 'none', reason, message });

  if (d.replicasOwner) return none('ReplicasOwned', `${key}'s replicas are owned by ${d.replicasOwner}; the agent never changes them`);
  if (d.hpaControlled) return none('HpaControlled', `${key} is scaled by a HorizontalPodAutoscaler; the agent leaves its replicas alone`);
  if (d.replicas === 0) return none('ScaledToZero', `${key} is scaled to zero on purpose; autoscaling is off for it`);
  if (!obs.metricsAvailable) return none('MetricsUnavailable', `metrics pipeline is down: no scaling of ${key} until it returns`);
  const m = obs.metrics[key];
  if (!m || m.podsWithMetrics === 0) return none('NoMetrics', `no metrics for ${key}: no scaling`);

  const pods = podsOf(obs, d).filter((p) => !isTerminating(p) && p.phase !== 'Failed' && p.phase !== 'Succeeded');
  const events: ScaleEvent[] = actionsOn(history, key, now - 3600_000, ['scale'])
    .filter((a) => a.from !== undefined && a.to !== undefined)
    .map((a) => ({ at: a.at, from: a.from!, to: a.to! }));
  const upCeiling = Math.min(
    rateLimit({ current: d.replicas, desired: Number.MAX_SAFE_INTEGER, now, events, up: sp.scaleUp, down: sp.scaleDown }).value,
    Math.max(sp.maxReplicas, d.replicas),
  );
  const calculated = sp.algorithm === 'step' ? stepCalc(d.replicas, m, policy) : ratioCalc(d, obs, pods, m, policy, history, now, upCeiling);
  let calculate: Step = calculated;
  const scaleDownBlocked = sp.scaleDownGuards && calculate.value < d.replicas ? scaleDownGuard(d, pods, m) : undefined;
  if (sp.algorithm === 'ratio' && scaleDownBlocked) {
    calculate = { value: d.replicas, reason: scaleDownBlocked.reason, message: `${key}: ${scaleDownBlocked.message} (${calculated.message})` };
  }

  // Upstream's stabilization, nothing more: the highest recommendation recorded within the scale-down window caps a
  // scale-down. A deployment the agent has just started watching may therefore scale down at once, as under an HPA.
  const stabilized = stabilize({
    current: d.replicas,
    desired: calculate.value,
    now,
    recommendations: history.recommendations[key] ?? [],
    scaleUpWindowSeconds: sp.scaleUp.stabilizationWindowSeconds,
    scaleDownWindowSeconds: sp.scaleDown.stabilizationWindowSeconds,
  });
  const limited =
    sp.algorithm === 'step'
      ? { value: stabilized.value, reason: 'StepPolicy', message: 'the step policy changes at most one step per cycle' }
      : rateLimit({ current: d.replicas, desired: stabilized.value, now, events, up: sp.scaleUp, down: sp.scaleDown });
  const bounded = clamp({ current: d.replicas, desired: limited.value, min: sp.minReplicas, max: sp.maxReplicas, mode: sp.clamp });
  const clamped = consentFloor(d, bounded, policy, history);

  const scaling: ScalingTrace = {
    current: d.replicas,
    recommendation: calculate.value,
    desired: clamped.value,
    steps: { calculate, stabilize: stabilized, rateLimit: limited, clamp: clamped },
    cpuUtilization: m.cpuUtilization,
    memoryUtilization: m.memoryUtilization,
  };
  if (clamped.value === d.replicas) {
    const decisive =
      [clamped, limited, stabilized, calculate].find(
        (s) => s.value === d.replicas && s.reason !== 'DesiredWithinRange' && s.reason !== 'DesiredWithinRate' && s.reason !== 'ReadyForNewScale',
      ) ?? calculate;
    return { ...none(decisive.reason, `${key} stays at ${d.replicas}: ${decisive.message}`), scaling };
  }
  const dir = clamped.value > d.replicas ? 'up' : 'down';
  const why = [calculate, stabilized, limited, clamped]
    .filter((s) => !['DesiredWithinRange', 'DesiredWithinRate', 'ReadyForNewScale'].includes(s.reason))
    .map((s) => s.message);
  return withTool(
    {
      ...base,
      action: 'scale',
      reason: dir === 'up' ? 'ScaleUp' : 'ScaleDown',
      message: `scale ${key} ${dir} from ${d.replicas} to ${clamped.value}: ${why.join('; ')}`,
      scaling,
      observed: trigger?.type === 'memory_pressure' ? m.memoryUtilization : m.cpuUtilization,
    },
    { replicas: clamped.value },
  );
}

/** A scale-down stops at the count a person set unless they consented to more (consent.ts). */
function consentFloor(d: DeploymentView, s: Step, policy: AgentPolicy, history: History): Step {
  if (s.value >= d.replicas) return s;
  const floor = replicaFloor(d, policy, history);
  if (!floor || s.value >= floor.replicas) return s;
  const value = Math.min(d.replicas, floor.replicas);
  return { value, reason: value === d.replicas ? 'PersonsCount' : 'BackToPersonsCount', message: `desired ${s.value}, but ${floor.message}` };
}

/** The seed's rule: +up above cpuHigh, +memoryUp above memoryHigh, −down below cpuLow. */
function stepCalc(current: number, m: DeploymentMetrics, policy: AgentPolicy): Step {
  const t = policy.thresholds;
  const s = policy.scaling.step;
  if (m.cpuUtilization > t.cpuHigh)
    return { value: current + s.up, reason: 'CpuAboveThreshold', message: `CPU ${m.cpuUtilization.toFixed(1)}% > ${t.cpuHigh}%: +${s.up}` };
  if (m.memoryUtilization > t.memoryHigh)
    return {
      value: current + s.memoryUp,
      reason: 'MemoryAboveThreshold',
      message: `memory ${m.memoryUtilization.toFixed(1)}% > ${t.memoryHigh}%: +${s.memoryUp}`,
    };
  if (m.cpuUtilization < t.cpuLow)
    return { value: current - s.down, reason: 'CpuBelowThreshold', message: `CPU ${m.cpuUtilization.toFixed(1)}% < ${t.cpuLow}%: −${s.down}` };
  return { value: current, reason: 'WithinThresholds', message: `CPU ${m.cpuUtilization.toFixed(1)}% is within [${t.cpuLow}%, ${t.cpuHigh}%]` };
}

function ratioCalc(
  d: DeploymentView,
  obs: Observation,
  pods: PodView[],
  m: DeploymentMetrics,
  policy: AgentPolicy,
  history: History,
  now: number,
  upCeiling: number,
): Step {
  const sp = policy.scaling;
  const t = policy.thresholds;
  const cpu = cpuRecommendation(d, pods, m, policy, upCeiling);
  let best: Step = cpu;
  if (sp.memory && m.memoryUtilization > t.memoryHigh) {
    const key = deploymentKey(d);
    // History.leaks already holds this cycle's leak findings (observe runs before decide).
    if (history.leaks?.[key] !== undefined) {
      // Memory is no reason to add or keep replicas here; CPU alone decides, scale-down included.
      return cpu.value !== d.replicas
        ? cpu
        : {
            ...cpu,
            reason: 'MemoryLeakNotScaled',
            message: `memory ${m.memoryUtilization.toFixed(1)}% comes from a leak (it rises while CPU does not): more replicas would leak too; holding`,
          };
    }
    // A leak needs a few checks to show, and memory high at a single check may be a burst: scale on memory only once
    // the pods have been watched long enough and memory has been high for memoryConfirmSeconds.
    if (!memoryTrendKnown(history, obs, d, now)) {
      return cpu.value > d.replicas
        ? cpu
        : {
            ...cpu,
            value: d.replicas,
            reason: 'MemoryTrendUnknown',
            message: `memory ${m.memoryUtilization.toFixed(1)}% is high, but its pods have not been watched long enough to tell a leak from demand; scaling on memory once they have`,
          };
    }
    const opened = history.incidents[incidentKey({ type: 'memory_pressure', kind: 'deployment', namespace: d.namespace, target: d.name })]?.openedAt;
    if (opened === undefined || now - opened < sp.memoryConfirmSeconds * 1000) {
      return cpu.value > d.replicas
        ? cpu
        : {
            ...cpu,
            value: d.replicas,
            reason: 'MemoryHighUnconfirmed',
            message: `memory ${m.memoryUtilization.toFixed(1)}% is above ${t.memoryHigh}% since ${opened === undefined ? 'now' : `${Math.round((now - opened) / 1000)}s`}; scaling on memory after ${sp.memoryConfirmSeconds}s`,
          };
    }
    if (memoryScalingFailed(history, key, m.memoryUtilization, now, policy.healing.actionWindowSeconds)) {
      // Per-pod memory did not fall after the last memory scale-up: more replicas will not help (a leak, or a limit too low).
      return cpu.value >= d.replicas
        ? cpu
        : {
            ...cpu,
            value: d.replicas,
            reason: 'MemoryNotRelievedByScaling',
            message: `memory ${m.memoryUtilization.toFixed(1)}% did not drop after scaling up; holding`,
          };
    }
    const mem = calcReplicas({
      currentReplicas: d.replicas,
      pods: usages(pods, m, 'memory'),
      targetUtilization: sp.targetMemoryUtilization,
      tolerance: sp.tolerance,
    });
    if (mem.value > best.value) best = { ...mem, reason: 'MemoryAboveThreshold', message: `memory ${mem.message}` };
  }
  return best;
}

/** `upCeiling`: the most the rate limit and maximum allow this cycle, which is where a saturated deployment goes. */
function cpuRecommendation(d: DeploymentView, pods: PodView[], m: DeploymentMetrics, policy: AgentPolicy, upCeiling: number): Step {
  const sp = policy.scaling;
  const t = policy.thresholds;
  const util = m.cpuUtilization;
  const r: CalcResult = calcReplicas({
    currentReplicas: d.replicas,
    pods: usages(pods, m, 'cpu'),
    targetUtilization: sp.targetCpuUtilization,
    tolerance: sp.tolerance,
  });
  if (sp.scaleUpOnSaturation && isSaturated(m, sp.saturationShare) && upCeiling > r.value) {
    return {
      value: upCeiling,
      reason: 'CpuSaturated',
      message: `pods run at ${(sp.saturationShare * 100).toFixed(0)}%+ of their CPU limit, so real demand is hidden by throttling: scale as fast as the rate limit allows`,
    };
  }
  if (sp.triggerBand && r.value > d.replicas && util <= t.cpuHigh) {
    return { value: d.replicas, reason: 'WithinThresholds', message: `CPU ${util.toFixed(1)}% is not above the ${t.cpuHigh}% scale-up trigger` };
  }
  return r;
}

/** Pods burn `share` of their CPU limit: throttling hides the real demand (the cycle and the overload check both ask). */
export function isSaturated(m: Pick<DeploymentMetrics, 'cpuMillicores' | 'cpuLimitMillicores' | 'podsWithMetrics'>, share: number): boolean {
  if (!m.cpuLimitMillicores || m.podsWithMetrics === 0) return false;
  return m.cpuMillicores >= share * m.cpuLimitMillicores;
}

const FAILING_POD_REASONS = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError']);

/**
 * SentinelOps' refusals beyond upstream's arithmetic. Partial metrics: a ready (serving) pod without a sample means
 * the evidence is incomplete. Failing: pods crash-looping or unable to start their image, or a rollout still
 * replacing pods — shrinking such a deployment removes healthy capacity while the broken pods keep counting toward
 * spec.replicas. Pods that are merely starting, not yet ready or Pending do not block: the calculation leaves them
 * out on scale-down, as upstream does, and a scale-down removes Pending pods first — so a deployment whose
 * scale-up hit the cluster's capacity (progress deadline exceeded, one revision) shrinks again when the load falls.
 */
function scaleDownGuard(d: DeploymentView, pods: PodView[], m: DeploymentMetrics): { reason: string; message: string } | undefined {
  if (!m.complete || pods.some((p) => p.ready && p.cpuMillicores === undefined && hasPerPodMetrics(pods))) {
    return { reason: 'PartialMetrics', message: 'some ready pods have no metrics: never scale down on partial evidence' };
  }
  const failing = pods.filter((p) => p.reason !== undefined && FAILING_POD_REASONS.has(p.reason));
  if (failing.length > 0) {
    return { reason: 'Failing', message: `${failing.length} pod(s) are ${failing[0]!.reason}: no capacity is removed from a failing deployment` };
  }
  const stale = pods.filter((p) => p.revision !== undefined && d.revision !== undefined && p.revision !== d.revision);
  if (d.updatedReplicas < d.replicas || stale.length > 0) {
    return { reason: 'RolloutInProgress', message: `a rollout is in progress (${d.updatedReplicas}/${d.replicas} updated): no scale-down until it completes` };
  }
  return undefined;
}

function hasPerPodMetrics(pods: PodView[]): boolean {
  return pods.some((p) => p.cpuMillicores !== undefined);
}

/**
 * Per-pod samples for the calculator. When the monitor only has the deployment aggregate, the ready pods share it
 * evenly and any pods beyond podsWithMetrics count as missing, which keeps the conservative rules in force.
 */
export function usages(pods: PodView[], m: DeploymentMetrics, resource: 'cpu' | 'memory'): PodUsage[] {
  const perPodRequest =
    resource === 'cpu' ? m.cpuRequestMillicores / Math.max(1, m.podsWithMetrics) : (m.memoryRequestBytes ?? 0) / Math.max(1, m.podsWithMetrics);
  if (hasPerPodMetrics(pods)) {
    return pods.map((p) => ({
      ready: p.ready,
      usage: resource === 'cpu' ? p.cpuMillicores : p.memoryBytes,
      request: (resource === 'cpu' ? p.cpuRequestMillicores : p.memoryRequestBytes) ?? perPodRequest,
      pending: p.phase === 'Pending',
    }));
  }
  const total = resource === 'cpu' ? m.cpuMillicores : (m.memoryBytes ?? (m.memoryUtilization / 100) * (m.memoryRequestBytes ?? 0));
  const perPodUsage = total / Math.max(1, m.podsWithMetrics);
  let sampled = 0;
  return pods.map((p) => {
    const request = (resource === 'cpu' ? p.cpuRequestMillicores : p.memoryRequestBytes) ?? perPodRequest;
    if (p.ready && sampled < m.podsWithMetrics) {
      sampled++;
      return { ready: true, usage: perPodUsage, request };
    }
    return { ready: p.ready, usage: undefined, request, pending: p.phase === 'Pending' };
  });
}

/** The last memory-driven scale-up in the window did not bring per-pod memory utilization down. */
export function memoryScalingFailed(history: History, key: string, memoryUtilization: number, now: number, windowSeconds: number): boolean {
  const last = actionsOn(history, key, now - windowSeconds * 1000, ['scale'])
    .filter((a) => a.findingType === 'memory_pressure' && a.to !== undefined && a.from !== undefined && a.to > a.from)
    .at(-1);
  return last?.observed !== undefined && memoryUtilization >= last.observed * 0.95;
}
