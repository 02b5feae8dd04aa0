/**
 * Discovery documents built from the one resource table (resources.ts): /version, /api, /apis and the
 * APIResourceList of each group version. kubectl first asks for aggregated discovery; answering with plain
 * `application/json` makes it fall back to these legacy documents, which is all it needs.
 */
import { ALL_RESOURCES } from '../resources.js';
import type { ResourceType } from '../types.js';

export const KUBERNETES_VERSION = { major: '1', minor: '34', gitVersion: 'v1.34.0-sentinelops-sim' };

export function versionInfo(): Record<string, string> {
  return {
    ...KUBERNETES_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.24.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** Which groups are served; metrics.k8s.io only when something provides metrics, as with metrics-server. */
export interface DiscoveryOptions {
  metrics: boolean;
  /** Resource types of established custom resource definitions. */
  extra?: ResourceType[];
}

function served(opts: DiscoveryOptions): ResourceType[] {
  return [...ALL_RESOURCES.filter((r) => opts.metrics || r.group !== 'metrics.k8s.io'), ...(opts.extra ?? [])];
}

export function apiVersions(): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    apiVersion: 'v1',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  };
}

export function apiGroupList(opts: DiscoveryOptions): Record<string, unknown> {
  const groups = new Map<string, string[]>();
  for (const r of served(opts)) {
    if (r.group === '') continue;
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

/** Subresources with their own kind and verbs, as a real API server lists them. */
function subresourceEntry(r: ResourceType, sub: string): Record<string, unknown> {
  const base = { name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced };
  switch (sub) {
    case 'status':
      return { ...base, kind: r.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { ...base, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
    case 'log':
      return { ...base, kind: 'Pod', verbs: ['get'] };
    case 'eviction':
      return { ...base, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
    default:
      return { ...base, kind: r.kind, verbs: ['get'] };
  }
}

/** Subresources served beyond those the resource table declares. */
const EXTRA_SUBRESOURCES: Record<string, string[]> = { '/pods': ['eviction'] };

export function apiResourceList(group: string, version: string, opts: DiscoveryOptions): Record<string, unknown> | undefined {
  const list = served(opts).filter((r) => r.group === group && r.version === version);
  if (list.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const r of list) {
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    });
    const subs = [...(r.subresources ?? []), ...(EXTRA_SUBRESOURCES[`${r.group}/${r.plural}`] ?? [])];
    for (const sub of subs) resources.push(subresourceEntry(r, sub));
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
