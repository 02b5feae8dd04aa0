import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { ReadSourceOutput } from '../src/services/cached-reads.js';
import { listNodes, NodeSummarySchema } from '../src/services/nodes.js';
import { PagingInput, PagingOutput } from '../src/services/paging.js';
import { labelSelectorArg } from './schemas.js';

export const listNodesTool = defineTool({
  name: 'list_nodes',
  title: 'List nodes',
  description: 'Nodes with readiness, pressure conditions, cordon state, roles, taints, and CPU/memory capacity and allocatable (millicores, bytes).',
  input: z.object({ labelSelector: labelSelectorArg, ...PagingInput }),
  output: z.object({ items: z.array(NodeSummarySchema), ...PagingOutput, ...ReadSourceOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => listNodes(ctx, args),
});
