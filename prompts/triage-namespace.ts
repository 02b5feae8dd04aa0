import { z } from 'zod';
import { definePrompt } from '../src/catalog/define-resource.js';

export const triageNamespacePrompt = definePrompt({
  name: 'triage_namespace',
  title: 'Triage a namespace',
  description: "Walk through a namespace's health, find what is broken and why, and propose (not take) the smallest safe fix.",
  args: { namespace: z.string().describe('the namespace to triage, e.g. demo') },
  complete: {
    namespace: (ctx, value) =>
      [ctx.config.cluster.defaultNamespace, ...ctx.config.safety.allowedNamespaces].filter((n, i, a) => n.startsWith(value) && a.indexOf(n) === i),
  },
  build: ({ namespace }) =>
    [
      `Triage the Kubernetes namespace "${namespace}" with the SentinelOps tools.`,
      `1. cluster_health {"namespace": "${namespace}"} for the overall picture.`,
      `2. list_pods {"namespace": "${namespace}", "status": "unhealthy"} and list_deployments {"namespace": "${namespace}"}.`,
      `3. For each failing pod: list_events {"namespace": "${namespace}", "object": <pod>, "type": "Warning"} and get_pod_logs (previous=true for crash loops).`,
      `4. get_metrics {"namespace": "${namespace}"} for saturation (utilization is % of request; check "complete").`,
      '5. list_incidents for this namespace to see whether this is a recurrence.',
      'Then report: what is wrong, the evidence, the likely cause, and the smallest safe fix (rollback for a bad rollout, restart for a wedged process, scale for load; never delete Pending pods). Ask before changing anything; use dryRun=true to show the plan.',
    ].join('\n'),
});
