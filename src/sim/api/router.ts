/**
 * Maps a URL path onto what it addresses, with the Kubernetes path grammar:
 *   /api/v1/{plural}[/{name}[/{sub}]]                      cluster-scoped, or a list across namespaces
 *   /api/v1/namespaces/{ns}/{plural}[/{name}[/{sub}]]      namespaced
 *   /apis/{group}/{version}/...                            the same under a named group
 * Pure: no I/O, so it is tested as a table of paths.
 */
import { ALL_RESOURCES } from '../resources.js';
import type { ResourceType } from '../types.js';

export type Route =
  | { kind: 'discovery'; what: 'version' | 'api' | 'apis' | 'health' }
  | { kind: 'groupVersion'; group: string; version: string }
  | { kind: 'resource'; res: ResourceType; namespace?: string; name?: string; sub?: string }
  | { kind: 'sim'; path: string[] }
  | { kind: 'prometheus' }
  | { kind: 'openapi'; path: string[] };

function resourcesOf(group: string, version: string, extra: ResourceType[]): ResourceType[] {
  return [...ALL_RESOURCES, ...extra].filter((r) => r.group === group && r.version === version);
}

function splitPath(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** `extra`: the resource types custom resource definitions add, served like the built-in ones. */
export function route(pathname: string, extra: ResourceType[] = []): Route | undefined {
  const segs = splitPath(pathname);
  if (!segs) return undefined;
  const [first] = segs;
  if (segs.length === 1 && first === 'version') return { kind: 'discovery', what: 'version' };
  if (segs.length === 1 && (first === 'healthz' || first === 'readyz' || first === 'livez')) return { kind: 'discovery', what: 'health' };
  if (segs.length === 1 && first === 'metrics') return { kind: 'prometheus' };
  if (first === 'openapi') return { kind: 'openapi', path: segs.slice(1) };
  if (first === 'sim' && segs[1] === 'v1') return { kind: 'sim', path: segs.slice(2) };
  if (first === 'api') {
    if (segs.length === 1) return { kind: 'discovery', what: 'api' };
    return groupRoute('', segs[1]!, segs.slice(2), extra);
  }
  if (first === 'apis') {
    if (segs.length === 1) return { kind: 'discovery', what: 'apis' };
    if (segs.length === 2) return undefined;
    return groupRoute(segs[1]!, segs[2]!, segs.slice(3), extra);
  }
  return undefined;
}

function groupRoute(group: string, version: string, rest: string[], extra: ResourceType[]): Route | undefined {
  const served = resourcesOf(group, version, extra);
  if (served.length === 0) return undefined;
  if (rest.length === 0) return { kind: 'groupVersion', group, version };
  const byPlural = (p: string) => served.find((r) => r.plural === p);

  // namespaces/{ns}/{plural}/... addresses a namespaced resource, unless {plural} is a namespace subresource.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const res = byPlural(rest[2]!);
    if (res?.namespaced) return item(res, rest[1], rest.slice(3));
    if (group === '' && rest.length === 3 && rest[2] === 'status') {
      const ns = served.find((r) => r.plural === 'namespaces')!;
      return { kind: 'resource', res: ns, name: rest[1], sub: rest[2] };
    }
    return undefined;
  }
  const res = byPlural(rest[0]!);
  if (!res) return undefined;
  // A namespaced type addressed without a namespace is only a list/watch across all namespaces.
  if (res.namespaced && rest.length > 1) return undefined;
  return item(res, undefined, rest.slice(1));
}

function item(res: ResourceType, namespace: string | undefined, rest: string[]): Route | undefined {
  if (rest.length > 2) return undefined;
  return { kind: 'resource', res, namespace, name: rest[0], sub: rest[1] };
}
