import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { getIncident } from '../src/services/incidents.js';
import { IncidentSchema } from '../src/store/types.js';
import { ServiceError } from '../src/base/errors.js';
import { clusterFilterArg } from './schemas.js';

export const getIncidentTool = defineTool({
  name: 'get_incident',
  title: 'Get an incident',
  description: 'One incident by id (inc-<number>) with its cluster, its details, every action taken (tool, arguments, result, reason) and timestamps.',
  input: z.object({
    id: z.string().regex(/^inc-\d+$/, 'incident ids look like inc-42; list_incidents shows them'),
    cluster: clusterFilterArg.describe('the cluster the incident must be on: not_found when it is on another one'),
  }),
  output: IncidentSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, { ctx }) => {
    const incident = await getIncident(ctx, args.id);
    if (args.cluster !== undefined && incident.cluster !== args.cluster)
      throw new ServiceError('not_found', `incident ${args.id} is on cluster "${incident.cluster ?? 'unknown'}", not "${args.cluster}"`);
    return incident;
  },
});
