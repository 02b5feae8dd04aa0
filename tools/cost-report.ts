import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { costReport, CostReportSchema } from '../src/services/cost-report.js';
import { namespaceFilterArg, objectName } from './schemas.js';

export const costReportTool = defineTool({
  name: 'cost_report',
  title: 'Cost report',
  description:
    "What the running workloads cost, OpenCost-style: each pod is billed max(request, usage) of CPU and memory at the configured prices (default $0.031611 per vCPU-hour, $0.004237 per GiB-hour). Returns per-deployment and per-namespace cost per hour and per month (730 h), split into CPU and memory, plus the idle cost (requested but unused), most expensive deployment first, with the assumptions in `notes`. Read-only for the cluster; it records a usage sample in SentinelOps' own history for cost_recommendations and cost_savings.",
  input: z.object({
    namespace: namespaceFilterArg,
    deployment: objectName('deployment').optional().describe('one deployment (needs namespace)'),
    limit: z.number().int().min(1).max(1000).optional().describe('most deployments to return (capped by safety.maxListItems)'),
  }),
  output: z.object(CostReportSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => costReport(ctx, args),
});
