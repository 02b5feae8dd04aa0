import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { namespaceOrDefault } from '../src/services/context.js';
import { deletePod } from '../src/services/delete-pod.js';
import { PodSummarySchema } from '../src/services/pod-summary.js';
import { dryRunArg, mutationOutput, namespaceArg, objectName } from './schemas.js';

export const deletePodTool = defineTool({
  name: 'delete_pod',
  title: 'Delete a pod',
  description:
    'Delete one pod: a named `pod`, or a random pod of `deployment`. Its deployment creates a replacement; a pod without a controller is gone for good. Useful for a pod stuck in ContainerCreating or wedged; never for Pending/Unschedulable pods (they would come back the same). Guardrails and cooldown apply.',
  input: z.object({
    namespace: namespaceArg,
    pod: objectName('pod').optional(),
    deployment: objectName('deployment').optional(),
    dryRun: dryRunArg,
  }),
  output: z.object(mutationOutput(z.object({ pod: PodSummarySchema }), z.object({ deleted: z.string() }))),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: (args, { ctx }) => deletePod(ctx, { ...args, namespace: namespaceOrDefault(ctx, args.namespace) }),
});
