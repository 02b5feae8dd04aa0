/**
 * Rehearsal accounting, pure: from a time series of samples and the incidents and actions of a run, the `--json`
 * report of issue #5. Each sample holds until the next one (the last until the end of the run), so the figures
 * are exact integrals of what the sampler saw. Times in the report are seconds since the scenario started.
 */
import { mttr } from '../base/stats.js';
import { type OracleInput, type Slo, agentDisruptions, oracleReplicaSeconds, sloViolationSeconds, unservedCpuSeconds } from './referee.js';

export interface DeploymentSample {
  /** spec.replicas: what the deployment is paying for. */
  replicas: number;
  readyReplicas: number;
  /** Total CPU demand of the workload (millicores). */
  demandMillicores: number;
  /** What one ready pod can serve: its CPU limit, or its request when it has no limit (millicores). */
  podCapacityMillicores: number;
  image: string;
  /** Restart count per pod name, as seen in this sample. */
  podRestarts?: Record<string, number>;
  /** The pod template's CPU request and limit (millicores), for the oracle. */
  podRequestMillicores?: number;
  podLimitMillicores?: number;
  /** What users see (the simulator's queue model): p95 latency, queue wait, work waiting (millicore-seconds). */
  p95LatencyMs?: number;
  queueWaitSeconds?: number;
  backlog?: number;
  /** Cumulative millicore-seconds of work arrived and dropped (timed out or failed). */
  arrived?: number;
  dropped?: number;
}

export interface Sample {
  /** Epoch ms. */
  at: number;
  deployments: Record<string, DeploymentSample>;
}

export type IncidentOutcome = 'resolved' | 'failed' | 'escalated' | 'open';

export interface IncidentRecord {
  id: string;
  type: string;
  severity: string;
  namespace?: string;
  target: string;
  detectedAt: number;
  resolvedAt?: number;
  outcome: IncidentOutcome;
  actions: IncidentActionRecord[];
}

/** An action as the incident record keeps it (at: ISO time of the virtual clock). */
export interface IncidentActionRecord {
  at: string;
  tool: string;
  ok: boolean;
  reason: string;
}

export interface ActionRecordIn {
  at: number;
  tool: string;
  arguments: Record<string, unknown>;
  ok: boolean;
}

export interface DeploymentReport {
  replicaSeconds: number;
  overloadSeconds: number;
  unavailableSeconds: number;
  finalReplicas: number;
  finalReadyReplicas: number;
  finalImage: string;
  podRestarts: number;
  /** The referee's figures (referee.ts); present when the run had SLOs. */
  sloViolationSeconds?: number;
  unservedCpuSeconds?: number;
  /** Container restarts + pods deleted by the agent + rollouts it started. */
  disruptions?: number;
  actions?: number;
  oracleReplicaSeconds?: number;
}

export interface RehearsalReport {
  scenario: string;
  policy: string;
  simulatedSeconds: number;
  wallSeconds: number;
  incidents: Array<Omit<IncidentRecord, 'detectedAt' | 'resolvedAt'> & { detectedAt: number; resolvedAt: number | null; mttrSeconds: number | null }>;
  actions: ActionRecordIn[];
  summary: {
    incidents: number;
    resolved: number;
    escalated: number;
    /** Resolved and not back (same type and target) within 10 minutes. */
    successful: number;
    /** resolved / incidents; null when there were no incidents. */
    resolutionRate: number | null;
    mttrSeconds: { mean: number | null; p50: number | null; p95: number | null };
    actions: number;
  };
  deployments: Record<string, DeploymentReport>;
  /** The seed the run used. */
  seed?: number;
  /** No fault events: the oracle bound is meaningful. */
  loadOnly?: boolean;
  /** Sums over deployments, and the policy's replica-seconds over the oracle's. */
  totals?: {
    sloViolationSeconds: number;
    unservedCpuSeconds: number;
    replicaSeconds: number;
    disruptions: number;
    actions: number;
    oracleReplicaSeconds: number | null;
    oracleRatio: number | null;
  };
}

export const RECURRENCE_WINDOW_SECONDS = 600;

