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
  namespace?: string;
  type?: string;
  target?: string;
  outcome?: Outcome;
  sinceSeconds?: number;
  limit?: number;
}

export function listIncidents(ctx: ServiceContext, input: ListIncidentsInput): { items: Incident[]; truncated: boolean } {
  const limit = Math.min(input.limit ?? 50, ctx.config.safety.maxListItems);
  const items = ctx.store.incidents.list({
    namespace: input.namespace,
    type: input.type,
    target: input.target,
    outcome: input.outcome,
    since: input.sinceSeconds === undefined ? undefined : ctx.clock.now() - input.sinceSeconds * 1000,
    limit: limit + 1,
  });
  return { items: items.slice(0, limit), truncated: items.length > limit };
}

export function getIncident(ctx: ServiceContext, id: string): Incident {
  const incident = ctx.store.incidents.get(id);
  if (!incident) throw new ServiceError('not_found', `incident ${id} not found; list_incidents shows recent incidents and their ids (inc-<number>)`);
  return incident;
}

export function incidentStats(ctx: ServiceContext, input: { sinceSeconds?: number; namespace?: string }): IncidentStats {
  return computeIncidentStats(
    ctx.store.incidents.list({
      namespace: input.namespace,
      since: input.sinceSeconds === undefined ? undefined : ctx.clock.now() - input.sinceSeconds * 1000,
    }),
  );
}

export const IncidentActionInputSchema = z.object({
  tool: z.string().min(1),
  arguments: z.record(z.unknown()).default({}),
  ok: z.boolean(),
  result: z.unknown().optional(),
  reason: z.string().default(''),
  at: z.string().datetime({ offset: true }).optional().describe('when the action was taken (ISO 8601, not in the future); default now'),
});

export const LogIncidentInputShape = {
  id: z.string().optional().describe('an existing incident (inc-<number>) to update; omit to open a new one'),
  type: z.string().min(1).max(64).optional().describe('new incidents: e.g. cpu_overload, crash_loop, image_pull, unschedulable, oom_killed, node_not_ready'),
  severity: z.enum(SEVERITIES).optional(),
  namespace: z.string().min(1).optional(),
  target: z.string().min(1).optional().describe('new incidents: the affected object, usually a deployment name'),
  title: z.string().min(1).max(200).optional(),
  summary: z.string().max(4000).optional(),
  details: z.record(z.unknown()).optional(),
  detectedAt: z
    .string()
    .datetime({ offset: true })
    .optional()
    .describe('new incidents: when the problem was first seen (ISO 8601, not in the future), e.g. a check before it was confirmed; default now'),
  outcome: z.enum(OUTCOMES).exclude(['open']).optional().describe('resolved sets resolvedAt; failed or escalated close or flag it'),
  action: IncidentActionInputSchema.optional().describe('an action taken on the incident; the first one acknowledges it'),
};
const LogIncidentInputSchema = z.object(LogIncidentInputShape);
export type LogIncidentInput = z.input<typeof LogIncidentInputSchema>;

export function logIncident(ctx: ServiceContext, raw: LogIncidentInput): { incident: Incident; created: boolean } {
  const input = LogIncidentInputSchema.parse(raw);
  const audit = (ok: boolean, target: string | undefined, after?: unknown, error?: string) =>
    ctx.store.audit.record({ caller: ctx.caller, tool: 'log_incident', target, arguments: { ...raw }, after, ok, error, at: ctx.clock.now() });
  try {
    // Checked before anything is written: bad input changes nothing.
    if (input.id && input.detectedAt) throw new ServiceError('invalid', 'detectedAt applies only when opening an incident (without id)');
    const detectedAt = pastOrNow(ctx, 'detectedAt', input.detectedAt);
    if (input.action) pastOrNow(ctx, 'action.at', input.action.at);
    if (!input.id) {
      const missing = (['type', 'severity', 'namespace', 'target', 'title'] as const).filter((k) => !input[k]);
      if (missing.length) throw new ServiceError('invalid', `a new incident needs ${missing.join(', ')}; or pass id to update an existing incident`);
      let incident = ctx.store.incidents.open({
        type: input.type!,
        severity: input.severity as Severity,
        namespace: input.namespace!,
        target: input.target!,
        title: input.title!,
        summary: input.summary,
        details: input.details,
        at: detectedAt,
      });
      incident = applyChanges(ctx, incident.id, { ...input, severity: undefined, summary: undefined, details: undefined }) ?? incident;
      audit(true, `incident/${incident.id}`, { outcome: incident.outcome });
      return { incident, created: true };
    }
    getIncident(ctx, input.id);
    const incident = applyChanges(ctx, input.id, input) ?? getIncident(ctx, input.id);
    audit(true, `incident/${incident.id}`, { outcome: incident.outcome });
    return { incident, created: false };
  } catch (err) {
    audit(false, input.id ? `incident/${input.id}` : undefined, undefined, (err as Error).message);
    throw err;
  }
}

function applyChanges(ctx: ServiceContext, id: string, input: z.output<typeof LogIncidentInputSchema>): Incident | undefined {
  const now = ctx.clock.now();
  let incident: Incident | undefined;
  if (input.action) incident = ctx.store.incidents.addAction(id, { ...input.action, at: pastOrNow(ctx, 'action.at', input.action.at) });
  const outcome = input.outcome === 'resolved' ? undefined : input.outcome;
  if (input.severity || input.summary || input.details || outcome) {
    incident = ctx.store.incidents.update(id, { severity: input.severity, summary: input.summary, details: input.details, outcome });
  }
  if (input.outcome === 'resolved') incident = ctx.store.incidents.resolve(id, { at: now });
  return incident;
}

/** A time a caller reports (an action taken, a problem first seen) may be earlier than now, never later. */
function pastOrNow(ctx: ServiceContext, field: string, iso: string | undefined): number {
  const now = ctx.clock.now();
  if (iso === undefined) return now;
  const at = Date.parse(iso);
  if (at > now) throw new ServiceError('invalid', `${field} ${iso} is in the future (server time ${new Date(now).toISOString()}); nothing was recorded`);
  return at;
}
