/**
 * Minimal OpenAPI v3 documents. kubectl (create, apply, replace, edit) refuses to run without OpenAPI unless
 * `--validate=false`; when the documents show that PATCH operations accept `fieldValidation`, it leaves
 * validation to the server instead of downloading schemas. So the documents list every served path with
 * its GroupVersionKind and that parameter, and no schemas (apply then uses its built-in patch metadata).
 */
import { ALL_RESOURCES } from '../resources.js';
import type { ResourceType } from '../types.js';
import { KUBERNETES_VERSION } from './discovery.js';

function gvPath(r: Pick<ResourceType, 'group' | 'version'>): string {
  return r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
}

export function openapiV3Root(served: (r: ResourceType) => boolean, extra: ResourceType[] = []): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const r of [...ALL_RESOURCES, ...extra]) {
    if (!served(r)) continue;
    const p = gvPath(r);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}` };
  }
  return { paths };
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'];

function operation(r: ResourceType, action: string, withParams: boolean): Record<string, unknown> {
  return {
    operationId: `${action}${r.kind}`,
    ...(withParams ? { parameters: QUERY_PARAMS.map((name) => ({ name, in: 'query', schema: { type: 'string' }, uniqueItems: true })) } : {}),
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
  };
}

/** The document of one group version (`api/v1`, `apis/apps/v1`); undefined when not served. */
export function openapiV3GroupVersion(path: string, served: (r: ResourceType) => boolean, extra: ResourceType[] = []): Record<string, unknown> | undefined {
  const resources = [...ALL_RESOURCES, ...extra].filter((r) => served(r) && gvPath(r) === path);
  if (resources.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of resources) {
    const base = r.namespaced ? `/${path}/namespaces/{namespace}/${r.plural}` : `/${path}/${r.plural}`;
    const writable = r.verbs.includes('patch');
    paths[base] = { get: operation(r, 'list', false), ...(writable ? { post: operation(r, 'post', true) } : {}) };
    paths[`${base}/{name}`] = {
      get: operation(r, 'get', false),
      ...(writable ? { put: operation(r, 'put', true), patch: operation(r, 'patch', true), delete: operation(r, 'delete', true) } : {}),
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion }, paths, components: { schemas: {} } };
}
