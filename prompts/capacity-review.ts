import { z } from 'zod';
import { definePrompt } from '../src/catalog/define-resource.js';

export const capacityReviewPrompt = definePrompt({
  name: 'capacity_review',
  title: 'Capacity review',
  description: 'Compare requests, limits and real usage per deployment; find over- and under-provisioned workloads and node headroom.',
  args: { namespace: z.string().optional().describe('one namespace, or all when omitted') },
  build: ({ namespace }) => {
    const ns = namespace ? `{"namespace": "${namespace}"}` : '{}';
    return [
      `Review capacity${namespace ? ` in namespace "${namespace}"` : ' across the cluster'} with the SentinelOps tools.`,
      `1. get_metrics ${ns} (scope deployment) and list_deployments ${ns}: usage vs requests and limits, replicas, HPA control.`,
      '2. list_nodes: allocatable CPU and memory, pressure conditions, and how much headroom remains.',
      '3. If cost tools are available (cost_report, cost_recommendations), include cost per deployment and the savings of right-sizing.',
      'Report a table per deployment: replicas, CPU usage/request (utilization %), memory usage/request, and a recommendation (keep, lower requests, raise requests/limits, add replicas). Flag deployments whose metrics are incomplete rather than guessing.',
    ].join('\n');
  },
});
