/**
 * What the server's agent_status and agent_run_cycle tools see of an agent running in the same process, as plain
 * JSON shapes (zod, so the tools' output schemas are these). The runner implements AgentControl; the service
 * context carries it when `serve --agent` (or `demo`) runs one.
 */
import { z } from 'zod';

export const CycleJsonSchema = z.object({
  cycle: z.number().int(),
  mode: z.enum(['act', 'dry-run', 'plan']).describe('act: acted; dry-run: recommend-only; plan: nothing recorded'),
  trigger: z.string(),
  at: z.string(),
  wallMs: z.number(),
  skipped: z.string().optional().describe('why nothing was done, e.g. another runner holds the leader lease'),
  error: z.string().optional(),
  findings: z.array(z.object({ type: z.string(), severity: z.string(), namespace: z.string().nullable(), target: z.string(), message: z.string() })),
  decisions: z.array(
    z.object({
      action: z.string(),
      tool: z.string().nullable(),
      arguments: z.record(z.unknown()).nullable(),
      reason: z.string(),
      message: z.string(),
      namespace: z.string().nullable(),
      target: z.string(),
      severity: z.string(),
    }),
  ),
  results: z.array(z.object({ tool: z.string(), arguments: z.record(z.unknown()), ok: z.boolean(), dryRun: z.boolean(), message: z.string() })),
  incidents: z.object({ opened: z.array(z.string()), resolved: z.array(z.string()), escalated: z.array(z.string()), failed: z.array(z.string()) }).nullable(),
});
export type CycleJson = z.infer<typeof CycleJsonSchema>;

export const AgentStatusSchema = z.object({
  running: z.boolean().describe('the periodic loop is started'),
  leader: z.boolean().describe('this runner holds the leader lease (or leader election is off)'),
  identity: z.string(),
  policy: z.string(),
  dryRun: z.boolean(),
  intervalSeconds: z.number(),
  namespaces: z.array(z.string()).describe('empty = all namespaces'),
  cycles: z.number().int(),
  lastCycle: CycleJsonSchema.nullable(),
  openIncidents: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      namespace: z.string(),
      target: z.string(),
      severity: z.string(),
      outcome: z.string(),
      detectedAt: z.string(),
    }),
  ),
});
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

/** One cluster's runner as agent_status lists it (agent.clusters: one loop and one Lease per cluster). */
export const ClusterRunnerSchema = z.object({
  cluster: z.string(),
  reachable: z.boolean().nullable().describe("the cluster's API server answered /version lately; null: not probed"),
  unreachableReason: z.string().optional(),
  running: z.boolean(),
  leader: z.boolean().describe("this runner holds the cluster's leader Lease"),
  identity: z.string(),
  dryRun: z.boolean(),
  cycles: z.number().int(),
  lastCycleAt: z.string().nullable(),
  lastCycleMs: z.number().nullable(),
  lastSkipped: z.string().nullable().describe('why the last cycle did nothing (e.g. not the leader)'),
  lastError: z.string().nullable().describe("the last cycle's error"),
  findings: z.number().int().describe('findings of the last cycle'),
  actions: z.number().int().describe('actions of the last cycle'),
  openIncidents: z.number().int(),
});
export type ClusterRunner = z.infer<typeof ClusterRunnerSchema>;

/** agent_status: the runner asked for (or the first cluster's), and with agent.clusters every cluster's runner. */
export const AgentStatusWithClustersSchema = AgentStatusSchema.extend({
  clusters: z.array(ClusterRunnerSchema).optional().describe('with agent.clusters: every cluster runner, in configuration order'),
});
export type AgentStatusWithClusters = z.infer<typeof AgentStatusWithClustersSchema>;

/** agent_run_cycle over every cluster: each one's cycle, the top level their union. */
export const CycleRunSchema = CycleJsonSchema.extend({
  clusters: z
    .array(CycleJsonSchema.extend({ cluster: z.string() }))
    .optional()
    .describe('with agent.clusters and no `cluster`: the cycle of each cluster (the top level is their union)'),
});
export type CycleRun = z.infer<typeof CycleRunSchema>;

export interface AgentControl {
  /** `cluster`: that cluster's runner (agent.clusters); without it the first one's, plus every cluster's in `clusters` */
  status(opts?: { cluster?: string }): AgentStatusWithClusters;
  /** dryRun: decide and ask the server for the plan of each action (audited as dry runs); no incident, no change. */
  runCycleJson(opts: { dryRun: boolean; trigger: string; cluster?: string }): Promise<CycleRun>;
  /** The clusters this agent runs a loop for (agent.clusters); absent: one loop on the default cluster. */
  clusters?(): string[];
  /** Runs a cycle as soon as possible (debounced), e.g. when an Alertmanager alert fires. */
  trigger?(reason: string): void;
}
