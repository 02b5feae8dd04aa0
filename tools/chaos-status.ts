import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { chaosStatus, ChaosStatusSchema } from '../src/services/chaos.js';
import { namespaceFilterArg } from './schemas.js';

export const chaosStatusTool = defineTool({
  name: 'chaos_status',
  title: 'Chaos: status',
  description:
    'Whether chaos is enabled (and how to enable it), where it may run, the blast-radius and duration limits, which backend carries experiments out (simulator fault API or Kubernetes objects), the running experiments with their TTL, and the most recent ones with what they did. Read-only.',
  input: z.object({
    namespace: namespaceFilterArg,
    limit: z.number().int().min(1).max(100).optional().describe('recent experiments to list; default 10'),
  }),
  output: z.object(ChaosStatusSchema),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => chaosStatus(ctx, args),
});
