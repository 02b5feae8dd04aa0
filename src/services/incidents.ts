/**
 * Incident reads and writes for tools, REST and the agent. Writes are audited like cluster mutations
 * (they change what operators and the agent believe), but need no namespace guard: recording a problem
 * in kube-system is fine, acting on it is not.
 */
import { z } from 'zod';
import { computeIncidentStats, OUTCOMES, SEVERITIES, type Incident, type IncidentStats, type Outcome, type Severity } from '../store/index.js';
import type { ServiceContext } from './context.js';
import { ServiceError } from '../base/errors.js';

export interface ListIncidentsInput {
  /** only this cluster's incidents; without it every cluster's */
  cluster?: string;
  namespace?: string;
  type?: string;
  target?: string;
  outcome?: Outcome;
  sinceSeconds?: number;
  limit?: number;
}

export async function listIncidents(ctx: ServiceContext, input: ListIncidentsInput): Promise<{ items: Incident[]; truncated: boolean }> {
  const limit = Math.min(input.limit ?? 50, ctx.config.safety.maxListItems);
  const items = await ctx.store.state.incidents.list({
    cluster: input.cluster,
    namespace: input.namespace,
    type: input.type,
    target: input.target,
    outcome: input.outcome,
    since: input.sinceSeconds === undefined ? undefined : ctx.clock.now() - input.sinceSeconds * 1000,
    limit: limit + 1,
  });
  return { items: items.slice(0, limit), truncated: items.length > limit };
}

export async function getIncident(ctx: ServiceContext, id: string): Promise<Incident> {
  const incident = await ctx.store.state.incidents.get(id);
  if (!incident) throw new ServiceError('not_found', `incident ${id} not found; list_incidents shows recent incidents and their ids (inc-<number>)`);
  return incident;
}

export async function incidentStats(ctx: ServiceContext, input: { sinceSeconds?: number; namespace?: string; cluster?: string }): Promise<IncidentStats> {
  return computeIncidentStats(
    await ctx.store.state.incidents.list({
      cluster: input.cluster,
      namespace: input.namespace,
      since: input.sinceSeconds === undefined ? undefined : ctx.clock.now() - input.sinceSeconds * 1000,
    }),
  );
}

/**
 * Incident text lands on the dashboard, in Slack-like feeds and in terminals: single-line fields refuse
 * line breaks, NUL and other control characters, and the bidirectional overrides that can make a
 * title read differently from what it says; multi-line fields allow only newlines and tabs.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const NOT_SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const NOT_MULTI_LINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const singleLine = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((v) => !NOT_SINGLE_LINE.test(v), 'must be one line without control or bidirectional-override characters');
const multiLine = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !NOT_MULTI_LINE.test(v), 'must not contain control characters (other than newline and tab) or bidirectional overrides');

/** Free-form JSON kept with an incident, bounded so one call cannot bloat the store or every reader. */
export const MAX_DETAILS_DEPTH = 32;
export const MAX_DETAILS_BYTES = 64 * 1024;
const boundedRecord = () =>
  z.record(z.unknown()).superRefine((value, ctx) => {
    const problem = jsonBoundsProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Why `value` is too deep or too large, or undefined. Iterative: a 5,000-deep document must not blow the stack. */
export function jsonBoundsProblem(value: unknown): string | undefined {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 1 }];
  let nodes = 0;
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DETAILS_DEPTH) return `is nested deeper than ${MAX_DETAILS_DEPTH} levels`;
    if (++nodes > MAX_DETAILS_BYTES) break;
    for (const child of Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  const size = Buffer.byteLength(JSON.stringify(value) ?? '');
  return size > MAX_DETAILS_BYTES ? `is ${size} bytes as JSON; at most ${MAX_DETAILS_BYTES} are kept` : undefined;
}

