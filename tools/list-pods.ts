import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { ReadSourceOutput } from '../src/services/cached-reads.js';
import { PagingInput, PagingOutput } from '../src/services/paging.js';
import { isUnhealthy, type PodSummary, PodSummarySchema } from '../src/services/pod-summary.js';
import { listPods, PodStatusFilterSchema } from '../src/services/pods.js';
import { ageColumn, budgetChars, type Column, columnNames, fitPage, type ListView, listViewInput, renderList } from './list-view.js';
import { labelSelectorArg, namespaceFilterArg } from './schemas.js';

/** What kubectl's STATUS column says: the worst reason, else the phase. */
const statusOf = (p: PodSummary) => p.reason ?? p.phase;

const COLUMNS: readonly Column<PodSummary>[] = [
  { name: 'name' },
  { name: 'namespace' },
  { name: 'ready', cell: (p) => (p.ready ? 'yes' : 'no') },
  { name: 'status', cell: statusOf, json: (p) => ['status', statusOf(p)] },
  { name: 'restarts' },
  ageColumn<PodSummary>(),
  { name: 'node' },
  { name: 'ownerDeployment' },
  { name: 'phase' },
  { name: 'reason' },
  { name: 'message' },
  { name: 'lastTerminationReason' },
  { name: 'lastRunSeconds' },
  { name: 'scheduled' },
  { name: 'unschedulableMessage' },
  { name: 'images' },
  { name: 'podTemplateHash' },
  { name: 'createdAt' },
];

export const POD_VIEW: ListView<PodSummary> = {
  noun: ['pod', 'pods'],
  columns: COLUMNS,
  tableFields: ['name', 'ready', 'status', 'restarts', 'age', 'node'],
  namespaceColumn: true,
  status: statusOf,
  unhealthy: isUnhealthy,
  summaryFields: ['name', 'status', 'restarts', 'lastTerminationReason', 'lastRunSeconds', 'message'],
};

export const listPodsTool = defineTool({
  name: 'list_pods',
  title: 'List pods',
  description:
    'Pods with compact status: phase, ready, node, restarts, owning deployment, and the worst reason (CrashLoopBackOff, ImagePullBackOff, OOMKilled, Unschedulable, ...) with its message and last termination reason. Filter by namespace, label selector, or status ("unhealthy" = not ready or failing). The text is a count line and kubectl-like columns; `fields` picks columns, format "json" gives every field, summary=true only counts and unhealthy pods. Paged: pass `continue` from a truncated result.',
  input: z.object({
    namespace: namespaceFilterArg,
    labelSelector: labelSelectorArg,
    status: PodStatusFilterSchema.optional().describe('all (default), running, pending, failed, succeeded, unhealthy'),
    ...listViewInput(columnNames(COLUMNS)),
    ...PagingInput,
  }),
  output: z.object({ items: z.array(PodSummarySchema), ...PagingOutput, ...ReadSourceOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, { ctx }) => {
    const page = await listPods(ctx, args);
    const now = ctx.clock.now();
    return { ...fitPage(page, (p) => renderList(POD_VIEW, p, args, { now }), budgetChars(ctx.config)), source: page.source };
  },
  render: (output, args, view) => renderList(POD_VIEW, output, args, view),
});
