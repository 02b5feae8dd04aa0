/**
 * Admission for writes through the API: type meta, defaulting and validation per kind (hooks in
 * admission/*.ts). A refused write throws a 422 Invalid listing every cause, before the store is touched,
 * so bad input changes nothing.
 *
 * Controllers write to the store directly; they may call `defaultObject` to get the same defaults.
 */
import { ApiError } from '../errors.js';
import { R } from '../resources.js';
import { groupVersion, resourceKey, type KObject, type ResourceType } from '../types.js';
import {
  configMapAdmission,
  eventAdmission,
  hpaAdmission,
  leaseAdmission,
  namespaceAdmission,
  nodeAdmission,
  podAdmission,
  serviceAdmission,
} from './admission/core.js';
import { isObj, type KindAdmission } from './admission/kind.js';
import { Causes, validateName, validateStringMap } from './admission/validation.js';
import { deploymentAdmission, replicaSetAdmission } from './admission/workloads.js';

/** Names that must be DNS-1123 labels (they become DNS names); every other kind takes a subdomain. */
const LABEL_NAMED = new Set([resourceKey(R.namespaces), resourceKey(R.services)]);

function kindsTable(nextClusterIp: () => string): Map<string, KindAdmission> {
  return new Map<string, KindAdmission>([
    [resourceKey(R.pods), podAdmission],
    [resourceKey(R.namespaces), namespaceAdmission],
    [resourceKey(R.nodes), nodeAdmission],
    [resourceKey(R.configmaps), configMapAdmission],
    [resourceKey(R.services), serviceAdmission(nextClusterIp)],
    [resourceKey(R.events), eventAdmission],
    [resourceKey(R.leases), leaseAdmission],
    [resourceKey(R.horizontalpodautoscalers), hpaAdmission],
    [resourceKey(R.deployments), deploymentAdmission],
    [resourceKey(R.replicasets), replicaSetAdmission],
  ]);
}

const sharedKinds = kindsTable(() => '');

/** Fills in the API server's defaults in place; for controllers that create objects in the store. */
export function defaultObject(res: ResourceType, o: KObject): KObject {
  o.apiVersion ||= groupVersion(res);
  o.kind ||= res.kind;
  sharedKinds.get(resourceKey(res))?.defaults?.(o);
  return o;
}

/**
 * Removes `null` map values in place, as decoding into the API server's typed structs does: kubectl sends
 * e.g. `template.metadata.creationTimestamp: null`, which must not make a template look different.
 */
export function dropNulls(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) dropNulls(x);
  } else if (isObj(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else dropNulls(v[k]);
    }
  }
}

/** A body's apiVersion/kind, when given, must be the URL's; then they are set to it. */
export function checkTypeMeta(res: ResourceType, o: KObject): void {
  dropNulls(o);
  const want = groupVersion(res);
  if (o.apiVersion !== undefined && o.apiVersion !== want)
    throw ApiError.badRequest(`the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${want})`);
  if (o.kind !== undefined && o.kind !== res.kind)
    throw ApiError.badRequest(`the kind in the data (${String(o.kind)}) does not match the expected kind (${res.kind})`);
  o.apiVersion = want;
  o.kind = res.kind;
}

function validateMeta(res: ResourceType, o: KObject, causes: Causes): void {
  const meta = o.metadata;
  const label = LABEL_NAMED.has(resourceKey(res));
  if (meta.name) validateName(meta.name, 'metadata.name', label, causes);
  else if (typeof meta.generateName === 'string' && meta.generateName !== '') validateName(`${meta.generateName}a`, 'metadata.generateName', label, causes);
  else causes.required('metadata.name', 'name or generateName is required');
  validateStringMap(meta.labels, 'metadata.labels', 'label', causes);
  validateStringMap(meta.annotations, 'metadata.annotations', 'any', causes);
  if (meta.ownerReferences !== undefined) {
    if (!Array.isArray(meta.ownerReferences)) causes.invalid('metadata.ownerReferences', meta.ownerReferences, 'must be a list');
    else
      meta.ownerReferences.forEach((ref, i) => {
        if (!isObj(ref) || !ref.apiVersion || !ref.kind || !ref.name || !ref.uid)
          causes.required(`metadata.ownerReferences[${i}]`, 'apiVersion, kind, name and uid are required');
      });
  }
}

export class Admission {
  private readonly kinds: Map<string, KindAdmission>;
  private ipSeq = 0;

  constructor() {
    this.kinds = kindsTable(() => {
      const n = ++this.ipSeq;
      return `10.96.${(n >> 8) & 255}.${n & 255}`;
    });
  }

  /** Prepares a create in place: type meta, initial status, defaults, validation. */
  create(res: ResourceType, o: KObject): void {
    if (!isObj(o.metadata)) throw ApiError.badRequest('metadata is required and must be an object');
    checkTypeMeta(res, o);
    const hooks = this.kinds.get(resourceKey(res));
    if (hooks?.initialStatus) o.status = hooks.initialStatus(o);
    hooks?.defaults?.(o);
    const causes = new Causes();
    validateMeta(res, o, causes);
    hooks?.validate?.(o, causes);
    causes.throwIfAny(res, o.metadata.name ?? o.metadata.generateName ?? '');
  }

  /** Prepares an update of the main resource in place: defaults and validation against the stored object. */
  update(res: ResourceType, o: KObject, old: KObject): void {
    if (!isObj(o.metadata)) throw ApiError.badRequest('metadata is required and must be an object');
    checkTypeMeta(res, o);
    const hooks = this.kinds.get(resourceKey(res));
    hooks?.defaults?.(o);
    // Objects written straight to the store by controllers may lack defaults; compare like with like.
    const oldDefaulted = hooks?.defaults ? structuredClone(old) : old;
    hooks?.defaults?.(oldDefaulted);
    const causes = new Causes();
    validateMeta(res, o, causes);
    hooks?.validate?.(o, causes, oldDefaulted);
    causes.throwIfAny(res, o.metadata.name);
  }

  /** A `/status` write keeps everything but `.status` from the stored object, so only type meta is checked. */
  updateStatus(res: ResourceType, o: KObject): void {
    if (!isObj(o.metadata)) throw ApiError.badRequest('metadata is required and must be an object');
    checkTypeMeta(res, o);
    if (o.status !== undefined && !isObj(o.status)) {
      const causes = new Causes();
      causes.invalid('status', o.status, 'must be an object');
      causes.throwIfAny(res, o.metadata.name);
    }
  }
}
