import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { costRecommendations, CostRecommendationsSchema } from '../src/services/cost-recommendations.js';
import { namespaceFilterArg, objectName } from './schemas.js';

export const costRecommendationsTool = defineTool({
  name: 'cost_recommendations',
  title: 'Right-sizing recommendations',
  description:
    "Right-sized CPU and memory requests per deployment from observed usage: p95 of the busiest pod over the recorded samples (or the current reading) × headroom (default 1.3), never below a floor. Flags idle (CPU usage under 10% of request), over- and under-provisioned workloads, and gives each recommendation's monthly saving and per-container quantities; largest saving first. Changes nothing in the cluster (it records a usage sample in SentinelOps' own history); check `confidence` before acting.",
  input: z.object({
    namespace: namespaceFilterArg,
    deployment: objectName('deployment').optional().describe('one deployment (needs namespace)'),
    windowHours: z
      .number()
      .positive()
      .max(24 * 90)
      .optional()
      .describe('usage history to consider; default 24'),
    headroom: z.number().min(1).max(10).optional().describe('multiplier over observed usage; default cost.headroom (1.3)'),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  output: z.object(CostRecommendationsSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => costRecommendations(ctx, args),
});
