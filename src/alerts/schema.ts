/**
 * Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 * Unknown extra fields are accepted, since Alertmanager adds fields within a version; the ones we use are checked.
 */
import { z } from 'zod';

const labelSet = z.record(z.string());

export const AlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: z.string().datetime({ offset: true }),
  /** "0001-01-01T00:00:00Z" while firing without an end. */
  endsAt: z.string().datetime({ offset: true }).optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

export const AlertmanagerPayloadSchema = z.object({
  version: z.literal('4', { errorMap: () => ({ message: 'only Alertmanager webhook payload version "4" is supported' }) }),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(AlertSchema).min(1, 'alerts must not be empty'),
});

export type Alert = z.infer<typeof AlertSchema>;
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayloadSchema>;
