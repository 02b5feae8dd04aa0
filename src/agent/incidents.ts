/**
 * Incident lifecycle, written through the server's log_incident tool so incidents land in the same store (and the
 * same audit log) whether the agent runs in-process or against a remote server:
 *   open       — a finding worth a human's attention appears (not cpu_underload: that is cost, not an incident;
 *                load findings only when seen on two checks in a row, and then as of the first sighting: detected
 *                then, with the actions taken on that sighting, so MTTR and the action record start where the
 *                problem did);
 *   acknowledge — the first action taken on it (the store sets acknowledgedAt);
 *   escalate   — decide escalated it: outcome escalated, severity raised, the reason as summary;
 *   fail       — the remedy itself could not be applied (a refusal that will not lift by itself);
 *   resolve    — a later check finds the problem and its sibling symptoms gone (verify.ts). MTTR = resolved − detected.
 * A crash seen while a more specific failure incident (crash_loop, image_pull_error, ...) is open on the same
 * target is that incident's symptom, not a new incident.
 *
 * A cycle writes in two halves around the tool calls: `prepare` (resolve, open) and `intend` (each decision about to
 * be carried out, and each hold — a decision not to act — on the incident it answers) before acting; `settle` (the
 * outcome of each intent, the action, escalations) after. The server opens idempotently, and `adopt` rebuilds the
 * open incidents from the server after a restart or a leader change, so a successor continues them.
 */
import { logIncidentTool } from '../../tools/log-incident.js';
import type { ActionResult } from './act.js';
import { listIncidentsTool } from '../../tools/list-incidents.js';
import type { Decision } from '../policy/decision.js';
import type { TargetKind } from '../policy/findings.js';
import { type Finding, type FindingType, type Severity, SEVERITIES, incidentKey, targetKey } from '../policy/findings.js';
import type { ToolArgs, ToolClient } from './tool-client.js';
import { isFailure, stillUnhealthy } from './verify.js';

export type TrackedOutcome = 'open' | 'escalated' | 'failed';

/** What identifies an incident and where it is: shared by a finding about to be recorded and a recorded one. */
interface IncidentSubject {
  key: string;
  type: string;
  namespace: string;
  target: string;
  targetKey: string;
  severity: Severity;
}

export interface TrackedIncident extends IncidentSubject {
  id: string;
  detectedAt: number;
  outcome: TrackedOutcome;
}

/** An intent recorded on an incident and not settled: what a successor finds after a crash between intent and result. */
export interface PendingIntent {
  incident: TrackedIncident;
  entry: number;
  tool: string;
  arguments: Record<string, unknown>;
  /** epoch ms */
  at: number;
  /** the target as the intent saw it */
  observation?: Record<string, unknown>;
}

/** A decision not to act, and why, as the incident timeline records it. */
export interface HoldNote {
  decision: Decision;
  message: string;
}

export interface ResolvedIncident extends TrackedIncident {
  resolvedAt: number;
  mttrSeconds: number;
}

export interface IncidentChanges {
  opened: TrackedIncident[];
  resolved: ResolvedIncident[];
  escalated: TrackedIncident[];
  failed: TrackedIncident[];
  /** log_incident calls the server refused (the reason); the cycle goes on without them. */
  errors: string[];
}

/** Namespace recorded for node and cluster incidents (not a valid namespace name, so it cannot collide). */
export const CLUSTER_NAMESPACE = '(cluster)';

const NOT_INCIDENTS: ReadonlySet<FindingType> = new Set(['cpu_underload']);
/**
 * Load findings become incidents only when seen on two checks in a row (like an alert rule's `for:`): utilization
 * that crosses the trigger once and is absorbed by the next scale is routine, not an incident.
 */
const NEEDS_CONFIRMATION: ReadonlySet<string> = new Set(['cpu_overload', 'memory_pressure']);
/** Generic symptoms that a specific failure incident on the same target already explains. */
const SYMPTOMS: ReadonlySet<string> = new Set(['pod_crashed', 'replicas_unavailable']);

