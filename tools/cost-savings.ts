import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { costSavings, CostSavingsSchema } from '../src/services/cost-savings.js';
import { namespaceFilterArg, objectName } from './schemas.js';

export const costSavingsTool = defineTool({
  name: 'cost_savings',
  title: 'Savings from autoscaling',
  description:
    'What the recorded replica counts (autoscaling by SentinelOps or an HPA) cost against a static baseline over a window: time-weighted average replicas, actual vs baseline cost, savings in USD and %, and a monthly projection per deployment. The baseline is `baselineReplicas`, else cost.baselineReplicas, else the most replicas observed; `assumptions` states how it was computed. Deployments without replica history over time are listed in `skipped`. Read-only.',
  input: z.object({
    namespace: namespaceFilterArg,
    deployment: objectName('deployment').optional(),
    windowHours: z
      .number()
      .positive()
      .max(24 * 90)
      .optional()
      .describe('how far back to look; default 24'),
    baselineReplicas: z.number().int().positive().max(1000).optional().describe('the static replica count to compare with, e.g. 10'),
  }),
  output: z.object(CostSavingsSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => costSavings(ctx, args),
});
