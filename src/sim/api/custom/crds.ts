/**
 * CustomResourceDefinitions as the simulator serves them: validation and defaulting of a CRD, the
 * NamesAccepted/Established conditions the real apiextensions controller sets, and the resource types
 * (one per served version) that established CRDs add to the API. The types are derived from the stored
 * CRDs on each request, so creating or deleting a CRD changes routing and discovery at once, with no
 * second registry to keep in step.
 */
import { ApiError } from '../../errors.js';
import { R } from '../../resources.js';
import type { ObjectStore } from '../../store.js';
import type { KObject, ResourceType } from '../../types.js';
import { isObj } from '../admission/kind.js';
import { Causes, DNS1123_LABEL, DNS1123_SUBDOMAIN } from '../admission/validation.js';

type Obj = Record<string, any>;

export interface PrinterColumn {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  jsonPath: string;
  format?: string;
  description?: string;
  priority?: number;
}

/** One served version of an established CRD. */
export interface CustomType {
  res: ResourceType;
  /** metadata.name of the CRD (`<plural>.<group>`). */
  crdName: string;
  statusSubresource: boolean;
  columns: PrinterColumn[];
  /** The version's openAPIV3Schema; CRs are validated and pruned against it. */
  schema: Obj | undefined;
}

const CUSTOM_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];

/** The apiextensions server's default when a version declares no printer columns. */
const DEFAULT_COLUMNS: PrinterColumn[] = [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];

function condition(crd: KObject, type: string): Obj | undefined {
  return (crd.status?.conditions ?? []).find((c: Obj) => c.type === type);
}

export function isEstablished(crd: KObject): boolean {
  return condition(crd, 'Established')?.status === 'True' && !crd.metadata.deletionTimestamp;
}

/** Every served version of every established CRD in the store. */
export function customTypes(store: ObjectStore): CustomType[] {
  const out: CustomType[] = [];
  for (const crd of store.all(R.customresourcedefinitions)) {
    if (!isEstablished(crd)) continue;
    const spec = crd.spec as Obj;
    const names = spec.names as Obj;
    for (const v of spec.versions as Obj[]) {
      if (!v.served) continue;
      const statusSubresource = isObj(v.subresources) && isObj(v.subresources.status);
      out.push({
        crdName: crd.metadata.name,
        statusSubresource,
        columns: Array.isArray(v.additionalPrinterColumns) && v.additionalPrinterColumns.length ? v.additionalPrinterColumns : DEFAULT_COLUMNS,
        schema: v.schema?.openAPIV3Schema,
        res: {
          group: spec.group,
          version: v.name,
          plural: names.plural,
          singular: names.singular,
          kind: names.kind,
          listKind: names.listKind,
          namespaced: spec.scope === 'Namespaced',
          verbs: CUSTOM_VERBS,
          ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
          ...(names.categories?.length ? { categories: names.categories } : {}),
          ...(statusSubresource ? { subresources: ['status'] } : {}),
        },
      });
    }
  }
  return out;
}