/** A load finding seen once: when, and what the agent did about it meanwhile (recorded if it is confirmed). */
interface Pending {
  since: number;
  actions: ActionResult[];
}

interface Active extends IncidentSubject {
  title: string;
  details: Record<string, unknown>;
}

function fromFinding(f: Finding): Active {
  return {
    key: incidentKey(f),
    type: f.type,
    namespace: f.namespace ?? CLUSTER_NAMESPACE,
    target: f.target,
    targetKey: targetKey(f),
    severity: f.severity,
    title: f.message.length > 200 ? `${f.message.slice(0, 197)}...` : f.message,
    details: { kind: f.kind, evidence: f.evidence, ...(f.pods ? { pods: f.pods } : {}) },
  };
}

/** The circuit breaker is not a finding but a cluster-wide condition decide reports; it gets its own incident. */
function fromBreaker(d: Decision): Active {
  const targetKeyStr = `cluster/${d.target}`;
  return {
    key: `circuit_breaker:${targetKeyStr}`,
    type: 'circuit_breaker',
    namespace: CLUSTER_NAMESPACE,
    target: d.target,
    targetKey: targetKeyStr,
    severity: d.severity,
    title: d.message.length > 200 ? `${d.message.slice(0, 197)}...` : d.message,
    details: { reason: d.reason },
  };
}

const isBreaker = (d: Decision) => d.kind === 'cluster' && d.target.startsWith('breaker');
const higher = (a: Severity, b: Severity) => SEVERITIES.indexOf(a) > SEVERITIES.indexOf(b);

export class IncidentTracker {
  private readonly open = new Map<string, TrackedIncident>();
  private readonly wouldHaveDone = new Map<string, unknown[]>();
  /** Load findings seen on the last check and not yet incidents, by incident key. */
  private pending = new Map<string, Pending>();

  constructor(private readonly client: ToolClient) {}

  /** Incidents the agent opened and has not seen resolved, oldest first. */
  list(): TrackedIncident[] {
    return [...this.open.values()];
  }

  /** Both halves of a cycle's writes at once (prepare, then settle): for callers that act elsewhere. */
  async sync(input: { findings: readonly Finding[]; decisions: readonly Decision[]; results: readonly ActionResult[]; now: number }): Promise<IncidentChanges> {
    const changes = await this.prepare(input);
    return this.settle({ ...input, intents: new Map() }, changes);
  }

  /**
   * Rebuilds the open (and escalated) incidents from the server: what an earlier process or another leader opened is
   * continued, not opened again. Answers the intents left pending on them. Incidents this agent does not open (alerts)
   * are left alone.
   */
  async adopt(): Promise<{ adopted: TrackedIncident[]; pending: PendingIntent[]; error?: string }> {
    const adopted: TrackedIncident[] = [];
    const pending: PendingIntent[] = [];
    for (const outcome of ['open', 'escalated'] as const) {
      const r = await this.client.call(listIncidentsTool, { outcome, limit: 500 });
      if (!r.ok) return { adopted, pending, error: `list_incidents: ${r.error}` };
      for (const i of r.value.items) {
        const subject = subjectOf(i);
        if (!subject) continue;
        const tracked: TrackedIncident = { ...subject, id: i.id, detectedAt: Date.parse(i.detectedAt), outcome };
        // Newest first: an older duplicate of the same key (opened before open was idempotent) stays as it is.
        if (this.open.has(tracked.key) && this.open.get(tracked.key)!.id !== i.id) continue;
        this.open.set(tracked.key, tracked);
        adopted.push({ ...tracked });
        for (const t of i.timeline ?? []) {
          if (t.kind !== 'intent' || t.state !== 'pending' || !t.tool) continue;
          const observation = t.observation && typeof t.observation === 'object' ? (t.observation as Record<string, unknown>) : undefined;
          pending.push({ incident: tracked, entry: t.entry, tool: t.tool, arguments: t.arguments ?? {}, at: Date.parse(t.at), observation });
        }
      }
    }
    return { adopted, pending };
  }

