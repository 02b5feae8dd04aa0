/**
 * REST routes for the humans around the agent: the notification outbox (and, with the approvals work,
 * pending plans and undo). Tool routes like the others in routes.ts, so validation, errors and the
 * OpenAPI document come from the tools' own schemas.
 */
import type { ToolRoute } from './routes.js';

export const HUMAN_ROUTES: readonly ToolRoute[] = [
  {
    method: 'GET',
    path: '/notifications',
    tool: 'list_notifications',
    tag: 'notifications',
    summary: 'The notification outbox: messages to Slack, PagerDuty and webhooks with state, attempts and last answer',
  },
  {
    method: 'POST',
    path: '/undo',
    tool: 'undo_action',
    tag: 'actions',
    summary: 'Undo a change by its auditId (scale, restart, rollback); refused with the reason when impossible',
    aliases: { dry_run: 'dryRun', audit_id: 'id' },
  },
];
