import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { ReadSourceOutput } from '../src/services/cached-reads.js';
import { listNodes, type NodeSummary, NodeSummarySchema } from '../src/services/nodes.js';
import { PagingInput, PagingOutput } from '../src/services/paging.js';
import { ageColumn, budgetChars, type Column, columnNames, fitPage, type ListView, listViewInput, renderList } from './list-view.js';
import { labelSelectorArg } from './schemas.js';

/** kubectl's STATUS: Ready / NotReady, with SchedulingDisabled when cordoned. */
const statusOf = (n: NodeSummary) => `${n.ready ? 'Ready' : 'NotReady'}${n.unschedulable ? ',SchedulingDisabled' : ''}`;
const GIB = 1024 ** 3;

const COLUMNS: readonly Column<NodeSummary>[] = [
  { name: 'name' },
  { name: 'status', cell: statusOf, json: (n) => ['status', statusOf(n)] },
  { name: 'roles' },
  ageColumn<NodeSummary>(),
  { name: 'kubeletVersion' },
  { name: 'cpuAllocatableMillicores', cell: (n) => `${n.cpuAllocatableMillicores}m` },
  { name: 'memoryAllocatableBytes', cell: (n) => `${(n.memoryAllocatableBytes / GIB).toFixed(1)}Gi` },
  { name: 'pressure' },
  { name: 'taints' },
  { name: 'ready' },
  { name: 'unschedulable' },
  { name: 'cpuCapacityMillicores' },
  { name: 'memoryCapacityBytes' },
  { name: 'createdAt' },
];

const VIEW: ListView<NodeSummary> = {
  noun: ['node', 'nodes'],
  columns: COLUMNS,
  tableFields: ['name', 'status', 'roles', 'age', 'cpuAllocatableMillicores', 'memoryAllocatableBytes', 'pressure'],
  status: statusOf,
  unhealthy: (n) => !n.ready || n.unschedulable || n.pressure.length > 0,
  summaryFields: ['name', 'status', 'pressure', 'taints'],
};

export const listNodesTool = defineTool({
  name: 'list_nodes',
  title: 'List nodes',
  description:
    'Nodes with readiness, pressure conditions, cordon state, roles, taints, and CPU/memory capacity and allocatable (millicores, bytes). The text is a count line and kubectl-like columns; `fields` picks columns, format "json" gives every field, summary=true only counts and troubled nodes.',
  input: z.object({ labelSelector: labelSelectorArg, ...listViewInput(columnNames(COLUMNS)), ...PagingInput }),
  output: z.object({ items: z.array(NodeSummarySchema), ...PagingOutput, ...ReadSourceOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, { ctx }) => {
    const page = await listNodes(ctx, args);
    const now = ctx.clock.now();
    return { ...fitPage(page, (p) => renderList(VIEW, p, args, { now }), budgetChars(ctx.config)), source: page.source };
  },
  render: (output, args, view) => renderList(VIEW, output, args, view),
});
