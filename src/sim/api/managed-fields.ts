/**
 * Minimal managedFields for the simulator: which field manager last set a Deployment's spec.replicas — the one field
 * SentinelOps reads ownership and a person's replica count from (services/replica-ownership.ts). Not the API server's
 * full field tracking: other fields are not recorded, and Apply and Update managers are not told apart.
 */
import { R } from '../resources.js';
import { type KObject, type ResourceType, resourceKey } from '../types.js';

interface ManagedEntry {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
}

/** The manager a request names (?fieldManager=), else the first word of its User-Agent, as the API server does. */
export function managerOf(query: URLSearchParams, userAgent: string | undefined): string {
  return query.get('fieldManager') || userAgent?.split('/')[0]?.trim() || 'unknown';
}

/** Gives spec.replicas to `manager` when this write sets or changes it; other managers lose that field. */
export function trackReplicasManager(res: ResourceType, body: KObject, previous: KObject | undefined, manager: string, operation: string, now: Date): void {
  if (resourceKey(res) !== resourceKey(R.deployments)) return;
  const replicas = (body.spec as { replicas?: unknown } | undefined)?.replicas;
  const before = (previous?.spec as { replicas?: unknown } | undefined)?.replicas;
  const existing = ((previous?.metadata.managedFields ?? body.metadata.managedFields ?? []) as ManagedEntry[]).map((e) => structuredClone(e));
  if (replicas === undefined || (previous && replicas === before)) {
    body.metadata.managedFields = existing;
    return;
  }
  const others = existing
    .map((e) => {
      const spec = { ...((e.fieldsV1['f:spec'] as Record<string, unknown> | undefined) ?? {}) };
      delete spec['f:replicas'];
      return { ...e, fieldsV1: { ...e.fieldsV1, 'f:spec': spec } };
    })
    .filter((e) => e.manager !== manager);
  const mine = existing.find((e) => e.manager === manager);
  const spec = { ...((mine?.fieldsV1['f:spec'] as Record<string, unknown> | undefined) ?? {}), 'f:replicas': {} };
  body.metadata.managedFields = [
    ...others,
    {
      manager,
      operation,
      apiVersion: 'apps/v1',
      time: now.toISOString().replace(/\.\d+Z$/, 'Z'),
      fieldsType: 'FieldsV1',
      fieldsV1: { ...(mine?.fieldsV1 ?? {}), 'f:spec': spec },
    },
  ];
}
