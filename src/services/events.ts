import type { CoreV1Event } from '@kubernetes/client-node';
import { z } from 'zod';
import type { ServiceContext } from './context.js';
import { type CuttablePage, fetchPage } from './paging.js';
import { isoOf } from './pod-summary.js';

export const EventSummarySchema = z.object({
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  namespace: z.string(),
  object: z.string().describe('Kind/name of the involved object'),
  count: z.number().int(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
});
export type EventSummary = z.infer<typeof EventSummarySchema>;

export interface ListEventsInput {
  namespace?: string;
  /** only events about this object name */
  object?: string;
  type?: 'Normal' | 'Warning';
  limit?: number;
  continue?: string;
}

export function summarizeEvent(e: CoreV1Event): EventSummary {
  const last = e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  return {
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    namespace: e.metadata?.namespace ?? e.involvedObject?.namespace ?? '',
    object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
    count: e.count ?? 1,
    firstSeen: isoOf(e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp),
    lastSeen: isoOf(last as Date | string | undefined),
  };
}

/** Newest first within the page. */
export async function listEvents(ctx: ServiceContext, input: ListEventsInput): Promise<CuttablePage<EventSummary>> {
  const fields: string[] = [];
  if (input.object) fields.push(`involvedObject.name=${input.object}`);
  if (input.type) fields.push(`type=${input.type}`);
  return fetchPage(
    ctx.config,
    input,
    (opts) => ctx.cluster.listEvents(input.namespace, { fieldSelector: fields.join(',') || undefined, ...opts }),
    (raw) => {
      const e = summarizeEvent(raw);
      // Filter again locally: not every server honours every field selector.
      return (!input.object || e.object.endsWith(`/${input.object}`)) && (!input.type || e.type === input.type) ? e : undefined;
    },
    (items) => items.sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '')),
  );
}
