import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { clusterHealth, HealthSchema } from '../src/services/health.js';
import { namespaceFilterArg } from './schemas.js';

export const clusterHealthTool = defineTool({
  name: 'cluster_health',
  title: 'Cluster health',
  description:
    'Overall health in one call: API server reachability and version, whether a metrics source answers, node readiness, pod counts by phase, degraded deployments and a severity-sorted list of problems (crash loops, image pull errors, unschedulable pods, NotReady nodes). Start here when asked "is everything OK?".',
  input: z.object({ namespace: namespaceFilterArg }),
  output: HealthSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => clusterHealth(ctx, args),
});
