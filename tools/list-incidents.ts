import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { listIncidents } from '../src/services/incidents.js';
import { IncidentSchema, OUTCOMES } from '../src/store/types.js';
import { clusterFilterArg, namespaceFilterArg } from './schemas.js';

export const listIncidentsTool = defineTool({
  name: 'list_incidents',
  title: 'List incidents',
  description:
    'Recent incidents, newest first, with their actions and outcome (open, resolved, failed, escalated). Each names its cluster. Filter by cluster, namespace, type, target, outcome or age.',
  input: z.object({
    cluster: clusterFilterArg,
    namespace: namespaceFilterArg,
    type: z.string().max(64).optional(),
    target: z.string().max(253).optional(),
    outcome: z.enum(OUTCOMES).optional(),
    sinceSeconds: z.number().int().positive().optional().describe('only incidents detected in the last N seconds'),
    limit: z.number().int().positive().max(500).optional().describe('default 50'),
  }),
  output: z.object({ items: z.array(IncidentSchema), truncated: z.boolean() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (args, { ctx }) => listIncidents(ctx, args),
});
