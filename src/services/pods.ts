import { z } from 'zod';
import type { ServiceContext } from './context.js';
import { type CuttablePage, fetchPage } from './paging.js';
import { isUnhealthy, summarizePod, type PodSummary } from './pod-summary.js';
import { API_SOURCE, cachedPage, summarizeCachedPod } from './cached-reads.js';
import type { ReadSource } from '../k8s/cache/index.js';

export const POD_STATUS_FILTERS = ['all', 'running', 'pending', 'failed', 'succeeded', 'unhealthy'] as const;
export type PodStatusFilter = (typeof POD_STATUS_FILTERS)[number];

export interface ListPodsInput {
  /** undefined = all namespaces */
  namespace?: string;
  labelSelector?: string;
  status?: PodStatusFilter;
  limit?: number;
  continue?: string;
}

export const PodStatusFilterSchema = z.enum(POD_STATUS_FILTERS);

export async function listPods(ctx: ServiceContext, input: ListPodsInput): Promise<CuttablePage<PodSummary> & { source: ReadSource }> {
  const status = input.status ?? 'all';
  let source: ReadSource = API_SOURCE;
  const page = await fetchPage(
    ctx.config,
    input,
    async (opts) => {
      const cached = cachedPage(ctx, 'pods', input.namespace, { labelSelector: input.labelSelector, ...opts });
      source = cached?.source ?? API_SOURCE;
      return cached?.page ?? (await ctx.cluster.listPods(input.namespace, { labelSelector: input.labelSelector, ...opts }));
    },
    (raw) => {
      const p = source.source === 'cache' ? summarizeCachedPod(raw) : summarizePod(raw);
      return matchesStatus(p, status) ? p : undefined;
    },
  );
  return { ...page, source };
}

export function matchesStatus(p: PodSummary, status: PodStatusFilter): boolean {
  switch (status) {
    case 'all':
      return true;
    case 'unhealthy':
      return isUnhealthy(p);
    default:
      return p.phase.toLowerCase() === status;
  }
}
