import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { type EventSummary, EventSummarySchema, listEvents } from '../src/services/events.js';
import { PagingInput, PagingOutput } from '../src/services/paging.js';
import { age, budgetChars, type Column, columnNames, fitPage, type ListView, listViewInput, renderList } from './list-view.js';
import { namespaceFilterArg } from './schemas.js';

const COLUMNS: readonly Column<EventSummary>[] = [
  { name: 'lastSeen', cell: (e, now) => age(e.lastSeen, now) },
  { name: 'namespace' },
  { name: 'type' },
  { name: 'reason' },
  { name: 'object' },
  { name: 'count' },
  { name: 'message' },
  { name: 'firstSeen' },
];

const VIEW: ListView<EventSummary> = {
  noun: ['event', 'events'],
  columns: COLUMNS,
  // kubectl get events: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (the count only when above one matters less)
  tableFields: ['lastSeen', 'type', 'reason', 'object', 'count', 'message'],
  namespaceColumn: true,
  status: (e) => e.type,
  unhealthy: (e) => e.type !== 'Normal',
};

export const listEventsTool = defineTool({
  name: 'list_events',
  title: 'List events',
  description:
    'Kubernetes events, newest first: type (Normal/Warning), reason, message, involved object and count. Filter by namespace, object name, or type "Warning" to see why pods fail to schedule, pull or start. The text is a count line and kubectl-like columns; `fields` picks columns, format "json" gives every field, summary=true only counts and warnings.',
  input: z.object({
    namespace: namespaceFilterArg,
    object: z.string().max(253).optional().describe('only events about the object with this name'),
    type: z.enum(['Normal', 'Warning']).optional(),
    ...listViewInput(columnNames(COLUMNS)),
    ...PagingInput,
  }),
  output: z.object({ items: z.array(EventSummarySchema), ...PagingOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, { ctx }) => {
    const page = await listEvents(ctx, args);
    const now = ctx.clock.now();
    return fitPage(page, (p) => renderList(VIEW, p, args, { now }), budgetChars(ctx.config));
  },
  render: (output, args, view) => renderList(VIEW, output, args, view),
});