/** The API server's defaults for a CRD, applied in place before validation. */
export function defaultCrd(crd: KObject): void {
  const spec = crd.spec;
  if (!isObj(spec)) return;
  if (isObj(spec.names)) {
    if (!spec.names.singular && typeof spec.names.kind === 'string') spec.names.singular = spec.names.kind.toLowerCase();
    if (!spec.names.listKind && typeof spec.names.kind === 'string') spec.names.listKind = `${spec.names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
  if (Array.isArray(spec.versions))
    for (const v of spec.versions) {
      if (isObj(v) && Array.isArray(v.additionalPrinterColumns))
        for (const c of v.additionalPrinterColumns) if (isObj(c) && c.priority === undefined) c.priority = 0;
    }
}

/** The subset of the apiextensions validation that keeps the served types well-formed; 422 listing every cause. */
export function validateCrd(crd: KObject): void {
  const causes = new Causes();
  const spec = crd.spec;
  const name = crd.metadata.name;
  if (!isObj(spec)) {
    causes.required('spec', '');
    return causes.throwIfAny(R.customresourcedefinitions, name ?? '');
  }
  if (typeof spec.group !== 'string' || spec.group === '') causes.required('spec.group', '');
  else if (!DNS1123_SUBDOMAIN.test(spec.group) || !spec.group.includes('.'))
    causes.invalid('spec.group', spec.group, 'should be a domain with at least one dot');
  const names = isObj(spec.names) ? spec.names : {};
  if (!names.plural) causes.required('spec.names.plural', '');
  else if (typeof names.plural !== 'string' || !DNS1123_LABEL.test(names.plural))
    causes.invalid('spec.names.plural', names.plural, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'");
  if (!names.kind) causes.required('spec.names.kind', '');
  else if (typeof names.kind !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(names.kind))
    causes.invalid('spec.names.kind', names.kind, 'must be a valid kind name');
  if (typeof names.plural === 'string' && typeof spec.group === 'string' && name !== `${names.plural}.${spec.group}`)
    causes.invalid('metadata.name', name, `must be spec.names.plural+"."+spec.group`);
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') causes.unsupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']);
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) causes.required('spec.versions', 'must have exactly one version marked as storage version');
  const seen = new Set<string>();
  let storage = 0;
  versions.forEach((v: unknown, i: number) => {
    const at = `spec.versions[${i}]`;
    if (!isObj(v)) return causes.invalid(at, v, 'must be an object');
    if (typeof v.name !== 'string' || !DNS1123_LABEL.test(v.name)) causes.invalid(`${at}.name`, v.name, 'must be a DNS-1123 label');
    else if (seen.has(v.name)) causes.duplicate(`${at}.name`, v.name);
    else seen.add(v.name);
    if (typeof v.served !== 'boolean') causes.required(`${at}.served`, '');
    if (typeof v.storage !== 'boolean') causes.required(`${at}.storage`, '');
    if (v.storage === true) storage++;
    if (!isObj(v.schema) || !isObj(v.schema.openAPIV3Schema)) causes.required(`${at}.schema.openAPIV3Schema`, 'schemas are required');
    else if (v.schema.openAPIV3Schema.type !== 'object')
      causes.invalid(`${at}.schema.openAPIV3Schema.type`, v.schema.openAPIV3Schema.type, 'must be object at the root');
    const cols = v.additionalPrinterColumns ?? [];
    if (!Array.isArray(cols)) return causes.invalid(`${at}.additionalPrinterColumns`, cols, 'must be a list');
    cols.forEach((c: unknown, j: number) => {
      const cat = `${at}.additionalPrinterColumns[${j}]`;
      if (!isObj(c)) return causes.invalid(cat, c, 'must be an object');
      if (typeof c.name !== 'string' || c.name === '') causes.required(`${cat}.name`, '');
      if (!COLUMN_TYPES.includes(c.type)) causes.unsupported(`${cat}.type`, c.type, COLUMN_TYPES);
      if (typeof c.jsonPath !== 'string' || !c.jsonPath.startsWith('.'))
        causes.invalid(`${cat}.jsonPath`, c.jsonPath, 'must be a simple json path starting with .');
    });
  });
  if (versions.length > 0 && storage !== 1) causes.invalid('spec.versions', storage, 'must have exactly one version marked as storage version');
  causes.throwIfAny(R.customresourcedefinitions, name ?? '');
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * What the apiextensions controllers write once a CRD is accepted: its names, the stored versions and the
 * NamesAccepted/Established conditions. A kind already served by another CRD of the group is a naming
 * conflict, as upstream: NamesAccepted=False and the CRD is not established.
 */
export function establish(store: ObjectStore, name: string, now: number): KObject | undefined {
  const crd = store.get(R.customresourcedefinitions, undefined, name);
  if (!crd || crd.metadata.deletionTimestamp) return crd;
  const spec = crd.spec as Obj;
  const clash = store
    .all(R.customresourcedefinitions)
    .find((o) => o.metadata.name !== name && o.spec?.group === spec.group && o.spec?.names?.kind === spec.names.kind && isEstablished(o));
  const at = rfc3339(now);
  const keep = (type: string, status: string, reason: string, message: string): Obj => {
    const old = condition(crd, type);
    return { type, status, lastTransitionTime: old?.status === status ? old.lastTransitionTime : at, reason, message };
  };
  const storageVersion = (spec.versions as Obj[]).find((v) => v.storage)?.name as string;
  const stored: string[] = crd.status?.storedVersions ?? [];
  const conditions = clash
    ? [
        keep('NamesAccepted', 'False', 'KindConflict', `"${spec.names.kind}" is already in use`),
        keep('Established', 'False', 'NotAccepted', 'not all names are accepted'),
      ]
    : [
        keep('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'),
        keep('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'),
      ];
  return store.mutate(
    R.customresourcedefinitions,
    undefined,
    name,
    (d) => {
      d.status = {
        conditions,
        acceptedNames: clash ? (crd.status?.acceptedNames ?? { plural: '', kind: '' }) : spec.names,
        storedVersions: stored.includes(storageVersion) ? stored : [...stored, storageVersion],
      };
    },
    { subresource: 'status' },
  );
}

/** Removes every custom resource of a CRD, as the apiextensions finalizer does before the CRD goes. */
export function deleteCustomResources(store: ObjectStore, crd: KObject): void {
  const key = { group: crd.spec?.group as string, plural: crd.spec?.names?.plural as string };
  if (!key.group || !key.plural) return;
  const res = { ...R.customresourcedefinitions, ...key, namespaced: crd.spec.scope === 'Namespaced' };
  for (const o of store.all(res)) {
    try {
      store.delete(res, o.metadata.namespace, o.metadata.name);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }
}
