/**
 * Pending plans: the agent's decisions that wait for a person (agent.mode approve, at or above
 * agent.approval.minRisk) or that the agent only recommends (agent.mode recommend).
 *
 * propose: the service's own dry run (guardrails checked, nothing changes) → the plan (plan.ts: the
 * change, the blast radius) → the risk (risk.ts). Below the threshold the caller may act at once. At or
 * above it the plan is stored (one waiting plan per target and tool), a hold "awaiting approval (plan #N)"
 * goes on the incident, and an `approval_needed` notification carries signed approve/reject links.
 *
 * decide: approve runs exactly the stored arguments through the guarded services (guardrails, cooldown,
 * audit) as the person who approved; it is refused when the plan is no longer pending, has expired, or its
 * target changed since the plan (another resourceVersion). Reject records who and why on the incident.
 */
import { z } from 'zod';
import { ServiceError } from '../base/errors.js';
import type { V1Deployment } from '@kubernetes/client-node';
import type { ServiceContext } from '../services/context.js';
import { deletePod } from '../services/delete-pod.js';
import { restartDeployment } from '../services/restart.js';
import { rollbackDeployment } from '../services/rollback.js';
import { scaleDeployment } from '../services/scale.js';
import { PLAN_STATES, type PlanRow, plansOf } from '../store/plans.js';
import { outboxOf } from '../store/outbox.js';
import { incidentLink, severityAtLeast } from '../notify/event.js';
import type { Severity } from '../store/types.js';
import { buildPlan, resourceVersionOf, targetOf, type Plan, PlanSchema } from './plan.js';
import { assessRisk, RISK_LEVELS, type Risk, type RiskLevel, riskAtLeast } from './risk.js';
import { planLinks } from './links.js';

export const PLAN_TOOLS = ['scale_deployment', 'restart_deployment', 'rollback_deployment', 'delete_pod'] as const;
export type PlanTool = (typeof PLAN_TOOLS)[number];

export const PlanViewSchema = z.object({
  id: z.number().int(),
  state: z.enum(PLAN_STATES),
  source: z.string(),
  tool: z.string(),
  arguments: z.record(z.unknown()),
  target: z.string(),
  risk: z.enum(RISK_LEVELS),
  riskReasons: z.array(z.string()),
  reason: z.string().describe('why the agent decided it'),
  incidentId: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  result: z.unknown().describe('what approving it did, or why it did not run'),
  plan: PlanSchema,
});
export type PlanView = z.infer<typeof PlanViewSchema>;

export const ProposeResultSchema = z.object({
  held: z.boolean().describe('true: the change waits for a person (plan stored); false: below the threshold, the caller may act'),
  risk: z.enum(RISK_LEVELS),
  riskReasons: z.array(z.string()),
  planId: z.number().int().optional(),
  created: z.boolean().optional().describe('false: the same change already waited (no new plan, no new notification)'),
  expiresAt: z.string().optional(),
  message: z.string(),
});
export type ProposeResult = z.infer<typeof ProposeResultSchema>;

export const DecideResultSchema = z.object({
  id: z.number().int(),
  decision: z.enum(['approve', 'reject']),
  state: z.enum(PLAN_STATES),
  decidedBy: z.string(),
  message: z.string(),
  auditId: z.number().int().optional().describe('the audit row of the change (approve)'),
});
export type DecideResult = z.infer<typeof DecideResultSchema>;

