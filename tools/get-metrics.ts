import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { getMetrics, METRIC_SCOPES, MetricRowSchema } from '../src/services/metrics.js';
import { namespaceFilterArg, objectName } from './schemas.js';

export const getMetricsTool = defineTool({
  name: 'get_metrics',
  title: 'Get CPU and memory metrics',
  description:
    'CPU (millicores) and memory (bytes) per pod, deployment (default) or namespace: usage, requests, limits, and utilization as % of request. `source` names where usage came from (metrics-server or prometheus); `complete` is false when some running pods had no metrics — do not scale down on incomplete data.',
  input: z.object({
    namespace: namespaceFilterArg,
    deployment: objectName('deployment').optional().describe('only this deployment (needs namespace)'),
    scope: z.enum(METRIC_SCOPES).optional().describe('pod, deployment (default) or namespace'),
  }),
  output: z.object({
    source: z.string(),
    complete: z.boolean(),
    scope: z.enum(METRIC_SCOPES),
    items: z.array(MetricRowSchema),
    note: z.string().optional().describe('why the answer is incomplete when nothing could be measured yet (pods starting, not scraped yet)'),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => getMetrics(ctx, args),
});