  /** Writes what a successor found out about an intent it did not make (reconciled: read from the cluster). */
  async reconcile(p: PendingIntent, ok: boolean, detail: string, changes: IncidentChanges): Promise<boolean> {
    return this.log({ id: p.incident.id, settle: { entry: p.entry, ok, reconciled: true, result: { reconciled: detail } } }, changes);
  }

  /** Before acting: resolves what healed, opens what is new. */
  async prepare(input: { findings: readonly Finding[]; decisions: readonly Decision[]; now: number }): Promise<IncidentChanges> {
    const { findings, decisions, now } = input;
    const changes: IncidentChanges = { opened: [], resolved: [], escalated: [], failed: [], errors: [] };
    const active = new Map<string, Active>();
    for (const f of findings) if (!NOT_INCIDENTS.has(f.type)) active.set(incidentKey(f), fromFinding(f));
    for (const d of decisions) if (isBreaker(d)) active.set(fromBreaker(d).key, fromBreaker(d));

    await this.resolveHealed(active, findings, now, changes);
    await this.openNew(active, now, changes);
    return changes;
  }

  /**
   * Before acting: each decision about to call a tool is written as an intent on its incident (answered: the entry to
   * settle), each hold as a hold (the server counts repeats). A decision without an incident (a load finding not yet
   * confirmed) has no intent; its action is recorded when the incident opens, as before.
   */
  async intend(
    input: { decisions: readonly Decision[]; holds: readonly HoldNote[]; observationOf?: (d: Decision) => Record<string, unknown> | undefined },
    changes: IncidentChanges,
  ): Promise<Map<Decision, number>> {
    const intents = new Map<Decision, number>();
    for (const d of input.decisions) {
      if (!d.tool || !d.arguments) continue;
      const inc = this.incidentFor(d);
      if (!inc) continue;
      const observation = input.observationOf?.(d);
      const r = await this.client.call(logIncidentTool, {
        id: inc.id,
        intent: {
          tool: d.tool,
          arguments: d.arguments,
          reason: d.reason.slice(0, 200),
          message: d.message.slice(0, 2000),
          ...(observation ? { observation } : {}),
        },
      });
      if (!r.ok) {
        changes.errors.push(`log_incident ${inc.id}: ${r.error}`);
        continue;
      }
      if (r.value.entry !== undefined) intents.set(d, r.value.entry);
    }
    for (const h of input.holds) {
      const d = h.decision;
      // A hold answering a load finding belongs to its incident only: not yet confirmed, it is not written elsewhere.
      const inc = this.incidentFor(d) ?? (d.findingType && NEEDS_CONFIRMATION.has(d.findingType) ? undefined : this.onTarget(d));
      if (!inc) continue;
      const observation = input.observationOf?.(d);
      await this.log(
        {
          id: inc.id,
          hold: {
            reason: d.reason.slice(0, 200),
            message: h.message.slice(0, 2000),
            ...(d.scaling || d.tool ? { tool: d.tool ?? 'scale_deployment' } : {}),
            ...(observation ? { observation } : {}),
          },
        },
        changes,
      );
    }
    return intents;
  }

  /** After acting: the outcome of each intent with its action, then escalations. */
  async settle(
    input: { decisions: readonly Decision[]; results: readonly ActionResult[]; intents: ReadonlyMap<Decision, number> },
    changes: IncidentChanges,
  ): Promise<IncidentChanges> {
    const { decisions, results } = input;
    for (const r of results) await this.recordAction(r, changes, { entry: input.intents.get(r.decision) });
    for (const d of decisions) {
      if (d.action !== 'escalate') continue;
      const inc = this.incidentFor(d);
      if (!inc) continue;
      const severity = higher(d.severity, inc.severity) ? d.severity : inc.severity;
      if (await this.log({ id: inc.id, outcome: 'escalated', severity, summary: d.message }, changes)) {
        inc.outcome = 'escalated';
        inc.severity = severity;
        changes.escalated.push({ ...inc });
      }
    }
    return changes;
  }

