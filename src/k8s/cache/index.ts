export { ClusterCache, cachePage, isCacheToken, type CachedKind, type CachedRead, type CacheStatus, type ReadSource } from './cluster-cache.js';
export type { InformerStatus } from './informer.js';
