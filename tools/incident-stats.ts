import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { incidentStats } from '../src/services/incidents.js';
import { IncidentStatsSchema } from '../src/store/types.js';
import { clusterFilterArg, namespaceFilterArg } from './schemas.js';

export const incidentStatsTool = defineTool({
  name: 'incident_stats',
  title: 'Incident statistics',
  description:
    'MTTR (mean, p50, p95 seconds from detection to resolution), success rate (resolved and not recurring on the same target within 10 minutes), and counts by type and outcome.',
  input: z.object({ cluster: clusterFilterArg, namespace: namespaceFilterArg, sinceSeconds: z.number().int().positive().optional() }),
  output: IncidentStatsSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (args, { ctx }) => incidentStats(ctx, args),
});
