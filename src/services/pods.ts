import { z } from 'zod';
import type { ServiceContext } from './context.js';
import { effectiveLimit, toPaged, type Paged } from './paging.js';
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

export async function listPods(ctx: ServiceContext, input: ListPodsInput): Promise<Paged<PodSummary> & { source: ReadSource }> {
  const limit = effectiveLimit(ctx.config, input.limit);
  const opts = { labelSelector: input.labelSelector, limit, continue: input.continue };
  const cached = cachedPage(ctx, 'pods', input.namespace, opts);
  const page = cached?.page ?? (await ctx.cluster.listPods(input.namespace, opts));
  const paged = toPaged(page, limit);
  const status = input.status ?? 'all';
  const items = paged.items.map(cached ? summarizeCachedPod : summarizePod).filter((p) => matchesStatus(p, status));
  return { ...paged, items, source: cached?.source ?? API_SOURCE };
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
