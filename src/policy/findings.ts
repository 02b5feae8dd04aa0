/** What analyze reports: one finding per problem and target, with the evidence decide and humans need. */

export type FindingType =
  | 'cpu_overload'
  | 'cpu_underload'
  | 'memory_pressure'
  | 'crash_loop'
  | 'image_pull_error'
  | 'bad_rollout'
  | 'unschedulable'
  | 'stuck_creating'
  | 'oom_killed'
  | 'memory_leak'
  | 'node_not_ready'
  | 'pod_crashed'
  | 'replicas_unavailable'
  | 'metrics_unavailable';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export function raiseSeverity(s: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(s) + 1, SEVERITIES.length - 1)]!;
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

/** deployment: target is a deployment name; pod: a bare pod; node: a node (no namespace); cluster: the whole. */
export type TargetKind = 'deployment' | 'pod' | 'node' | 'cluster';

export interface Finding {
  type: FindingType;
  severity: Severity;
  kind: TargetKind;
  /** Absent for node and cluster findings. */
  namespace?: string;
  target: string;
  /** Pods the finding is about, when it is about some pods of the target. */
  pods?: string[];
  evidence: Record<string, unknown>;
  message: string;
}

/** Stable identity of "this problem on this target": incidents, backoff and caps are keyed by it. */
export function targetKey(f: { kind: TargetKind; namespace?: string; target: string }): string {
  return f.kind === 'deployment' || f.kind === 'pod' ? `${f.namespace}/${f.target}` : `${f.kind}/${f.target}`;
}

export function incidentKey(f: { type: FindingType; kind: TargetKind; namespace?: string; target: string }): string {
  return `${f.type}:${targetKey(f)}`;
}
