import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { ReadSourceOutput } from '../src/services/cached-reads.js';
import { AgentObservationSchema, agentObservation } from '../src/services/observation.js';

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const DEPLOYMENT_KEY = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * The agent's monitor step in one call: every deployment and node, per deployment the aggregates of its pods, and
 * full pod rows only where a decision may be needed. Computed next to the cache, so a cycle over a large healthy
 * cluster moves one row per deployment instead of one per pod (src/services/observation.ts).
 */
export const agentObservationTool = defineTool({
  name: 'agent_observation',
  title: "The agent's observation",
  description:
    'What the autonomous agent reads each cycle: every deployment (as list_deployments) and node, per deployment its pod aggregates (pods, ready, terminating, unhealthy, pod-template-hashes, restarted pods, CPU/memory usage vs requests over ready pods), and full pod rows (with requests, limits and usage) only for unhealthy pods, pods on NotReady nodes, and the pods of the deployments named in `deployments` (all pods with allPods). Used by the agent itself; people want cluster_health, list_pods or get_metrics.',
  input: z.object({
    namespaces: z
      .array(z.string().min(1).max(63).regex(NAME, 'namespace must be a lowercase DNS label, e.g. "demo"'))
      .max(1000)
      .optional()
      .describe('namespaces to observe; omit or [] for all'),
    deployments: z
      .array(z.string().max(317).regex(DEPLOYMENT_KEY, 'a deployment is "namespace/name", e.g. "demo/web"'))
      .max(10_000)
      .optional()
      .describe('"namespace/name" of deployments whose pods are all wanted in full'),
    allPods: z.boolean().optional().describe('every pod in full (the pre-aggregate view)'),
  }),
  output: z.object({ ...AgentObservationSchema, ...ReadSourceOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, { ctx }) => agentObservation(ctx, args),
  render: (o) =>
    `${o.deployments.length} deployment(s), ${o.totals.pods} pod(s) (${o.totals.readyPods} ready), ${o.nodes.length} node(s); ${o.pods.length} pod row(s) in full; metrics ${o.metricsAvailable ? 'available' : 'unavailable'}`,
});
