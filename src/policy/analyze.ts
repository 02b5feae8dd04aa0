/**
 * analyze(observation, now): what is wrong, where, how badly, and the evidence for it. Pure: the clock is the
 * `now` argument and the thresholds come from the policy. It judges one snapshot; what happened before
 * (restarts already tried, revisions that were healthy) is decide's business, through History.
 */
import type { Finding, FindingType, Severity } from './findings.js';
import { type DeploymentView, type Observation, type PodView, deploymentKey, isTerminating, podsOf } from './observation.js';
import { cpuOverloadThreshold } from './cpu-tolerance.js';
import { type AgentPolicy, DEFAULT_POLICY, type Thresholds } from './settings.js';

export interface AnalyzeOptions {
  thresholds: Thresholds;
  containerCreatingTimeoutSeconds: number;
  crashRecentSeconds: number;
  /** A container in CrashLoopBackOff is crash LOOPING when its last run was shorter than this... */
  crashLoopRunSeconds: number;
  /** ...or when it has restarted this often and its last run was shorter than the kubelet's back-off reset. */
  crashLoopMinRestarts: number;
  /** An unready pod younger than this is starting, not failing. */
  startupGraceSeconds: number;
  recentRolloutSeconds: number;
  saturationShare: number;
  /** CPU overload starts above this, not at thresholds.cpuHigh: within the HPA tolerance of the target (cpu-tolerance.ts). */
  cpuOverloadAt?: number;
}

export function analyzeOptions(policy: AgentPolicy = DEFAULT_POLICY): AnalyzeOptions {
  return {
    thresholds: policy.thresholds,
    containerCreatingTimeoutSeconds: policy.healing.containerCreatingTimeoutSeconds,
    crashRecentSeconds: policy.healing.crashRecentSeconds,
    crashLoopRunSeconds: policy.healing.crashLoopRunSeconds,
    crashLoopMinRestarts: 3,
    startupGraceSeconds: 120,
    recentRolloutSeconds: policy.healing.recentRolloutSeconds,
    saturationShare: policy.scaling.saturationShare,
    cpuOverloadAt: cpuOverloadThreshold(policy),
  };
}

/** The kubelet resets a container's crash back-off once it has run this long. */
const KUBELET_BACKOFF_RESET_SECONDS = 600;

const IMAGE_PULL_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName']);

export function analyze(obs: Observation, now: number, options: AnalyzeOptions = analyzeOptions()): Finding[] {
  const notReadyNodes = new Set(obs.nodes.filter((n) => !n.ready).map((n) => n.name));
  const findings: Finding[] = [];
  if (!obs.metricsAvailable) {
    findings.push({
      type: 'metrics_unavailable',
      severity: 'medium',
      kind: 'cluster',
      target: 'metrics',
      evidence: {},
      message: 'the metrics pipeline did not answer: scaling is blind until it returns',
    });
  }
  findings.push(...nodeFindings(obs));
  for (const d of obs.deployments) {
    findings.push(...podFindings(podsOf(obs, d), { kind: 'deployment', namespace: d.namespace, target: d.name }, d, notReadyNodes, now, options));
    findings.push(...rolloutFindings(d));
    if (obs.metricsAvailable) findings.push(...metricFindings(obs, d, options));
  }
  for (const p of obs.pods) {
    if (p.ownerDeployment || p.phase === 'Succeeded') continue;
    findings.push(...podFindings([p], { kind: 'pod', namespace: p.namespace, target: p.name }, undefined, notReadyNodes, now, options));
  }
  return findings;
}

