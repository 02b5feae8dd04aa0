import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { namespaceOrDefault } from '../src/services/context.js';
import { scaleDeployment } from '../src/services/scale.js';
import { dryRunArg, mutationOutput, namespaceArg, objectName } from './schemas.js';

const ReplicaState = z.object({ replicas: z.number().int(), readyReplicas: z.number().int() });

export const scaleDeploymentTool = defineTool({
  name: 'scale_deployment',
  title: 'Scale a deployment',
  description:
    'Set the replica count of a deployment. Refused outside the configured min/max replicas, in protected or non-allowed namespaces, and within the per-deployment cooldown after another change (the message says when to retry). Deployments with hpaControlled=true (see list_deployments) are managed by an HPA that will override this. dryRun=true returns the plan only.',
  input: z.object({
    namespace: namespaceArg,
    deployment: objectName('deployment'),
    replicas: z.number().int().min(0).max(1000),
    dryRun: dryRunArg,
  }),
  output: z.object(mutationOutput(ReplicaState, ReplicaState)),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => scaleDeployment(ctx, { ...args, namespace: namespaceOrDefault(ctx, args.namespace) }),
});