export const IncidentActionInputSchema = z.object({
  tool: singleLine(64),
  arguments: boundedRecord().default({}),
  ok: z.boolean(),
  result: z
    .unknown()
    .optional()
    .superRefine((value, ctx) => {
      const problem = jsonBoundsProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  reason: multiLine(2000).default(''),
  at: z.string().datetime({ offset: true }).optional().describe('when the action was taken (ISO 8601, not in the future); default now'),
});

const IncidentIntentInputSchema = z.object({
  tool: singleLine(64),
  arguments: boundedRecord().default({}),
  reason: singleLine(200),
  message: multiLine(2000).default(''),
  observation: boundedRecord().optional().describe('what the decision was based on'),
});

const IncidentSettleInputSchema = z.object({
  entry: z.number().int().positive().describe('the intent entry, from the answer that recorded it'),
  ok: z.boolean(),
  result: boundedRecord().optional(),
  reconciled: z.boolean().default(false).describe('true when a successor settles it from the cluster state, not the one that acted'),
});

const IncidentHoldInputSchema = z.object({
  reason: singleLine(200).describe('e.g. Cooldown, CircuitBreakerOpen, ProtectedNamespace, Stabilization, ActionRefused'),
  message: multiLine(2000).default(''),
  tool: singleLine(64).optional().describe('the tool that was not called'),
  arguments: boundedRecord().optional(),
  observation: boundedRecord().optional(),
});

/** a namespace name, or "(cluster)" for node and cluster-wide incidents */
const NAMESPACE_OR_CLUSTER = /^(\(cluster\)|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

export const LogIncidentInputShape = {
  id: singleLine(64).optional().describe('an existing incident (inc-<number>) to update; omit to open a new one'),
  type: singleLine(64).optional().describe('new incidents: e.g. cpu_overload, crash_loop, image_pull, unschedulable, oom_killed, node_not_ready'),
  severity: z.enum(SEVERITIES).optional(),
  namespace: z
    .string()
    .min(1)
    .max(63)
    .regex(NAMESPACE_OR_CLUSTER, 'namespace must be a lowercase DNS label, e.g. "demo" (or "(cluster)" for cluster-wide incidents)')
    .optional(),
  target: singleLine(253).optional().describe('new incidents: the affected object, usually a deployment name'),
  title: singleLine(200).optional(),
  summary: multiLine(4000).optional(),
  details: boundedRecord().optional(),
  detectedAt: z
    .string()
    .datetime({ offset: true })
    .optional()
    .describe('new incidents: when the problem was first seen (ISO 8601, not in the future), e.g. a check before it was confirmed; default now'),
  outcome: z.enum(OUTCOMES).exclude(['open']).optional().describe('resolved sets resolvedAt; failed or escalated close or flag it'),
  action: IncidentActionInputSchema.optional().describe('an action taken on the incident; the first one acknowledges it'),
  intent: IncidentIntentInputSchema.optional().describe(
    'a decision about to be carried out, recorded before its tool is called (answer: entry); settle it later with settle',
  ),
  settle: IncidentSettleInputSchema.optional().describe('the outcome of a pending intent (entry)'),
  hold: IncidentHoldInputSchema.optional().describe('a decision not to act; the same reason and tool again count up one entry (count, lastSeen)'),
};
const LogIncidentInputSchema = z.object(LogIncidentInputShape);
export type LogIncidentInput = z.input<typeof LogIncidentInputSchema>;

export interface LogIncidentResult {
  incident: Incident;
  created: boolean;
  /** the timeline entry an intent or hold was written to */
  entry?: number;
}

export async function logIncident(ctx: ServiceContext, raw: LogIncidentInput): Promise<LogIncidentResult> {
  const input = LogIncidentInputSchema.parse(raw);
  const audit = (ok: boolean, target: string | undefined, after?: unknown, error?: string) =>
    ctx.store.state.audit.record({
      cluster: ctx.clusterName,
      caller: ctx.caller,
      tool: 'log_incident',
      target,
      arguments: { ...raw },
      after,
      ok,
      error,
      at: ctx.clock.now(),
    });
  try {
    // Checked before anything is written: bad input changes nothing.
    if (input.id && input.detectedAt) throw new ServiceError('invalid', 'detectedAt applies only when opening an incident (without id)');
    const detectedAt = pastOrNow(ctx, 'detectedAt', input.detectedAt);
    if (input.action) pastOrNow(ctx, 'action.at', input.action.at);
    if (input.id === undefined) {
      const missing = (['type', 'severity', 'namespace', 'target', 'title'] as const).filter((k) => !input[k]);
      if (missing.length) throw new ServiceError('invalid', `a new incident needs ${missing.join(', ')}; or pass id to update an existing incident`);
      const opened = await ctx.store.state.incidents.open({
        cluster: ctx.clusterName,
        type: input.type!,
        severity: input.severity as Severity,
        namespace: input.namespace!,
        target: input.target!,
        title: input.title!,
        summary: input.summary,
        details: input.details,
        at: detectedAt,
      });
      // Open is idempotent: an incident of this type already open on this target is the one the changes go to.
      const changes = opened.opened ? { ...input, severity: undefined, summary: undefined, details: undefined } : input;
      const applied = await applyChanges(ctx, opened.incident.id, changes);
      const incident = applied.incident ?? opened.incident;
      await audit(true, `incident/${incident.id}`, { outcome: incident.outcome, ...(opened.opened ? {} : { reused: true }) });
      return { incident, created: opened.opened, ...(applied.entry === undefined ? {} : { entry: applied.entry }) };
    }
    await getIncident(ctx, input.id);
    const applied = await applyChanges(ctx, input.id, input);
    const incident = applied.incident ?? (await getIncident(ctx, input.id));
    await audit(true, `incident/${incident.id}`, { outcome: incident.outcome });
    return { incident, created: false, ...(applied.entry === undefined ? {} : { entry: applied.entry }) };
  } catch (err) {
    await audit(false, input.id ? `incident/${input.id}` : undefined, undefined, (err as Error).message).catch(() => undefined);
    throw err;
  }
}

async function applyChanges(
  ctx: ServiceContext,
  id: string,
  input: z.output<typeof LogIncidentInputSchema>,
): Promise<{ incident: Incident | undefined; entry?: number }> {
  const now = ctx.clock.now();
  const incidents = ctx.store.state.incidents;
  let incident: Incident | undefined;
  let entry: number | undefined;
  // The settle is checked first: an unknown or already settled entry refuses the whole call, so nothing else is written.
  if (input.settle) {
    const s = input.settle;
    incident = await incidents.settleIntent(id, s.entry, { ok: s.ok, result: s.result, state: s.reconciled ? 'reconciled' : 'settled', at: now });
    if (!incident) throw new ServiceError('invalid', `entry ${s.entry} is not a pending intent of incident ${id}; get_incident shows its timeline`);
    entry = s.entry;
  }
  if (input.intent) {
    const r = await incidents.intend(id, { ...input.intent, at: now });
    incident = r?.incident;
    entry = r?.entry;
  }
  if (input.hold) {
    incident = await incidents.hold(id, { ...input.hold, at: now });
    entry = incident?.timeline?.filter((t) => t.kind === 'hold' && t.reason === input.hold!.reason && t.tool === (input.hold!.tool ?? null)).at(-1)?.entry;
  }
  if (input.action) incident = await incidents.addAction(id, { ...input.action, at: pastOrNow(ctx, 'action.at', input.action.at) });
  const outcome = input.outcome === 'resolved' ? undefined : input.outcome;
  if (input.severity || input.summary || input.details || outcome) {
    incident = await incidents.update(id, { severity: input.severity, summary: input.summary, details: input.details, outcome });
  }
  if (input.outcome === 'resolved') incident = await incidents.resolve(id, { at: now });
  return { incident, entry };
}

/** A time a caller reports (an action taken, a problem first seen) may be earlier than now, never later. */
function pastOrNow(ctx: ServiceContext, field: string, iso: string | undefined): number {
  const now = ctx.clock.now();
  if (iso === undefined) return now;
  const at = Date.parse(iso);
  if (at > now) throw new ServiceError('invalid', `${field} ${iso} is in the future (server time ${new Date(now).toISOString()}); nothing was recorded`);
  return at;
}
