import type { V1Node } from '@kubernetes/client-node';
import { z } from 'zod';
import { cpuMillicores, memoryBytes } from '../base/quantity.js';
import type { ServiceContext } from './context.js';
import { type CuttablePage, fetchPage } from './paging.js';
import { isoOf } from './pod-summary.js';
import { API_SOURCE, cachedPage } from './cached-reads.js';
import type { ReadSource } from '../k8s/cache/index.js';

export const NodeSummarySchema = z.object({
  name: z.string(),
  ready: z.boolean(),
  unschedulable: z.boolean(),
  roles: z.array(z.string()),
  pressure: z.array(z.string()).describe('conditions other than Ready that are True, e.g. MemoryPressure'),
  cpuAllocatableMillicores: z.number(),
  memoryAllocatableBytes: z.number(),
  cpuCapacityMillicores: z.number(),
  memoryCapacityBytes: z.number(),
  taints: z.array(z.string()),
  kubeletVersion: z.string().nullable(),
  createdAt: z.string().nullable(),
});
export type NodeSummary = z.infer<typeof NodeSummarySchema>;

export function summarizeNode(n: V1Node): NodeSummary {
  const conditions = n.status?.conditions ?? [];
  return {
    name: n.metadata?.name ?? '',
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    unschedulable: n.spec?.unschedulable === true,
    roles: Object.keys(n.metadata?.labels ?? {})
      .filter((l) => l.startsWith('node-role.kubernetes.io/'))
      .map((l) => l.slice('node-role.kubernetes.io/'.length)),
    pressure: conditions.filter((c) => c.type !== 'Ready' && c.status === 'True').map((c) => c.type),
    cpuAllocatableMillicores: cpuMillicores(n.status?.allocatable?.cpu),
    memoryAllocatableBytes: memoryBytes(n.status?.allocatable?.memory),
    cpuCapacityMillicores: cpuMillicores(n.status?.capacity?.cpu),
    memoryCapacityBytes: memoryBytes(n.status?.capacity?.memory),
    taints: (n.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
    kubeletVersion: n.status?.nodeInfo?.kubeletVersion ?? null,
    createdAt: isoOf(n.metadata?.creationTimestamp),
  };
}

export async function listNodes(
  ctx: ServiceContext,
  input: { labelSelector?: string; limit?: number; continue?: string },
): Promise<CuttablePage<NodeSummary> & { source: ReadSource }> {
  let source: ReadSource = API_SOURCE;
  const page = await fetchPage(
    ctx.config,
    input,
    async (opts) => {
      const cached = cachedPage(ctx, 'nodes', undefined, { labelSelector: input.labelSelector, ...opts });
      source = cached?.source ?? API_SOURCE;
      return cached?.page ?? (await ctx.cluster.listNodes({ labelSelector: input.labelSelector, ...opts }));
    },
    summarizeNode,
  );
  return { ...page, source };
}