  private async resolveHealed(active: Map<string, Active>, findings: readonly Finding[], now: number, changes: IncidentChanges): Promise<void> {
    for (const inc of [...this.open.values()]) {
      if (active.has(inc.key) || stillUnhealthy(inc, findings)) {
        const a = active.get(inc.key);
        if (a && higher(a.severity, inc.severity) && (await this.log({ id: inc.id, severity: a.severity }, changes))) inc.severity = a.severity;
        continue;
      }
      if (await this.log({ id: inc.id, outcome: 'resolved' }, changes)) {
        this.open.delete(inc.key);
        this.wouldHaveDone.delete(inc.id);
        changes.resolved.push({ ...inc, resolvedAt: now, mttrSeconds: (now - inc.detectedAt) / 1000 });
      }
    }
  }

  private async openNew(active: Map<string, Active>, now: number, changes: IncidentChanges): Promise<void> {
    const failing = (tk: string) => [...this.open.values(), ...active.values()].some((i) => i.targetKey === tk && isFailure(i.type) && !SYMPTOMS.has(i.type));
    const pending = new Map<string, Pending>();
    for (const a of active.values()) {
      if (this.open.has(a.key)) continue;
      if (SYMPTOMS.has(a.type) && failing(a.targetKey)) continue;
      const seen = this.pending.get(a.key);
      if (NEEDS_CONFIRMATION.has(a.type) && !seen) {
        pending.set(a.key, { since: now, actions: [] });
        continue;
      }
      const detectedAt = seen?.since ?? now;
      const r = await this.client.call(logIncidentTool, {
        type: a.type,
        severity: a.severity,
        namespace: a.namespace,
        target: a.target,
        title: a.title,
        summary: a.title,
        details: a.details,
        ...(detectedAt < now ? { detectedAt: new Date(detectedAt).toISOString() } : {}),
      });
      if (!r.ok) {
        changes.errors.push(`log_incident: ${r.error}`);
        // Still confirmed: the next check tries again as of the same first sighting.
        if (seen) pending.set(a.key, seen);
        continue;
      }
      const inc: TrackedIncident = {
        id: r.value.incident.id,
        key: a.key,
        type: a.type,
        namespace: a.namespace,
        target: a.target,
        targetKey: a.targetKey,
        severity: a.severity,
        detectedAt: r.value.created ? detectedAt : Date.parse(r.value.incident.detectedAt),
        outcome: r.value.incident.outcome === 'escalated' ? 'escalated' : 'open',
      };
      this.open.set(a.key, inc);
      // Not created: the server already had it open (opened by an earlier process); it is continued, not reported new.
      if (r.value.created) changes.opened.push({ ...inc });
      // What was done on the first sighting belongs to the incident too (a refused scale-up, say).
      for (const action of seen?.actions ?? []) await this.recordAction(action, changes, { backdated: true });
    }
    this.pending = pending;
  }

  /** Any incident open on the decision's target (a scale-down held while a load incident is open there). */
  private onTarget(d: Decision): TrackedIncident | undefined {
    const tk = d.kind === 'deployment' || d.kind === 'pod' ? `${d.namespace}/${d.target}` : `${d.kind}/${d.target}`;
    return [...this.open.values()].find((i) => i.targetKey === tk);
  }

  /** The incident a decision answers: same type and target, else any failure incident open on that target. */
  private incidentFor(d: Decision): TrackedIncident | undefined {
    if (isBreaker(d)) return this.open.get(fromBreaker(d).key);
    if (!d.findingType) return undefined;
    const tk = d.kind === 'deployment' || d.kind === 'pod' ? `${d.namespace}/${d.target}` : `${d.kind}/${d.target}`;
    const exact = this.open.get(incidentKey({ type: d.findingType, kind: d.kind, namespace: d.namespace, target: d.target }));
    if (exact) return exact;
    if (!isFailure(d.findingType)) return undefined;
    return [...this.open.values()].find((i) => i.targetKey === tk && isFailure(i.type));
  }

