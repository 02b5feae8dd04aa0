/**
 * A Slack incoming-webhook message in Block Kit: a header with what happened, a section with what was
 * done and why, fields for severity, target, incident and (when resolved) MTTR, and a button to the
 * incident when the dashboard's URL is known. Texts are cut to Block Kit's limits (header 150, section
 * 3000, field 2000, button 75 characters) so Slack never refuses a message for its length.
 */
import { cut } from '../cut.js';
import { type NotificationEvent, formatDuration } from '../event.js';

const EMOJI: Record<NotificationEvent['kind'], string> = {
  opened: ':rotating_light:',
  acted: ':wrench:',
  escalated: ':sos:',
  resolved: ':white_check_mark:',
  breaker_opened: ':no_entry:',
  approval_needed: ':raised_hand:',
};

/** Slack's mrkdwn treats &, < and > as control characters. */
const escapeMrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackMessage(e: NotificationEvent): Record<string, unknown> {
  const fields: { type: 'mrkdwn'; text: string }[] = [{ type: 'mrkdwn', text: `*Severity*\n${e.severity}` }];
  if (e.incident) {
    fields.push({ type: 'mrkdwn', text: cut(`*Target*\n${escapeMrkdwn(`${e.incident.namespace}/${e.incident.target}`)}`, 2000) });
    fields.push({ type: 'mrkdwn', text: `*Incident*\n${escapeMrkdwn(e.incident.id)} (${escapeMrkdwn(e.incident.outcome)})` });
    if (e.incident.mttrSeconds !== null) fields.push({ type: 'mrkdwn', text: `*MTTR*\n${formatDuration(e.incident.mttrSeconds)}` });
  }
  if (e.action) fields.push({ type: 'mrkdwn', text: cut(`*Action*\n${escapeMrkdwn(e.action.tool)} ${e.action.ok ? 'succeeded' : 'failed'}`, 2000) });
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(e.title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(escapeMrkdwn(e.text), 3000) }, fields },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${EMOJI[e.kind]} ${e.kind.replace('_', ' ')} · ${e.at} · SentinelOps` }] },
  ];
  const buttons: Record<string, unknown>[] = [];
  if (e.link) buttons.push({ type: 'button', text: { type: 'plain_text', text: e.approval ? 'Open plan' : 'Open incident' }, url: e.link });
  if (e.approval?.approveUrl) buttons.push({ type: 'button', style: 'primary', text: { type: 'plain_text', text: 'Approve' }, url: e.approval.approveUrl });
  if (e.approval?.rejectUrl) buttons.push({ type: 'button', style: 'danger', text: { type: 'plain_text', text: 'Reject' }, url: e.approval.rejectUrl });
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });
  // `text` is the fallback Slack shows in notifications and where blocks cannot be displayed.
  return { text: cut(`${EMOJI[e.kind]} ${e.title}`, 3000), blocks };
}