export interface ProposeInput {
  tool: PlanTool;
  arguments: Record<string, unknown>;
  reason: string;
  /** approve: hold at or above agent.approval.minRisk; recommend: hold everything */
  mode: 'approve' | 'recommend';
  incident?: { type: string; namespace: string; target: string };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function viewOf(r: PlanRow): PlanView {
  const stored = r.plan as { plan: Plan; riskReasons?: string[] };
  return {
    id: r.id,
    state: r.state,
    source: r.source,
    tool: r.tool,
    arguments: r.arguments,
    target: r.target,
    risk: r.risk as RiskLevel,
    riskReasons: stored.riskReasons ?? [],
    reason: r.reason,
    incidentId: r.incidentId,
    createdAt: iso(r.createdAt)!,
    expiresAt: iso(r.expiresAt)!,
    decidedBy: r.decidedBy,
    decidedAt: iso(r.decidedAt),
    result: r.result ?? undefined,
    plan: stored.plan,
  };
}

/** The dry run of the service behind a tool: guardrails checked, nothing changes. */
function runService(ctx: ServiceContext, tool: PlanTool, args: Record<string, unknown>, dryRun: boolean) {
  const a = { ...args, dryRun } as never;
  switch (tool) {
    case 'scale_deployment':
      return scaleDeployment(ctx, a);
    case 'restart_deployment':
      return restartDeployment(ctx, a);
    case 'rollback_deployment':
      return rollbackDeployment(ctx, a);
    case 'delete_pod':
      return deletePod(ctx, a);
  }
}

/** Pods unavailable at once during a rolling update: maxUnavailable (int or %, default 25 %) of replicas; Recreate: all. */
function rollingShare(dep: V1Deployment | undefined): number {
  const replicas = dep?.spec?.replicas ?? 0;
  if (!replicas) return 1;
  if (dep?.spec?.strategy?.type === 'Recreate') return 1;
  const mu = dep?.spec?.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
  const pods = typeof mu === 'number' ? mu : Math.floor((Number.parseFloat(mu) / 100) * replicas);
  // Kubernetes moves at least one pod at a time even when maxUnavailable rounds to 0 (it surges instead).
  return Math.max(1, pods) / replicas;
}

async function riskOf(ctx: ServiceContext, tool: PlanTool, args: Record<string, unknown>, plan: Plan): Promise<Risk> {
  const t = targetOf(ctx, args);
  let depName = t.kind === 'deployment' ? t.name : undefined;
  if (t.kind === 'pod') {
    const pod = await ctx.cluster.readPod(t.namespace, t.name).catch(() => undefined);
    depName = pod?.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name.replace(/-[a-z0-9]{5,10}$/, '');
  }
  const dep = depName ? await ctx.cluster.readDeployment(t.namespace, depName).catch(() => undefined) : undefined;
  const label = ctx.config.agent.approval.criticalLabel;
  const ns = (await ctx.cluster.listNamespaces().catch(() => [])).find((n) => n.metadata?.name === t.namespace);
  const b = plan.blastRadius;
  const to = tool === 'scale_deployment' ? Number(args.replicas) : (b.replicas ?? 0);
  return assessRisk({
    tool,
    replicas: b.replicas,
    readyReplicas: dep?.status?.readyReplicas ?? 0,
    replicaDelta: b.replicaDelta,
    podsRestarting: b.podsRestarting,
    podsRemoved: b.podsRemoved,
    shareUnavailable: tool === 'delete_pod' ? (b.replicas ? 1 / b.replicas : 1) : rollingShare(dep),
    maxDisruptedShare: ctx.config.safety.maxDisruptedShare,
    withinBounds: to >= ctx.config.safety.minReplicas && to <= ctx.config.safety.maxReplicas,
    criticalNamespace: ns?.metadata?.labels?.[label] === 'true',
  });
}

/**
 * What "the target changed since the plan" compares: a deployment's metadata.generation (its spec: a person's
 * or a controller's change of what runs), a pod's resourceVersion. A deployment's resourceVersion also moves
 * with every status update its controller writes (a pod became ready), which would void a plan within seconds
 * of a busy rollout while nothing a person approved has changed.
 */
async function versionOf(ctx: ServiceContext, args: Record<string, unknown>): Promise<string> {
  const t = targetOf(ctx, args);
  if (t.kind === 'deployment') {
    const d = await ctx.cluster.readDeployment(t.namespace, t.name);
    return d.metadata?.generation === undefined ? `rv ${d.metadata?.resourceVersion ?? ''}` : `generation ${d.metadata.generation}`;
  }
  return `rv ${await resourceVersionOf(ctx, t)}`;
}

const RISK_SEVERITY: Record<RiskLevel, Severity> = { low: 'low', medium: 'medium', high: 'high' };

export async function proposePlan(ctx: ServiceContext, input: ProposeInput): Promise<ProposeResult> {
  const dry = await runService(ctx, input.tool, input.arguments, true);
  const plan = await buildPlan(ctx, input.tool, input.arguments, dry);
  const risk = await riskOf(ctx, input.tool, input.arguments, plan);
  const { minRisk, ttlSeconds } = ctx.config.agent.approval;
  const threshold: RiskLevel = input.mode === 'recommend' ? 'low' : minRisk;
  if (!riskAtLeast(risk.level, threshold))
    return { held: false, risk: risk.level, riskReasons: risk.reasons, message: `${risk.level} risk (below ${minRisk}): no approval needed. ${plan.summary}` };
  const now = ctx.clock.now();
  const t = targetOf(ctx, input.arguments);
  const incident = input.incident
    ? ctx.store.incidents.findOpen(input.incident.type, input.incident.namespace, input.incident.target, ctx.clusterName)
    : undefined;
  const { plan: row, created } = plansOf(ctx.store, () => ctx.clock.now()).propose({
    source: input.mode === 'recommend' ? 'agent-recommend' : 'agent',
    tool: input.tool,
    arguments: input.arguments,
    namespace: t.namespace,
    target: plan.target,
    risk: risk.level,
    plan: { plan, riskReasons: risk.reasons, version: await versionOf(ctx, input.arguments) },
    reason: input.reason.slice(0, 2000),
    incidentId: incident?.id,
    expiresAt: now + ttlSeconds * 1000,
  });
  const what = input.mode === 'recommend' ? 'recommended' : 'awaiting approval';
  const message = `${what} (plan #${row.id}): ${plan.summary}; ${risk.level} risk: ${risk.reasons.join('; ')}`;
  if (row.incidentId)
    ctx.store.incidents.hold(row.incidentId, {
      reason: input.mode === 'recommend' ? 'Recommended' : 'AwaitingApproval',
      message: `${what} (plan #${row.id})`,
      tool: input.tool,
      arguments: input.arguments,
    });
  if (created) notifyApprovalNeeded(ctx, row, plan, risk);
  ctx.store.audit.record({
    caller: ctx.caller,
    tool: 'propose_plan',
    target: plan.target,
    arguments: { tool: input.tool, arguments: input.arguments, mode: input.mode },
    after: { planId: row.id, created, risk: risk.level },
    ok: true,
    at: now,
  });
  return { held: true, risk: risk.level, riskReasons: risk.reasons, planId: row.id, created, expiresAt: new Date(row.expiresAt).toISOString(), message };
}

/** Queued in the outbox like incident events; the delivery worker picks it up on its next pass. */
function notifyApprovalNeeded(ctx: ServiceContext, row: PlanRow, plan: Plan, risk: Risk): void {
  const n = ctx.config.notify;
  const severity = RISK_SEVERITY[risk.level];
  const sinks = n.sinks.filter((s) => s.events.includes('approval_needed') && severityAtLeast(severity, s.minSeverity)).map((s) => s.name);
  if (sinks.length === 0) return;
  const links = planLinks(ctx.config, row.id, row.expiresAt);
  const b = plan.blastRadius;
  const event = {
    key: `plan-${row.id}:approval_needed`,
    kind: 'approval_needed' as const,
    at: new Date(row.createdAt).toISOString(),
    severity,
    title: `Approval needed (plan #${row.id}, ${risk.level} risk): ${row.tool} on ${plan.target}`,
    text: [
      `Proposed: ${plan.summary}`,
      `Why: ${row.reason || '(no reason given)'}`,
      `Risk: ${risk.reasons.join('; ')}`,
      `Blast radius: ${b.podsRestarting} restarting, ${b.podsRemoved} removed, replicas ${b.replicas ?? '?'} (${b.replicaDelta >= 0 ? '+' : ''}${b.replicaDelta})`,
      `Expires: ${new Date(row.expiresAt).toISOString()}`,
    ].join('\n'),
    action: { tool: row.tool, arguments: row.arguments, ok: false, reason: row.reason },
    approval: { id: String(row.id), expiresAt: new Date(row.expiresAt).toISOString(), ...links },
    link: row.incidentId ? incidentLink(n.baseUrl, row.incidentId) : undefined,
  };
  try {
    outboxOf(ctx.store, () => ctx.clock.now()).enqueue(event.key, event.kind, event, sinks);
  } catch (err) {
    // The plan is stored and listed; only its announcement is lost.
    ctx.logger.error({ err, plan: row.id }, 'could not queue the approval_needed notification');
  }
}

export function listPlans(
  ctx: ServiceContext,
  q: { id?: number; state?: (typeof PLAN_STATES)[number]; limit?: number },
): { plans: PlanView[]; pending: number } {
  const repo = plansOf(ctx.store, () => ctx.clock.now());
  repo.expire();
  const one = q.id === undefined ? undefined : repo.get(q.id);
  const plans = (q.id === undefined ? repo.list(q) : one && (!q.state || one.state === q.state) ? [one] : []).map(viewOf);
  return { plans, pending: q.state === 'pending' ? plans.length : repo.list({ state: 'pending', limit: 500 }).length };
}

export async function decidePlan(ctx: ServiceContext, input: { id: number; decision: 'approve' | 'reject'; comment?: string }): Promise<DecideResult> {
  const repo = plansOf(ctx.store, () => ctx.clock.now());
  repo.expire();
  const row = repo.get(input.id);
  if (!row) throw new ServiceError('not_found', `plan ${input.id} not found; list_plans shows the plans`);
  const by = ctx.caller;
  const audit = (ok: boolean, after: unknown, error?: string) =>
    ctx.store.audit.record({
      caller: by,
      tool: 'decide_plan',
      target: row.target,
      arguments: { id: row.id, decision: input.decision, ...(input.comment ? { comment: input.comment } : {}) },
      after,
      ok,
      error,
      at: ctx.clock.now(),
    });
  if (row.state !== 'pending') {
    const msg = `plan #${row.id} is ${row.state}${row.decidedBy ? ` (by ${row.decidedBy})` : ''}, not pending; nothing was changed`;
    audit(false, undefined, msg);
    throw new ServiceError('conflict', msg);
  }
  const note = input.comment ? ` — ${input.comment}` : '';
  if (input.decision === 'reject') {
    if (!repo.decide(row.id, 'rejected', by, { comment: input.comment ?? '' }))
      throw new ServiceError('conflict', `plan #${row.id} was decided meanwhile; nothing was changed`);
    if (row.incidentId)
      ctx.store.incidents.hold(row.incidentId, { reason: 'PlanRejected', message: `plan #${row.id} rejected by ${by}${note}`, tool: row.tool });
    audit(true, { state: 'rejected' });
    return { id: row.id, decision: 'reject', state: 'rejected', decidedBy: by, message: `plan #${row.id} rejected; nothing was changed` };
  }
  const { plan, version } = row.plan as { plan: Plan; version: string };
  const current = await versionOf(ctx, row.arguments).catch(() => '(gone)');
  if (current !== version) {
    const msg = `${plan.target} changed since plan #${row.id} was made (${version} → ${current}); nothing was changed. Reject it; the agent proposes afresh if still needed.`;
    audit(false, undefined, msg);
    throw new ServiceError('conflict', msg);
  }
  // Claimed first: a second approval racing this one finds it decided and runs nothing.
  if (!repo.decide(row.id, 'approved', by)) throw new ServiceError('conflict', `plan #${row.id} was decided meanwhile; nothing was changed`);
  let result: Awaited<ReturnType<typeof runService>>;
  try {
    result = await runService(ctx, row.tool as PlanTool, row.arguments, false);
  } catch (err) {
    const msg = (err as Error).message;
    repo.settle(row.id, 'failed', { error: msg });
    if (row.incidentId)
      ctx.store.incidents.addAction(row.incidentId, {
        tool: row.tool,
        arguments: row.arguments,
        ok: false,
        reason: `plan #${row.id} approved by ${by}${note}`,
        result: { message: msg },
      });
    audit(false, { state: 'failed' }, msg);
    throw err;
  }
  const auditId = (result as { auditId?: number }).auditId;
  repo.settle(row.id, 'approved', { message: result.message, auditId });
  if (row.incidentId)
    ctx.store.incidents.addAction(row.incidentId, {
      tool: row.tool,
      arguments: row.arguments,
      ok: true,
      reason: `plan #${row.id} approved by ${by}${note}: ${row.reason}`.slice(0, 2000),
      result: { message: result.message },
    });
  audit(true, { state: 'approved', auditId });
  return { id: row.id, decision: 'approve', state: 'approved', decidedBy: by, message: `plan #${row.id} approved and run: ${result.message}`, auditId };
}