  /**
   * `backdated`: an action of an earlier check, recorded with its own time (only then: a remote server's clock may
   * run a little behind this one, and it refuses times in its future).
   */
  private async recordAction(r: ActionResult, changes: IncidentChanges, opts: { backdated?: boolean; entry?: number } = {}): Promise<void> {
    const inc = this.incidentFor(r.decision);
    if (!inc) {
      const d = r.decision;
      const waiting = d.findingType && this.pending.get(incidentKey({ type: d.findingType, kind: d.kind, namespace: d.namespace, target: d.target }));
      waiting?.actions.push(r);
      return;
    }
    if (r.dryRun) {
      // Recommend-only: the plan goes into the incident's details; no action is recorded, so nothing is acknowledged.
      const list = [
        ...(this.wouldHaveDone.get(inc.id) ?? []),
        { at: new Date(r.at).toISOString(), tool: r.tool, arguments: r.arguments, ok: r.ok, reason: r.decision.reason, message: r.message },
      ];
      this.wouldHaveDone.set(inc.id, list);
      await this.log({ id: inc.id, details: { wouldHaveDone: list } }, changes);
      return;
    }
    const action = {
      ...(opts.backdated ? { at: new Date(r.at).toISOString() } : {}),
      tool: r.tool,
      arguments: r.arguments,
      ok: r.ok,
      reason: `${r.decision.reason}: ${r.decision.message}`.slice(0, 2000),
      result: { message: r.message, verification: r.verification },
    };
    // The intent's outcome and the action in one write: the timeline never shows a settled intent without its action.
    await this.log(
      {
        id: inc.id,
        action,
        ...(opts.entry === undefined ? {} : { settle: { entry: opts.entry, ok: r.ok, result: { message: r.message } } }),
        // A refused call is a hold too (the cooldown, a guardrail): one timeline entry however often it repeats.
        ...(r.ok ? {} : { hold: { reason: r.transient ? 'Cooldown' : 'ActionRefused', message: r.message.slice(0, 2000), tool: r.tool } }),
      },
      changes,
    );
    if (
      !r.ok &&
      !r.transient &&
      inc.outcome === 'open' &&
      (await this.log({ id: inc.id, outcome: 'failed', summary: `${r.tool} failed: ${r.message}` }, changes))
    ) {
      inc.outcome = 'failed';
      changes.failed.push({ ...inc });
    }
  }

  private async log(args: ToolArgs<typeof logIncidentTool> & { id: string }, changes: IncidentChanges): Promise<boolean> {
    const r = await this.client.call(logIncidentTool, args);
    if (!r.ok) changes.errors.push(`log_incident ${args.id}: ${r.error}`);
    return r.ok;
  }
}

/** The incident subject of a stored incident this agent could have opened; undefined for others (alerts). */
function subjectOf(i: { type: string; namespace: string; target: string; severity: Severity; details: Record<string, unknown> }): IncidentSubject | undefined {
  if (i.type === 'circuit_breaker') {
    const tk = `cluster/${i.target}`;
    return { key: `circuit_breaker:${tk}`, type: i.type, namespace: i.namespace, target: i.target, targetKey: tk, severity: i.severity };
  }
  const kind = i.details.kind;
  if (typeof kind !== 'string') return undefined;
  const f = { type: i.type as FindingType, kind: kind as TargetKind, namespace: i.namespace === CLUSTER_NAMESPACE ? undefined : i.namespace, target: i.target };
  return { key: incidentKey(f), type: i.type, namespace: i.namespace, target: i.target, targetKey: targetKey(f), severity: i.severity };
}
