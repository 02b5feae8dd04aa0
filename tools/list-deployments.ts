import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { ReadSourceOutput } from '../src/services/cached-reads.js';
import { DeploymentSummarySchema } from '../src/services/deployment-summary.js';
import { listDeployments } from '../src/services/deployments.js';
import { PagingInput, PagingOutput } from '../src/services/paging.js';
import { labelSelectorArg, namespaceFilterArg } from './schemas.js';

export const listDeploymentsTool = defineTool({
  name: 'list_deployments',
  title: 'List deployments',
  description:
    'Deployments with desired/ready/updated/available replicas, current and previous revision, images, when the current rollout started, conditions, and whether an HPA controls the replica count. Use before scaling, restarting or rolling back.',
  input: z.object({ namespace: namespaceFilterArg, labelSelector: labelSelectorArg, ...PagingInput }),
  output: z.object({ items: z.array(DeploymentSummarySchema), ...PagingOutput, ...ReadSourceOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => listDeployments(ctx, args),
});
