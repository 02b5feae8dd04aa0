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

export interface AgentControl {
  status(): AgentStatus;
  /** dryRun: decide and ask the server for the plan of each action (audited as dry runs); no incident, no change. */
  runCycleJson(opts: { dryRun: boolean; trigger: string }): Promise<CycleJson>;
  /** Runs a cycle as soon as possible (debounced), e.g. when an Alertmanager alert fires. */
  trigger?(reason: string): void;
}