function nodeFindings(obs: Observation): Finding[] {
  const down = obs.nodes.filter((n) => !n.ready);
  return down.map((n) => {
    const pods = obs.pods.filter((p) => p.node === n.name && !isTerminating(p));
    const deployments = [...new Set(pods.filter((p) => p.ownerDeployment).map((p) => `${p.namespace}/${p.ownerDeployment}`))];
    return {
      type: 'node_not_ready' as const,
      severity: (down.length * 2 >= obs.nodes.length ? 'critical' : 'high') as Severity,
      kind: 'node' as const,
      target: n.name,
      pods: pods.map((p) => `${p.namespace}/${p.name}`),
      evidence: { notReadySince: n.notReadySince, podsOnNode: pods.length, deployments, nodesNotReady: down.length, nodes: obs.nodes.length },
      message: `node ${n.name} is NotReady with ${pods.length} pod(s) on it (${down.length}/${obs.nodes.length} nodes down); its pods are left for the node lifecycle controller to evict`,
    };
  });
}

interface Subject {
  kind: 'deployment' | 'pod';
  namespace: string;
  target: string;
}

/** Severity of a pod problem grows with how much of the deployment it takes down. */
function podSeverity(base: Severity, d: DeploymentView | undefined): Severity {
  if (!d) return base;
  if (d.replicas > 0 && d.readyReplicas === 0) return 'critical';
  return base;
}

