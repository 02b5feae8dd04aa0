/**
 * Where notifications go and which ones: the `notify` section of the configuration. Sinks are a list so
 * a team can send, say, everything to a webhook and only escalations to PagerDuty.
 */
import { z } from 'zod';

export const NOTIFY_EVENTS = ['opened', 'acted', 'escalated', 'resolved', 'breaker_opened', 'approval_needed'] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

const SinkBase = {
  /** Names the sink in the outbox, the logs and the dashboard; unique. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'sink names are lower-case letters, digits, - and _'),
  events: z
    .array(z.enum(NOTIFY_EVENTS))
    .min(1)
    .default([...NOTIFY_EVENTS]),
  /** Incidents below this severity are not sent (events without an incident always are). */
  minSeverity: z.enum(['low', 'medium', 'high', 'critical']).default('low'),
  /** Most messages per minute to this sink; the rest wait in the outbox (not counted as failures). */
  ratePerMinute: z.number().int().positive().default(30),
};

export const SinkConfigSchema = z.discriminatedUnion('type', [
  z.object({ ...SinkBase, type: z.literal('slack'), url: z.string().url().describe('Slack incoming-webhook URL') }).strict(),
  z
    .object({
      ...SinkBase,
      type: z.literal('pagerduty'),
      routingKey: z.string().length(32, 'a PagerDuty integration (routing) key is 32 characters'),
      url: z.string().url().default('https://events.pagerduty.com/v2/enqueue'),
    })
    .strict(),
  z
    .object({
      ...SinkBase,
      type: z.literal('webhook'),
      url: z.string().url(),
      /** Signs every body (HMAC-SHA256); receivers verify with the same secret. */
      secret: z.string().min(16, 'the webhook secret must be at least 16 characters'),
    })
    .strict(),
]);
export type SinkConfig = z.infer<typeof SinkConfigSchema>;

export const NotifyConfigSchema = z
  .object({
    sinks: z
      .array(SinkConfigSchema)
      .default([])
      .refine((s) => new Set(s.map((x) => x.name)).size === s.length, { message: 'sink names must be unique' }),
    /** The dashboard's public URL, for links in messages (default: none, messages carry the incident id). */
    baseUrl: z.string().url().optional(),
    /** Attempts before a message is dead-lettered. */
    maxAttempts: z.number().int().min(1).default(8),
    /** Backoff after the n-th failure: min(max, base × 2^(n-1)) with full jitter down to half of it. */
    backoffBaseSeconds: z.number().positive().default(2),
    backoffMaxSeconds: z.number().positive().default(600),
    /** Per request. */
    timeoutSeconds: z.number().positive().default(10),
    /** How long a sender holds a row; a sender killed mid-send frees it after this. */
    leaseSeconds: z.number().positive().default(60),
  })
  .strict();
export type NotifyConfig = z.infer<typeof NotifyConfigSchema>;
