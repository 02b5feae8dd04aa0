export { cachePage, isCacheToken } from './cache-page.js';
export { ClusterCache, type CachedKind, type CachedRead, type CacheStatus, type ReadSource } from './cluster-cache.js';
export type { InformerStatus } from './informer.js';