function podFindings(
  allPods: PodView[],
  subject: Subject,
  d: DeploymentView | undefined,
  notReadyNodes: Set<string>,
  now: number,
  o: AnalyzeOptions,
): Finding[] {
  const pods = allPods.filter((p) => !isTerminating(p) && !(p.node && notReadyNodes.has(p.node)));
  const out: Finding[] = [];
  const explained = new Set<string>();
  const rollout = d ? rolloutEvidence(d, pods, now, o) : {};
  const add = (type: FindingType, base: Severity, group: PodView[], evidence: Record<string, unknown>, message: string) => {
    if (group.length === 0) return;
    for (const p of group) explained.add(p.name);
    out.push({ type, severity: podSeverity(base, d), ...subject, pods: group.map((p) => p.name), evidence, message });
  };
  const what = `${subject.kind} ${subject.namespace}/${subject.target}`;
  const recent = (p: PodView) => p.lastTerminatedAt !== undefined && now - p.lastTerminatedAt <= o.crashRecentSeconds * 1000;

  const oom = pods.filter((p) => p.reason === 'OOMKilled' || (p.lastTerminationReason === 'OOMKilled' && (p.reason === 'CrashLoopBackOff' || recent(p))));
  const limit = oom.find((p) => p.memoryLimitBytes)?.memoryLimitBytes;
  add(
    'oom_killed',
    'high',
    oom,
    { ...rollout, memoryLimitBytes: limit, recommendedMemoryLimitBytes: limit ? recommendMemoryLimit(limit) : undefined },
    `${oom.length} pod(s) of ${what} were OOMKilled${limit ? `: raise the memory limit from ${mib(limit)} to at least ${mib(recommendMemoryLimit(limit))}` : ': set or raise the memory limit'}; restarting will not help`,
  );

  // The kubelet says CrashLoopBackOff from the first crash on; a pod that ran for minutes or days and crashed once
  // or twice is a crash (the kubelet restarts it), not a loop to act on. A loop: a crash right after start, or
  // repeated crashes after runs too short for the kubelet to forget its back-off (10 min) — a slow loop.
  const looping = (p: PodView) =>
    p.lastRunSeconds === undefined
      ? p.restarts >= o.crashLoopMinRestarts
      : p.lastRunSeconds < o.crashLoopRunSeconds || (p.restarts >= o.crashLoopMinRestarts && p.lastRunSeconds < KUBELET_BACKOFF_RESET_SECONDS);
  const crash = pods.filter((p) => p.reason === 'CrashLoopBackOff' && looping(p) && !explained.has(p.name));
  add(
    'crash_loop',
    'high',
    crash,
    { ...rollout, restarts: Math.max(0, ...crash.map((p) => p.restarts)), lastTerminationReason: crash[0]?.lastTerminationReason },
    `${crash.length} pod(s) of ${what} are in CrashLoopBackOff (up to ${Math.max(0, ...crash.map((p) => p.restarts))} restarts)`,
  );

  const pull = pods.filter((p) => p.reason !== undefined && IMAGE_PULL_REASONS.has(p.reason));
  add(
    'image_pull_error',
    'high',
    pull,
    { ...rollout, reason: pull[0]?.reason, detail: pull[0]?.message },
    `${pull.length} pod(s) of ${what} cannot pull their image (${pull[0]?.reason}${pull[0]?.message ? `: ${pull[0].message}` : ''})`,
  );

  const pending = pods.filter((p) => p.phase === 'Pending' && (!p.scheduled || p.reason === 'Unschedulable'));
  const missing = missingResources(pending);
  add(
    'unschedulable',
    'high',
    pending,
    { ...rollout, missingResources: missing, schedulerMessage: pending[0]?.unschedulableMessage },
    `${pending.length} pod(s) of ${what} cannot be scheduled: ${missing.length ? `not enough ${missing.join(', ')} on any node` : (pending[0]?.unschedulableMessage ?? 'no node fits')}${requestText(pending[0])}`,
  );

  const stuck = pods.filter((p) => {
    const since = p.containerCreatingSince ?? (p.reason === 'ContainerCreating' ? p.createdAt : undefined);
    return since !== undefined && now - since > o.containerCreatingTimeoutSeconds * 1000 && !explained.has(p.name);
  });
  add(
    'stuck_creating',
    'medium',
    stuck,
    { timeoutSeconds: o.containerCreatingTimeoutSeconds },
    `${stuck.length} pod(s) of ${what} have been in ContainerCreating for over ${o.containerCreatingTimeoutSeconds}s`,
  );

  const crashed = pods.filter((p) => recent(p) && p.lastTerminationReason !== 'Completed' && !explained.has(p.name));
  add(
    'pod_crashed',
    'medium',
    crashed,
    { lastTerminationReason: crashed[0]?.lastTerminationReason, restarts: crashed[0]?.restarts },
    `${crashed.length} pod(s) of ${what} crashed recently (${crashed[0]?.lastTerminationReason ?? 'terminated'}); the kubelet restarts them`,
  );

  if (d && d.readyReplicas < d.replicas) {
    const onDownNodes = allPods.filter((p) => p.node && notReadyNodes.has(p.node) && !isTerminating(p)).length;
    const failing = pods.filter((p) => !p.ready && !explained.has(p.name) && now - p.createdAt > o.startupGraceSeconds * 1000);
    const absent = Math.max(0, d.replicas - allPods.filter((p) => !isTerminating(p)).length);
    // Pods that do not exist yet are the ReplicaSet's job; a pod that exists and stays unready is a problem.
    if (failing.length > 0) {
      const severity: Severity = d.readyReplicas === 0 ? 'critical' : d.readyReplicas * 2 < d.replicas ? 'high' : 'medium';
      out.push({
        type: 'replicas_unavailable',
        severity,
        ...subject,
        pods: failing.map((p) => p.name),
        evidence: { ready: d.readyReplicas, desired: d.replicas, unreadyPods: failing.length, absentPods: absent, onNotReadyNodes: onDownNodes },
        message: `${what} has ${d.readyReplicas}/${d.replicas} ready replicas${failing.length ? `; ${failing.length} pod(s) unready past startup` : ''}`,
      });
    }
  }
  return out;
}

/** What decide needs to judge a rollback: how young the revision is and whether the failures are the new revision's. */
function rolloutEvidence(d: DeploymentView, pods: PodView[], now: number, o: AnalyzeOptions): Record<string, unknown> {
  const ageSeconds = d.rolloutStartedAt !== undefined ? Math.round((now - d.rolloutStartedAt) / 1000) : undefined;
  const previousPodsReady = d.previousRevision !== undefined ? pods.filter((p) => p.revision === d.previousRevision).some((p) => p.ready) : undefined;
  return {
    revision: d.revision,
    previousRevision: d.previousRevision,
    rolloutAgeSeconds: ageSeconds,
    recentRollout: ageSeconds !== undefined && ageSeconds <= o.recentRolloutSeconds && d.previousRevision !== undefined,
    previousRevisionPodsReady: previousPodsReady,
    images: d.images,
  };
}

