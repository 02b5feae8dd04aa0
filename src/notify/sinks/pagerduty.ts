/**
 * A PagerDuty Events API v2 event. The incident id is the dedup_key, so one SentinelOps incident is one
 * PagerDuty alert: opened, escalated, a breaker or a plan waiting for approval trigger it, an action
 * acknowledges it (the agent is working on it), resolution resolves it.
 */
import { cut } from '../cut.js';
import type { Severity } from '../../store/types.js';
import type { NotificationEvent } from '../event.js';

export const PD_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
};

const ACTION: Record<NotificationEvent['kind'], 'trigger' | 'acknowledge' | 'resolve'> = {
  opened: 'trigger',
  escalated: 'trigger',
  breaker_opened: 'trigger',
  approval_needed: 'trigger',
  acted: 'acknowledge',
  resolved: 'resolve',
};

export function pagerDutyEvent(e: NotificationEvent, routingKey: string): Record<string, unknown> {
  const action = ACTION[e.kind];
  const dedupKey = cut(e.incident?.id ?? e.approval?.id ?? e.key, 255);
  const event: Record<string, unknown> = { routing_key: routingKey, event_action: action, dedup_key: dedupKey };
  // Only a trigger carries a payload (acknowledge and resolve name the alert by its dedup_key alone).
  if (action === 'trigger') {
    event.payload = {
      summary: cut(e.title, 1024),
      source: e.incident ? `${e.incident.namespace}/${e.incident.target}` : 'sentinelops',
      severity: PD_SEVERITY[e.severity],
      timestamp: e.at,
      component: e.incident?.target,
      group: e.incident?.namespace,
      class: e.incident?.type ?? e.kind,
      custom_details: { kind: e.kind, text: e.text, incident: e.incident, action: e.action, approval: e.approval },
    };
    event.client = 'SentinelOps';
    if (e.link) {
      event.client_url = e.link;
      event.links = [{ href: e.link, text: e.approval ? 'Pending plan' : 'Incident in SentinelOps' }];
    }
  }
  return event;
}
