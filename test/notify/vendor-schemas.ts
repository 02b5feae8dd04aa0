/**
 * The receivers' side of the contract, written from the vendors' documentation (not from our code):
 * - Slack Block Kit (docs.slack.dev/reference/block-kit): blocks ≤ 50; header text plain_text ≤ 150;
 *   section text ≤ 3000 or fields (≤ 10, each ≤ 2000); context elements 1–10; actions elements 1–25;
 *   button text plain_text ≤ 75, url ≤ 3000, style primary|danger; block_id ≤ 255.
 * - PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"): routing_key (32-character
 *   integration key), event_action trigger|acknowledge|resolve, dedup_key ≤ 255 (required to acknowledge
 *   or resolve), payload required for trigger with summary ≤ 1024, source, severity
 *   critical|error|warning|info, optional ISO timestamp, component, group, class, custom_details; optional
 *   client, client_url, links [{href, text}], images [{src, href, alt}].
 * Objects are strict: a key the vendor does not document is an error here, as a receiver would treat it.
 */
import { z } from 'zod';

const blockId = z.string().max(255).optional();
const plainText = (max: number) => z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() }).strict();
const mrkdwn = (max: number) => z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max), verbatim: z.boolean().optional() }).strict();
const textObject = (max: number) => z.union([plainText(max), mrkdwn(max)]);

const button = z
  .object({
    type: z.literal('button'),
    text: plainText(75),
    action_id: z.string().max(255).optional(),
    url: z.string().url().max(3000).optional(),
    value: z.string().max(2000).optional(),
    style: z.enum(['primary', 'danger']).optional(),
  })
  .strict();

const header = z.object({ type: z.literal('header'), text: plainText(150), block_id: blockId }).strict();
const section = z
  .object({
    type: z.literal('section'),
    text: textObject(3000).optional(),
    fields: z.array(textObject(2000)).max(10).optional(),
    accessory: z.unknown().optional(),
    block_id: blockId,
  })
  .strict()
  .refine((s) => s.text !== undefined || (s.fields?.length ?? 0) > 0, 'a section needs text or fields');
const context = z.object({ type: z.literal('context'), elements: z.array(textObject(3000)).min(1).max(10), block_id: blockId }).strict();
const actions = z.object({ type: z.literal('actions'), elements: z.array(button).min(1).max(25), block_id: blockId }).strict();
const divider = z.object({ type: z.literal('divider'), block_id: blockId }).strict();

export const SlackMessageSchema = z
  .object({
    text: z.string().max(40_000).optional(),
    blocks: z
      .array(z.union([header, section, context, actions, divider]))
      .min(1)
      .max(50)
      .optional(),
    mrkdwn: z.boolean().optional(),
  })
  .strict()
  .refine((m) => m.text !== undefined || m.blocks !== undefined, 'a message needs text or blocks');

const pdPayload = z
  .object({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    timestamp: z.string().datetime({ offset: true }).optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.unknown()).optional(),
  })
  .strict();

export const PagerDutyEventSchema = z
  .object({
    routing_key: z.string().length(32),
    event_action: z.enum(['trigger', 'acknowledge', 'resolve']),
    dedup_key: z.string().min(1).max(255).optional(),
    payload: pdPayload.optional(),
    client: z.string().optional(),
    client_url: z.string().url().optional(),
    links: z.array(z.object({ href: z.string().url(), text: z.string().optional() }).strict()).optional(),
    images: z.array(z.object({ src: z.string(), href: z.string().optional(), alt: z.string().optional() }).strict()).optional(),
  })
  .strict()
  .refine((e) => e.event_action !== 'trigger' || e.payload !== undefined, 'a trigger needs a payload')
  .refine((e) => e.event_action === 'trigger' || e.dedup_key !== undefined, 'acknowledge and resolve need a dedup_key');
