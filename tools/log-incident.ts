import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { LogIncidentInputShape, logIncident } from '../src/services/incidents.js';
import { IncidentSchema } from '../src/store/types.js';

export const logIncidentTool = defineTool({
  name: 'log_incident',
  title: 'Open or update an incident',
  description:
    'Without id: open an incident (type, severity, namespace, target, title required). With id: append an action taken, change severity or summary, or set the outcome (resolved, failed, escalated). Subscribers of sentinelops://incidents are notified.',
  input: z.object(LogIncidentInputShape),
  output: z.object({ created: z.boolean(), incident: IncidentSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  multiLineArgs: ['summary'],
  handler: (args, { ctx }) => logIncident(ctx, args),
});
