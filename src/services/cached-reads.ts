/**
 * The services' one door to the process's cluster cache (src/k8s/cache): a page of pods, deployments or nodes from
 * the cache when it is synced, else undefined and the caller lists from the API server as before. Every answer says
 * where it came from (`source: cache` with `ageMs`, or `source: api`), so a reader knows how fresh it is.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import type { CachedKind } from '../k8s/cache/index.js';
import { cachePage, isCacheToken } from '../k8s/cache/cache-page.js';
import type { CachedKinds, ReadSource } from '../k8s/cache/cluster-cache.js';
import type { Page } from '../k8s/client.js';
import type { ServiceContext } from './context.js';
import { type PodSummary, summarizePod } from './pod-summary.js';

export const ReadSourceSchema = z
  .object({
    source: z.enum(['cache', 'api']),
    ageMs: z.number().int().optional().describe('cache only: milliseconds since the newest list or watch event it holds'),
  })
  .describe('where the answer came from: the watch-fed cache (with its age) or the API server');

/** Spread into a tool's output object: `source` of a read that may come from the cache. */
export const ReadSourceOutput = { source: ReadSourceSchema.optional() };

export const API_SOURCE: ReadSource = { source: 'api' };

export interface CachedPage<T> {
  page: Page<T>;
  source: ReadSource;
}

/**
 * A page from the cache, or undefined to read the API. A continue token of the API server's keeps paging there (the
 * cache cannot resume it); one of the cache's resumes after the object it names.
 */
export function cachedPage<K extends CachedKind>(
  ctx: Pick<ServiceContext, 'cache'>,
  kind: K,
  namespace: string | undefined,
  opts: { labelSelector?: string; limit: number; continue?: string },
): CachedPage<CachedKinds[K]> | undefined {
  const cache = ctx.cache;
  if (!cache) return undefined;
  if (opts.continue !== undefined && !isCacheToken(opts.continue)) return undefined;
  const read = cache.read(kind, namespace, opts.labelSelector);
  if (!read) return undefined;
  const page = cachePage(read.items, opts.limit, opts.continue);
  return page && { page, source: { source: 'cache', ageMs: Math.round(read.source.ageMs ?? 0) } };
}

/** Every object of `kind` in `namespace` from the cache, or undefined to read the API. */
export function cachedAll<K extends CachedKind>(
  ctx: Pick<ServiceContext, 'cache'>,
  kind: K,
  namespace?: string,
  labelSelector?: string,
): { items: CachedKinds[K][]; source: ReadSource } | undefined {
  const read = ctx.cache?.read(kind, namespace, labelSelector);
  return read && { items: read.items, source: { source: 'cache', ageMs: Math.round(read.source.ageMs ?? 0) } };
}

/**
 * summarizePod is pure and a cached pod is replaced (never mutated) when it changes, so its summary is computed
 * once per version: cluster_health over 10k pods looks summaries up instead of recomputing them.
 */
const summaries = new WeakMap<V1Pod, PodSummary>();

export function summarizeCachedPod(pod: V1Pod): PodSummary {
  let s = summaries.get(pod);
  if (!s) {
    s = summarizePod(pod);
    summaries.set(pod, s);
  }
  return s;
}
