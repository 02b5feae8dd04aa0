import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { namespaceOrDefault } from '../src/services/context.js';
import { rollbackDeployment } from '../src/services/rollback.js';
import { dryRunArg, mutationOutput, namespaceArg, objectName } from './schemas.js';

export const rollbackDeploymentTool = defineTool({
  name: 'rollback_deployment',
  title: 'Roll back a deployment',
  description:
    'Like `kubectl rollout undo`: restore the pod template of the previous revision (or `toRevision`) so the controller rolls it out. The fix for a rollout that brought CrashLoopBackOff or ImagePullBackOff; list_deployments shows revision and previousRevision. Guardrails and cooldown apply.',
  input: z.object({
    namespace: namespaceArg,
    deployment: objectName('deployment'),
    toRevision: z.number().int().positive().optional(),
    dryRun: dryRunArg,
  }),
  output: z.object(
    mutationOutput(
      z.object({ revision: z.number().int().nullable(), images: z.array(z.string()), toRevision: z.number().int(), toImages: z.array(z.string()) }),
      z.object({ images: z.array(z.string()), changed: z.boolean() }),
    ),
  ),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: (args, { ctx }) => rollbackDeployment(ctx, { ...args, namespace: namespaceOrDefault(ctx, args.namespace) }),
});
