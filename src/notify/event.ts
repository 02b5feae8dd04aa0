/**
 * What a notification says, independent of where it goes: built once when the event happens, stored in
 * the outbox as JSON, and rendered per sink (Slack blocks, a PagerDuty event, a signed webhook body) at
 * send time. `key` names the event uniquely, so enqueueing it again is a no-op.
 */
import type { NotifyEventKind } from '../config/notify.js';
import type { Incident, IncidentAction, Severity } from '../store/types.js';

export interface NotificationEvent {
  /** unique per event: `inc-5:opened`, `inc-5:acted:2`, `plan-3:approval_needed` */
  key: string;
  kind: NotifyEventKind;
  /** ISO time of the event */
  at: string;
  severity: Severity;
  /** what happened, one line */
  title: string;
  /** what was done and why (or what is proposed), a few lines */
  text: string;
  incident?: {
    id: string;
    type: string;
    namespace: string;
    target: string;
    outcome: string;
    detectedAt: string;
    resolvedAt: string | null;
    /** seconds from detection to resolution, when resolved */
    mttrSeconds: number | null;
  };
  action?: { tool: string; arguments: Record<string, unknown>; ok: boolean; reason: string };
  /** a pending plan waiting for a person (approval_needed) */
  approval?: { id: string; expiresAt: string; approveUrl?: string; rejectUrl?: string };
  /** the dashboard page of the incident (or plan), when notify.baseUrl is configured */
  link?: string;
}

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function severityAtLeast(s: Severity, min: Severity): boolean {
  return SEVERITY_RANK[s] >= SEVERITY_RANK[min];
}

function incidentPart(i: Incident): NonNullable<NotificationEvent['incident']> {
  const mttr = i.resolvedAt ? Math.round((Date.parse(i.resolvedAt) - Date.parse(i.detectedAt)) / 1000) : null;
  return {
    id: i.id,
    type: i.type,
    namespace: i.namespace,
    target: i.target,
    outcome: i.outcome,
    detectedAt: i.detectedAt,
    resolvedAt: i.resolvedAt,
    mttrSeconds: mttr,
  };
}

export function incidentLink(baseUrl: string | undefined, id: string): string | undefined {
  return baseUrl ? `${baseUrl.replace(/\/+$/, '')}/#incident=${encodeURIComponent(id)}` : undefined;
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

const where = (i: Incident) => `${i.namespace}/${i.target}`;

function describeAction(a: IncidentAction): string {
  const args = Object.entries(a.arguments)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${a.tool}${args ? ` ${args}` : ''}`;
}

/**
 * The events an incident store event means: an opened incident (or an opened circuit breaker), a new
 * action on it, its escalation, its resolution. An update that is none of these means nothing.
 */
export function eventsFromIncident(kind: 'opened' | 'updated' | 'resolved', i: Incident, baseUrl: string | undefined): NotificationEvent[] {
  const base = { at: new Date().toISOString(), severity: i.severity, incident: incidentPart(i), link: incidentLink(baseUrl, i.id) };
  const out: NotificationEvent[] = [];
  if (kind === 'opened') {
    const breaker = i.type === 'circuit_breaker';
    out.push({
      ...base,
      at: i.detectedAt,
      key: `${i.id}:opened`,
      kind: breaker ? 'breaker_opened' : 'opened',
      title: breaker ? `Circuit breaker opened in ${i.namespace}: ${i.title}` : `${i.severity.toUpperCase()} ${i.type} on ${where(i)}: ${i.title}`,
      text: i.summary || (breaker ? 'The agent runs only safe actions until the namespace recovers.' : 'Detected; the agent is looking at it.'),
    });
  }
  if (kind === 'updated') {
    const last = i.actions.at(-1);
    if (last) {
      out.push({
        ...base,
        at: last.at,
        key: `${i.id}:acted:${i.actions.length}`,
        kind: 'acted',
        title: `${last.ok ? 'Acted' : 'Action failed'} on ${where(i)} (${i.type}): ${last.tool}`,
        text: `Did: ${describeAction(last)}\nWhy: ${last.reason || '(no reason given)'}`,
        action: { tool: last.tool, arguments: last.arguments, ok: last.ok, reason: last.reason },
      });
    }
    if (i.outcome === 'escalated')
      out.push({
        ...base,
        key: `${i.id}:escalated`,
        kind: 'escalated',
        title: `Escalated: ${i.type} on ${where(i)} needs a person`,
        text: `${i.summary || 'The agent gave up on this incident.'}\nActions so far: ${i.actions.length}`,
      });
  }
  if (kind === 'resolved') {
    const mttr = base.incident.mttrSeconds;
    out.push({
      ...base,
      at: i.resolvedAt ?? base.at,
      key: `${i.id}:resolved`,
      kind: 'resolved',
      title: `Resolved: ${i.type} on ${where(i)}${mttr === null ? '' : ` after ${formatDuration(mttr)}`}`,
      text: `${i.summary || 'Healthy again.'}\nActions taken: ${i.actions.map(describeAction).join('; ') || 'none'}`,
    });
  }
  return out;
}
