import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { LogIncidentInputShape, logIncident } from '../src/services/incidents.js';
import { IncidentSchema } from '../src/store/types.js';

export const logIncidentTool = defineTool({
  name: 'log_incident',
  title: 'Open or update an incident',
  description:
    'Without id: open an incident (type, severity, namespace, target, title required); when one of that type is already open on that target, that one is answered (created=false) and updated. With id: append an action taken, record an intent before acting (then settle it with its outcome) or a hold (a decision not to act, counted once per reason), change severity or summary, or set the outcome (resolved, failed, escalated). Subscribers of sentinelops://incidents are notified.',
  input: z.object(LogIncidentInputShape),
  output: z.object({
    created: z.boolean().describe('false when an incident of this type was already open on this target: it is answered and updated instead'),
    incident: IncidentSchema,
    entry: z.number().int().optional().describe('the timeline entry written by intent, settle or hold'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  multiLineArgs: ['summary'],
  handler: (args, { ctx }) => logIncident(ctx, args),
});
