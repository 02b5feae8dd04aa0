import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { ReadSourceOutput } from '../src/services/cached-reads.js';
import { PagingInput, PagingOutput } from '../src/services/paging.js';
import { PodSummarySchema } from '../src/services/pod-summary.js';
import { listPods, PodStatusFilterSchema } from '../src/services/pods.js';
import { labelSelectorArg, namespaceFilterArg } from './schemas.js';

export const listPodsTool = defineTool({
  name: 'list_pods',
  title: 'List pods',
  description:
    'Pods with compact status: phase, ready, node, restarts, owning deployment, and the worst reason (CrashLoopBackOff, ImagePullBackOff, OOMKilled, Unschedulable, ...) with its message and last termination reason. Filter by namespace, label selector, or status ("unhealthy" = not ready or failing). Paged: pass `continue` from a truncated result.',
  input: z.object({
    namespace: namespaceFilterArg,
    labelSelector: labelSelectorArg,
    status: PodStatusFilterSchema.optional().describe('all (default), running, pending, failed, succeeded, unhealthy'),
    ...PagingInput,
  }),
  output: z.object({ items: z.array(PodSummarySchema), ...PagingOutput, ...ReadSourceOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => listPods(ctx, args),
});
