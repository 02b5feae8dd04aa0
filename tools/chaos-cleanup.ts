import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { chaosCleanup, ExperimentSchema } from '../src/services/chaos.js';
import { namespaceFilterArg } from './schemas.js';

export const chaosCleanupTool = defineTool({
  name: 'chaos_cleanup',
  title: 'Chaos: end experiments',
  description:
    'End running chaos experiments now: one by `id`, those in `namespace`, or all. Clears simulator faults and deletes burner pods; crashes already happened and are not undone (their deployments replace the pods). Works even when chaos has been disabled since. Audited. Experiments also end on their own at their TTL.',
  input: z.object({
    id: z
      .string()
      .regex(/^chaos-\d+$/, 'id looks like chaos-12 (see chaos_status)')
      .optional(),
    namespace: namespaceFilterArg,
  }),
  output: z.object({ message: z.string(), ended: z.array(ExperimentSchema) }),
  // Not destructive: it only removes what SentinelOps' own experiments added, restoring the cluster, so
  // it stays available in non-destructive mode. Idempotent: a second call finds nothing to end.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => chaosCleanup(ctx, args),
});
