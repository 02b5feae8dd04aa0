import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { ReadSourceOutput } from '../src/services/cached-reads.js';
import { type DeploymentSummary, DeploymentSummarySchema } from '../src/services/deployment-summary.js';
import { listDeployments } from '../src/services/deployments.js';
import { PagingInput, PagingOutput } from '../src/services/paging.js';
import { ageColumn, budgetChars, type Column, columnNames, fitPage, type ListView, listViewInput, renderList } from './list-view.js';
import { labelSelectorArg, namespaceFilterArg } from './schemas.js';

const unhealthy = (d: DeploymentSummary) => d.availableReplicas < d.replicas || d.readyReplicas < d.replicas || d.updatedReplicas < d.replicas;
const statusOf = (d: DeploymentSummary) => (d.paused ? 'Paused' : unhealthy(d) ? 'Degraded' : 'Available');
/** Conditions that are not fine (Available False, Progressing False, ReplicaFailure True) as "Type=reason: message". */
const problems = (d: DeploymentSummary) =>
  d.conditions
    .filter((c) => (c.type === 'ReplicaFailure' ? c.status === 'True' : c.status !== 'True'))
    .map((c) => `${c.type}=${c.reason ?? c.status}${c.message ? `: ${c.message}` : ''}`);

const COLUMNS: readonly Column<DeploymentSummary>[] = [
  { name: 'name' },
  { name: 'namespace' },
  { name: 'ready', cell: (d) => `${d.readyReplicas}/${d.replicas}`, json: (d) => ['ready', `${d.readyReplicas}/${d.replicas}`] },
  { name: 'updatedReplicas' },
  { name: 'availableReplicas' },
  ageColumn<DeploymentSummary>(),
  { name: 'revision' },
  { name: 'images' },
  { name: 'status', cell: statusOf, json: (d) => ['status', statusOf(d)] },
  { name: 'problems', cell: (d) => problems(d).join('; ') || '-', json: (d) => ['problems', problems(d)] },
  { name: 'replicas' },
  { name: 'readyReplicas' },
  { name: 'previousRevision' },
  { name: 'revisionHashes', cell: (d) => d.revisionHashes.map((h) => `${h.revision}=${h.podTemplateHash}`).join(',') || '-' },
  { name: 'rolloutStartedAt' },
  { name: 'conditions' },
  { name: 'hpaControlled' },
  { name: 'paused' },
  { name: 'createdAt' },
];

const VIEW: ListView<DeploymentSummary> = {
  noun: ['deployment', 'deployments'],
  columns: COLUMNS,
  tableFields: ['name', 'ready', 'updatedReplicas', 'availableReplicas', 'age', 'revision', 'images'],
  namespaceColumn: true,
  status: statusOf,
  unhealthy,
  summaryFields: ['name', 'ready', 'revision', 'images', 'problems'],
};

export const listDeploymentsTool = defineTool({
  name: 'list_deployments',
  title: 'List deployments',
  description:
    'Deployments with desired/ready/updated/available replicas, current and previous revision, images, when the current rollout started, conditions, and whether an HPA controls the replica count. Use before scaling, restarting or rolling back. The text is a count line and kubectl-like columns; `fields` picks columns, format "json" gives every field, summary=true only counts and degraded deployments.',
  input: z.object({ namespace: namespaceFilterArg, labelSelector: labelSelectorArg, ...listViewInput(columnNames(COLUMNS)), ...PagingInput }),
  output: z.object({ items: z.array(DeploymentSummarySchema), ...PagingOutput, ...ReadSourceOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, { ctx }) => {
    const page = await listDeployments(ctx, args);
    const now = ctx.clock.now();
    return { ...fitPage(page, (p) => renderList(VIEW, p, args, { now }), budgetChars(ctx.config)), source: page.source };
  },
  render: (output, args, view) => renderList(VIEW, output, args, view),
});