export interface ReportInput {
  scenario: string;
  policy: string;
  /** Epoch ms of scenario time 0 and of its end. */
  startedAt: number;
  endedAt: number;
  wallSeconds: number;
  samples: readonly Sample[];
  incidents: readonly IncidentRecord[];
  actions: readonly ActionRecordIn[];
  /** With SLOs, the referee's figures are added per deployment and in `totals`. */
  referee?: {
    seed: number;
    loadOnly: boolean;
    slo: Record<string, Slo>;
    oracle: Record<string, OracleInput>;
  };
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export function accountDeployments(samples: readonly Sample[], endedAt: number): Record<string, DeploymentReport> {
  const out: Record<string, DeploymentReport> = {};
  const restarts: Record<string, Record<string, number>> = {};
  samples.forEach((s, i) => {
    const until = i + 1 < samples.length ? samples[i + 1]!.at : Math.max(endedAt, s.at);
    const dt = Math.max(0, until - s.at) / 1000;
    for (const [key, d] of Object.entries(s.deployments)) {
      const r = (out[key] ??= {
        replicaSeconds: 0,
        overloadSeconds: 0,
        unavailableSeconds: 0,
        finalReplicas: 0,
        finalReadyReplicas: 0,
        finalImage: '',
        podRestarts: 0,
      });
      r.replicaSeconds += d.replicas * dt;
      if (d.demandMillicores > d.readyReplicas * d.podCapacityMillicores) r.overloadSeconds += dt;
      if (d.readyReplicas === 0) r.unavailableSeconds += dt;
      r.finalReplicas = d.replicas;
      r.finalReadyReplicas = d.readyReplicas;
      r.finalImage = d.image;
      // Restart counts only grow while a pod lives; a pod's highest count is its total.
      const seen = (restarts[key] ??= {});
      for (const [pod, n] of Object.entries(d.podRestarts ?? {})) seen[pod] = Math.max(seen[pod] ?? 0, n);
    }
  });
  for (const [key, r] of Object.entries(out)) {
    r.replicaSeconds = round(r.replicaSeconds);
    r.overloadSeconds = round(r.overloadSeconds);
    r.unavailableSeconds = round(r.unavailableSeconds);
    r.podRestarts = Object.values(restarts[key] ?? {}).reduce((a, b) => a + b, 0);
  }
  return out;
}

export function buildReport(input: ReportInput): RehearsalReport {
  const rel = (ms: number) => round((ms - input.startedAt) / 1000);
  const incidents = input.incidents.map((i) => ({
    ...i,
    detectedAt: rel(i.detectedAt),
    resolvedAt: i.resolvedAt !== undefined ? rel(i.resolvedAt) : null,
    mttrSeconds: i.outcome === 'resolved' && i.resolvedAt !== undefined ? round((i.resolvedAt - i.detectedAt) / 1000) : null,
  }));
  const resolved = input.incidents.filter((i) => i.outcome === 'resolved' && i.resolvedAt !== undefined);
  const successful = resolved.filter(
    (i) =>
      !input.incidents.some(
        (j) =>
          j !== i &&
          j.type === i.type &&
          j.target === i.target &&
          j.namespace === i.namespace &&
          j.detectedAt >= i.resolvedAt! &&
          j.detectedAt - i.resolvedAt! <= RECURRENCE_WINDOW_SECONDS * 1000,
      ),
  );
  const { mean, p50, p95 } = mttr(resolved.map((i) => ({ detectedAt: i.detectedAt, resolvedAt: i.resolvedAt! })));
  return {
    scenario: input.scenario,
    policy: input.policy,
    simulatedSeconds: round((input.endedAt - input.startedAt) / 1000),
    wallSeconds: round(input.wallSeconds),
    incidents,
    actions: input.actions.map((a) => ({ ...a, at: rel(a.at) })),
    summary: {
      incidents: input.incidents.length,
      resolved: resolved.length,
      escalated: input.incidents.filter((i) => i.outcome === 'escalated').length,
      successful: successful.length,
      resolutionRate: input.incidents.length ? round(resolved.length / input.incidents.length, 4) : null,
      mttrSeconds: { mean, p50, p95 },
      actions: input.actions.length,
    },
    deployments: accountDeployments(input.samples, input.endedAt),
    ...(input.referee ? referee(input, input.referee) : {}),
  };
}

function referee(input: ReportInput, r: NonNullable<ReportInput['referee']>): Pick<RehearsalReport, 'deployments' | 'seed' | 'loadOnly' | 'totals'> {
  const deployments = accountDeployments(input.samples, input.endedAt);
  const keys = Object.keys(deployments);
  const byAgent = agentDisruptions(input.actions, keys);
  const totals = {
    sloViolationSeconds: 0,
    unservedCpuSeconds: 0,
    replicaSeconds: 0,
    disruptions: 0,
    actions: 0,
    oracleReplicaSeconds: 0 as number | null,
    oracleRatio: null as number | null,
  };
  for (const k of keys) {
    const d = deployments[k]!;
    const slo = r.slo[k];
    if (!slo) continue;
    d.sloViolationSeconds = round(sloViolationSeconds(input.samples, k, slo, input.endedAt));
    d.unservedCpuSeconds = round(unservedCpuSeconds(input.samples, k));
    d.disruptions = d.podRestarts + (byAgent[k]?.disruptions ?? 0);
    d.actions = byAgent[k]?.actions ?? 0;
    const o = r.oracle[k] ? oracleReplicaSeconds(input.samples, k, slo, r.oracle[k], input.endedAt) : undefined;
    if (o !== undefined) d.oracleReplicaSeconds = round(o);
    totals.sloViolationSeconds += d.sloViolationSeconds;
    totals.unservedCpuSeconds += d.unservedCpuSeconds;
    totals.replicaSeconds += d.replicaSeconds;
    totals.disruptions += d.disruptions;
    totals.actions += d.actions;
    totals.oracleReplicaSeconds = o === undefined || totals.oracleReplicaSeconds === null ? null : totals.oracleReplicaSeconds + o;
  }
  if (totals.oracleReplicaSeconds) totals.oracleRatio = round(totals.replicaSeconds / totals.oracleReplicaSeconds, 4);
  totals.sloViolationSeconds = round(totals.sloViolationSeconds);
  totals.unservedCpuSeconds = round(totals.unservedCpuSeconds);
  totals.replicaSeconds = round(totals.replicaSeconds);
  if (totals.oracleReplicaSeconds !== null) totals.oracleReplicaSeconds = round(totals.oracleReplicaSeconds);
  return { deployments, seed: r.seed, loadOnly: r.loadOnly, totals };
}