function rolloutFindings(d: DeploymentView): Finding[] {
  const stalled = d.conditions.find((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded');
  if (!stalled || d.paused) return [];
  return [
    {
      type: 'bad_rollout',
      severity: d.readyReplicas === 0 ? 'critical' : 'high',
      kind: 'deployment',
      namespace: d.namespace,
      target: d.name,
      evidence: { revision: d.revision, previousRevision: d.previousRevision, updatedReplicas: d.updatedReplicas, condition: stalled },
      message: `rollout of ${deploymentKey(d)} revision ${d.revision ?? '?'} exceeded its progress deadline${stalled.message ? `: ${stalled.message}` : ''}`,
    },
  ];
}

function metricFindings(obs: Observation, d: DeploymentView, o: AnalyzeOptions): Finding[] {
  const m = obs.metrics[deploymentKey(d)];
  if (!m || m.podsWithMetrics === 0) return [];
  const out: Finding[] = [];
  const t = o.thresholds;
  const subject = { kind: 'deployment' as const, namespace: d.namespace, target: d.name };
  const perPodLimit = m.cpuLimitMillicores && m.podsWithMetrics ? m.cpuLimitMillicores / m.podsWithMetrics : undefined;
  const saturated = perPodLimit !== undefined && m.cpuMillicores / m.podsWithMetrics >= o.saturationShare * perPodLimit;
  const evidence = {
    cpuUtilization: m.cpuUtilization,
    memoryUtilization: m.memoryUtilization,
    podsWithMetrics: m.podsWithMetrics,
    complete: m.complete,
    saturated,
  };
  if (m.cpuUtilization > (o.cpuOverloadAt ?? t.cpuHigh)) {
    out.push({
      type: 'cpu_overload',
      severity: saturated ? 'critical' : 'high',
      ...subject,
      evidence: { ...evidence, threshold: t.cpuHigh },
      message: `CPU usage (${m.cpuUtilization.toFixed(1)}% of request) exceeds threshold (${t.cpuHigh}%)${saturated ? '; pods are at their CPU limit' : ''}`,
    });
  } else if (m.cpuUtilization < t.cpuLow) {
    out.push({
      type: 'cpu_underload',
      severity: 'low',
      ...subject,
      evidence: { ...evidence, threshold: t.cpuLow },
      message: `CPU usage (${m.cpuUtilization.toFixed(1)}% of request) is below threshold (${t.cpuLow}%)`,
    });
  }
  if (m.memoryUtilization > t.memoryHigh) {
    out.push({
      type: 'memory_pressure',
      severity: 'high',
      ...subject,
      evidence: { ...evidence, threshold: t.memoryHigh },
      message: `memory usage (${m.memoryUtilization.toFixed(1)}% of request) exceeds threshold (${t.memoryHigh}%)`,
    });
  }
  return out;
}

/** "0/3 nodes are available: 3 Insufficient cpu, 2 Insufficient memory." → ['cpu', 'memory'] */
export function missingResources(pods: PodView[]): string[] {
  const found = new Set<string>();
  for (const p of pods) {
    for (const m of (p.unschedulableMessage ?? p.message ?? '').matchAll(/Insufficient ([\w./-]*[\w])/g)) found.add(m[1]!);
  }
  return [...found].sort();
}

function requestText(p: PodView | undefined): string {
  if (!p) return '';
  const parts: string[] = [];
  if (p.cpuRequestMillicores !== undefined) parts.push(`cpu ${p.cpuRequestMillicores}m`);
  if (p.memoryRequestBytes !== undefined) parts.push(`memory ${mib(p.memoryRequestBytes)}`);
  return parts.length ? ` (each pod requests ${parts.join(', ')})` : '';
}

/** 1.5 × the limit that was hit, rounded up to 64 MiB: enough headroom to see whether it is a leak or a size. */
export function recommendMemoryLimit(limitBytes: number): number {
  const step = 64 * 1024 * 1024;
  return Math.ceil((limitBytes * 1.5) / step) * step;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))}Mi`;
}
