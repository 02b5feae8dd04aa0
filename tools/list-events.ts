import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { EventSummarySchema, listEvents } from '../src/services/events.js';
import { PagingInput, PagingOutput } from '../src/services/paging.js';
import { namespaceFilterArg } from './schemas.js';

export const listEventsTool = defineTool({
  name: 'list_events',
  title: 'List events',
  description:
    'Kubernetes events, newest first: type (Normal/Warning), reason, message, involved object and count. Filter by namespace, object name, or type "Warning" to see why pods fail to schedule, pull or start.',
  input: z.object({
    namespace: namespaceFilterArg,
    object: z.string().max(253).optional().describe('only events about the object with this name'),
    type: z.enum(['Normal', 'Warning']).optional(),
    ...PagingInput,
  }),
  output: z.object({ items: z.array(EventSummarySchema), ...PagingOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => listEvents(ctx, args),
});
