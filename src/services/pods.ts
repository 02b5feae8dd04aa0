import { z } from 'zod';
import type { ServiceContext } from './context.js';
import { type CuttablePage, fetchPage } from './paging.js';
import { isUnhealthy, summarizePod, type PodSummary } from './pod-summary.js';

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

export async function listPods(ctx: ServiceContext, input: ListPodsInput): Promise<CuttablePage<PodSummary>> {
  const status = input.status ?? 'all';
  return fetchPage(
    ctx.config,
    input,
    (opts) => ctx.cluster.listPods(input.namespace, { labelSelector: input.labelSelector, ...opts }),
    (raw) => {
      const p = summarizePod(raw);
      return matchesStatus(p, status) ? p : undefined;
    },
  );
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
