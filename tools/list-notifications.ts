import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { listNotifications, NotificationListSchema } from '../src/notify/list.js';
import { OUTBOX_STATES } from '../src/store/outbox.js';

export const listNotificationsTool = defineTool({
  name: 'list_notifications',
  title: 'List notifications',
  description:
    'The notification outbox, newest first: each message to Slack, PagerDuty or a webhook with its state (pending, delivered, dead), attempts and the last answer of the receiver, plus counts per state and the configured sinks. Read-only.',
  input: z.object({
    state: z.enum(OUTBOX_STATES).optional(),
    sink: z.string().max(63).optional().describe('a configured sink name'),
    limit: z.number().int().positive().max(500).optional().describe('default 50'),
  }),
  output: NotificationListSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (args, { ctx }) => listNotifications(ctx.store, () => ctx.clock.now(), ctx.config.notify.sinks, args),
});
