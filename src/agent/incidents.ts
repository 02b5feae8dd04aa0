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
 */
import { logIncidentTool } from '../../tools/log-incident.js';
import type { ActionResult } from './act.js';
import type { Decision } from '../policy/decision.js';
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

  async sync(input: { findings: readonly Finding[]; decisions: readonly Decision[]; results: readonly ActionResult[]; now: number }): Promise<IncidentChanges> {
    const { findings, decisions, results, now } = input;
    const changes: IncidentChanges = { opened: [], resolved: [], escalated: [], failed: [], errors: [] };
    const active = new Map<string, Active>();
    for (const f of findings) if (!NOT_INCIDENTS.has(f.type)) active.set(incidentKey(f), fromFinding(f));
    for (const d of decisions) if (isBreaker(d)) active.set(fromBreaker(d).key, fromBreaker(d));

    await this.resolveHealed(active, findings, now, changes);
    await this.openNew(active, now, changes);

    for (const r of results) await this.recordAction(r, changes);
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
        detectedAt,
        outcome: 'open',
      };
      this.open.set(a.key, inc);
      changes.opened.push({ ...inc });
      // What was done on the first sighting belongs to the incident too (a refused scale-up, say).
      for (const action of seen?.actions ?? []) await this.recordAction(action, changes, { backdated: true });
    }
    this.pending = pending;
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
  private async recordAction(r: ActionResult, changes: IncidentChanges, opts: { backdated?: boolean } = {}): Promise<void> {
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
    await this.log({ id: inc.id, action }, changes);
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
