/**
 * Paging over the cache's sorted reads, apart from the cache itself: services import this (and the tools with them)
 * without loading @kubernetes/client-node, so a stdio server answers tools/list before the client library loads.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

export const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * Pages over a sorted cache read. The token names the last item returned ("c1:" + base64url of namespace/name), so
 * objects added or removed between pages neither repeat nor shift the rest; a token that is not one of ours
 * returns undefined (it came from the API server: keep paging there).
 */
export function cachePage<T extends KubernetesObject>(
  items: readonly T[],
  limit: number,
  cont: string | undefined,
): { items: T[]; continue?: string } | undefined {
  let start = 0;
  if (cont !== undefined) {
    const after = decodeToken(cont);
    if (after === undefined) return undefined;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keyOf(items[mid]!) <= after) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return more ? { items: page, continue: encodeToken(keyOf(page[page.length - 1]!)) } : { items: page };
}

const TOKEN_PREFIX = 'c1:';

export function isCacheToken(cont: string | undefined): boolean {
  return cont?.startsWith(TOKEN_PREFIX) === true;
}

function encodeToken(key: string): string {
  return TOKEN_PREFIX + Buffer.from(key).toString('base64url');
}

function decodeToken(token: string): string | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  return Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString();
}
