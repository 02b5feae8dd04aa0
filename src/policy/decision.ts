/** What decide returns: one record per considered action, including the ones it chose not to take and why. */
import type { FindingType, Severity, TargetKind } from './findings.js';
import type { Step } from './hpa.js';

export type Action = 'scale' | 'restart' | 'delete_pod' | 'rollback' | 'escalate' | 'none';

/** The MCP tools the runner calls for each mutating action. */
export type ToolName = 'scale_deployment' | 'restart_deployment' | 'delete_pod' | 'rollback_deployment';

export const TOOL_FOR: Record<'scale' | 'restart' | 'delete_pod' | 'rollback', ToolName> = {
  scale: 'scale_deployment',
  restart: 'restart_deployment',
  delete_pod: 'delete_pod',
  rollback: 'rollback_deployment',
};

/** How the replica count was reached, step by step, like an HPA's status conditions. */
export interface ScalingTrace {
  current: number;
  /** The raw recommendation (what the stabilization window remembers). */
  recommendation: number;
  /** After stabilize → rate-limit → clamp. */
  desired: number;
  steps: { calculate: Step; stabilize: Step; rateLimit: Step; clamp: Step };
  cpuUtilization?: number;
  memoryUtilization?: number;
}

export interface Decision {
  action: Action;
  tool?: ToolName;
  arguments?: Record<string, unknown>;
  /** CamelCase machine reason (CrashLoopRestart, ScaleDownStabilized, ProtectedNamespace, ...). */
  reason: string;
  /** One human sentence: what and why. */
  message: string;
  kind: TargetKind;
  namespace?: string;
  target: string;
  findingType?: FindingType;
  severity: Severity;
  scaling?: ScalingTrace;
  /** Metric value behind the action, kept in history to judge later whether the action helped. */
  observed?: number;
  /**
   * Evidence the runner collects before this decision is recorded (an escalation a human will read): the previous
   * container's log tail and recent events of these pods. Filled into `evidence` by src/agent/evidence.ts.
   */
  gather?: { pods: string[] };
  /** What the runner collected for `gather`, as readable lines. */
  evidence?: string[];
}

export const MUTATING: ReadonlySet<Action> = new Set(['scale', 'restart', 'delete_pod', 'rollback']);

/**
 * Fills tool and arguments for a mutating action, in the MCP tools' input schemas (tools/*.ts):
 * scale_deployment/restart_deployment/rollback_deployment take {namespace, deployment, ...}, delete_pod {namespace, pod};
 * rollback's toRevision is a number there, while revisions travel as strings through the observation.
 */
export function withTool(d: Omit<Decision, 'tool' | 'arguments'>, extra: Record<string, unknown> = {}): Decision {
  if (d.action === 'none' || d.action === 'escalate') return d;
  const tool = TOOL_FOR[d.action];
  if (d.action === 'delete_pod') return { ...d, tool, arguments: { namespace: d.namespace, pod: extra.pod } };
  const { toRevision, ...rest } = extra;
  return {
    ...d,
    tool,
    arguments: { namespace: d.namespace, deployment: d.target, ...rest, ...(toRevision !== undefined ? { toRevision: Number(toRevision) } : {}) },
  };
}

/** The same decision, downgraded to no action, keeping the trace so the record shows what was held back. */
export function hold(d: Decision, reason: string, message: string): Decision {
  const { tool: _t, arguments: _a, ...rest } = d;
  return { ...rest, action: 'none', reason, message: `${message} (would have: ${d.message})` };
}
