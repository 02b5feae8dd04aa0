/**
 * The stored records, as zod schemas so tool outputs, REST responses and TypeScript types share them.
 * Times are ISO-8601 strings at this boundary (epoch ms inside SQLite).
 */
import { z } from 'zod';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const OUTCOMES = ['open', 'resolved', 'failed', 'escalated'] as const;

export const IncidentActionSchema = z.object({
  at: z.string(),
  tool: z.string(),
  arguments: z.record(z.unknown()),
  ok: z.boolean(),
  result: z.unknown().optional(),
  reason: z.string(),
});

export const TIMELINE_KINDS = ['intent', 'hold'] as const;
export const TIMELINE_STATES = ['pending', 'settled', 'reconciled', 'held'] as const;

/**
 * A decision written on the incident: an intent (recorded before its tool is called, settled with the outcome
 * after; `pending` while nobody has recorded an outcome, e.g. the agent was killed in between) or a hold (a
 * decision not to act: cooldown, breaker, protected namespace, stabilization, refused), deduplicated: the same
 * hold repeated every cycle is one entry whose count and lastSeen grow.
 */
export const TimelineEntrySchema = z.object({
  entry: z.number().int().describe('the entry number, to settle an intent'),
  kind: z.enum(TIMELINE_KINDS),
  at: z.string().describe('first recorded'),
  lastSeen: z.string(),
  count: z.number().int().describe('holds: how many cycles held for the same reason'),
  tool: z.string().nullable(),
  arguments: z.record(z.unknown()).nullable(),
  reason: z.string(),
  message: z.string(),
  observation: z.unknown().optional().describe('what the decision was based on'),
  state: z.enum(TIMELINE_STATES),
  ok: z.boolean().nullable().describe('intents: the outcome once settled or reconciled'),
  result: z.unknown().optional(),
  settledAt: z.string().nullable(),
});

export const IncidentSchema = z.object({
  id: z.string().describe('inc-<number>'),
  cluster: z.string().nullable().optional().describe('the cluster (kubeconfig context) it is on; null: recorded before clusters were'),
  type: z.string().describe('e.g. cpu_overload, crash_loop, image_pull, unschedulable, oom_killed, node_not_ready'),
  severity: z.enum(SEVERITIES),
  namespace: z.string(),
  target: z.string().describe('the affected object, usually a deployment name'),
  title: z.string(),
  summary: z.string(),
  detectedAt: z.string(),
  acknowledgedAt: z.string().nullable().describe('time of the first action'),
  resolvedAt: z.string().nullable(),
  outcome: z.enum(OUTCOMES),
  details: z.record(z.unknown()),
  actions: z.array(IncidentActionSchema),
  timeline: z.array(TimelineEntrySchema).optional().describe('intents and holds, in order'),
});

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  cluster: z.string().nullable().optional().describe('the cluster the call ran against; null: recorded before clusters were'),
  caller: z.string(),
  tool: z.string(),
  target: z.string().nullable(),
  arguments: z.record(z.unknown()),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  ok: z.boolean(),
  error: z.string().nullable(),
  dryRun: z.boolean(),
  pending: z.boolean().describe('an intent whose outcome is not recorded yet: a change in flight, or one a crash interrupted'),
  workload: z.string().nullable().describe('namespace/deployment whose pods the change disrupts'),
  pods: z.number().int().describe('pods of the workload it disrupts (deleted or crashed)'),
});

export const ReplicaSampleSchema = z.object({
  at: z.string(),
  namespace: z.string(),
  deployment: z.string(),
  replicas: z.number().int(),
  readyReplicas: z.number().int(),
});

export const IncidentStatsSchema = z.object({
  total: z.number().int(),
  open: z.number().int(),
  resolved: z.number().int(),
  byType: z.record(z.number().int()),
  byOutcome: z.record(z.number().int()),
  mttrSeconds: z.object({
    mean: z.number().nullable(),
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    count: z.number().int(),
  }),
  successRate: z
    .number()
    .nullable()
    .describe(
      'of the incidents that ended (resolved, failed or escalated), the share resolved and not recurring (same type and target) within 10 minutes; null until one has ended (open incidents are not counted)',
    ),
  recurred: z.number().int(),
});

export type Severity = (typeof SEVERITIES)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type IncidentAction = z.infer<typeof IncidentActionSchema>;
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
export type TimelineState = (typeof TIMELINE_STATES)[number];
export type Incident = z.infer<typeof IncidentSchema>;
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type ReplicaSample = z.infer<typeof ReplicaSampleSchema>;
export type IncidentStats = z.infer<typeof IncidentStatsSchema>;
