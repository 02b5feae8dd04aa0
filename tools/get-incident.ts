import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { getIncident } from '../src/services/incidents.js';
import { IncidentSchema } from '../src/store/types.js';

export const getIncidentTool = defineTool({
  name: 'get_incident',
  title: 'Get an incident',
  description: 'One incident by id (inc-<number>) with its details, every action taken (tool, arguments, result, reason) and timestamps.',
  input: z.object({ id: z.string().regex(/^inc-\d+$/, 'incident ids look like inc-42; list_incidents shows them') }),
  output: IncidentSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (args, { ctx }) => getIncident(ctx, args.id),
});
