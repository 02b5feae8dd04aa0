/**
 * Custom resources of established CRDs, with the semantics of the apiextensions server rather than the
 * built-in kinds': the body is pruned and validated against the version's schema; with a `status`
 * subresource, status sent on create or on the main resource is ignored and `/status` writes change only
 * status; a PUT must carry `metadata.resourceVersion` (custom resources allow no unconditional update); a
 * stale one is a 409 Conflict; strategic merge patch is refused (415) because CRs have no patch strategy;
 * a DELETE answers with a Success Status.
 */
import { ApiError } from '../../errors.js';
import { R } from '../../resources.js';
import { groupVersion, type KObject } from '../../types.js';
import { checkTypeMeta } from '../admission.js';
import { Causes, validateName, validateStringMap } from '../admission/validation.js';
import { customTable } from '../custom/columns.js';
import type { CustomType } from '../custom/crds.js';
import { admitCustomResource } from '../custom/schema.js';
import {
  isDryRun,
  isPlainObject,
  mediaType,
  methodNotAllowed,
  parseJson,
  queryBool,
  queryInt,
  readBody,
  sendChunks,
  sendJson,
  sendRaw,
  successStatus,
  type Ctx,
} from '../http.js';
import { jsonPatch, mergePatch, PATCH_TYPES } from '../patch.js';
import { listBody, listChunks, objectBytes } from '../serialize.js';
import { wantsTable } from '../table.js';
import { serveWatch } from '../watch.js';
import { parseYamlBody, readObjectBody, readOptionalJson } from './body.js';
import { deleteObject, deleteOptions } from './deletion.js';

export interface CustomRoute {
  namespace?: string;
  name?: string;
  sub?: string;
}

const SYSTEM_FIELDS = ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'];

/** Objects of every served version share one storage; each answer carries the version it was asked in. */
function inVersion(ct: CustomType, o: KObject): KObject {
  const gv = groupVersion(ct.res);
  return o.apiVersion === gv && o.kind ? o : { ...o, apiVersion: gv, kind: ct.res.kind };
}

function includeObject(ctx: Ctx): 'None' | 'Metadata' | 'Object' {
  const v = ctx.query.get('includeObject') ?? 'Metadata';
  if (v !== 'None' && v !== 'Metadata' && v !== 'Object') throw ApiError.badRequest(`invalid includeObject "${v}"`);
  return v;
}

function sendObject(ctx: Ctx, ct: CustomType, code: number, o: KObject): void {
  const v = inVersion(ct, o);
  if (wantsTable(ctx.req.headers.accept))
    sendJson(ctx, code, customTable(ct.columns, [v], { now: ctx.clock.now(), includeObject: includeObject(ctx), resourceVersion: o.metadata.resourceVersion }));
  else sendRaw(ctx, code, 'application/json', v === o ? objectBytes(ct.res, o) : JSON.stringify(v));
}

function listOrWatch(ctx: Ctx, ct: CustomType, r: CustomRoute): Promise<void> | void {
  const { query } = ctx;
  const labelSelector = query.get('labelSelector') ?? undefined;
  const fieldSelector = query.get('fieldSelector') ?? undefined;
  const table = wantsTable(ctx.req.headers.accept);
  if (queryBool(query, 'watch')) {
    const include = includeObject(ctx);
    let first = true;
    serveWatch(ctx, ct.res, {
      namespace: r.namespace,
      labelSelector,
      fieldSelector,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      timeoutSeconds: queryInt(query, 'timeoutSeconds'),
      bookmarks: queryBool(query, 'allowWatchBookmarks'),
      render: (ev) => {
        if (!table) return JSON.stringify(inVersion(ct, ev.object));
        const t = customTable(ct.columns, [inVersion(ct, ev.object)], { now: ctx.clock.now(), includeObject: include, withColumns: first });
        first = false;
        return JSON.stringify(t);
      },
    });
    return;
  }
  const limit = queryInt(query, 'limit');
  if (limit !== undefined && limit < 0) throw ApiError.badRequest('limit must be a non-negative integer');
  const result = ctx.store.list(ct.res, { namespace: r.namespace, labelSelector, fieldSelector, limit, continue: query.get('continue') || undefined });
  const meta = { resourceVersion: result.resourceVersion, ...(result.continue ? { continue: result.continue } : {}) };
  const items = result.items.map((o) => inVersion(ct, o));
  if (table) return sendJson(ctx, 200, customTable(ct.columns, items, { now: ctx.clock.now(), includeObject: includeObject(ctx), ...meta }));
  return sendChunks(ctx, 200, 'application/json', listChunks(ct.res, items, meta));
}

function placeInNamespace(ctx: Ctx, ct: CustomType, r: CustomRoute, body: KObject): void {
  if (!ct.res.namespaced) {
    delete body.metadata.namespace;
    return;
  }
  if (body.metadata.namespace !== undefined && body.metadata.namespace !== '' && body.metadata.namespace !== r.namespace)
    throw ApiError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  body.metadata.namespace = r.namespace;
  if (!ctx.store.get(R.namespaces, undefined, r.namespace!)) throw ApiError.notFound('namespaces', r.namespace!);
}

/** Type meta, metadata and schema; returns the pruned and defaulted object. */
function admit(ct: CustomType, body: KObject): KObject {
  checkTypeMeta(ct.res, body);
  const causes = new Causes();
  const meta = body.metadata;
  if (meta.name) validateName(meta.name, 'metadata.name', false, causes);
  else if (typeof meta.generateName === 'string' && meta.generateName !== '') validateName(`${meta.generateName}a`, 'metadata.generateName', false, causes);
  else causes.required('metadata.name', 'name or generateName is required');
  validateStringMap(meta.labels, 'metadata.labels', 'label', causes);
  validateStringMap(meta.annotations, 'metadata.annotations', 'any', causes);
  const admitted = admitCustomResource(ct.schema, body, causes) as KObject;
  causes.throwIfAny(ct.res, meta.name ?? meta.generateName ?? '');
  return admitted;
}

async function create(ctx: Ctx, ct: CustomType, r: CustomRoute): Promise<void> {
  if (ct.res.namespaced && !r.namespace) throw methodNotAllowed('POST');
  const body = await readObjectBody(ctx);
  const dryRun = isDryRun(ctx.query);
  placeInNamespace(ctx, ct, r, body);
  for (const f of SYSTEM_FIELDS) delete body.metadata[f];
  // With a status subresource, status is written only through /status; a create starts without one.
  if (ct.statusSubresource) delete body.status;
  const admitted = admit(ct, body);
  if (dryRun) {
    if (admitted.metadata.name && ctx.store.get(ct.res, r.namespace, admitted.metadata.name))
      throw ApiError.alreadyExists(ct.res.plural, admitted.metadata.name, ct.res.group);
    return sendObject(ctx, ct, 201, admitted);
  }
  sendObject(ctx, ct, 201, ctx.store.create(ct.res, admitted));
}

function checkIdentity(r: CustomRoute, body: KObject): void {
  if (body.metadata.name === undefined || body.metadata.name === '') body.metadata.name = r.name!;
  if (body.metadata.name !== r.name)
    throw ApiError.badRequest(`the name of the object (${String(body.metadata.name)}) does not match the name on the URL (${r.name})`);
}

/** An update of the main resource or of /status, after the body is complete; returns what is stored. */
function write(ctx: Ctx, ct: CustomType, r: CustomRoute, body: KObject, current: KObject, dryRun: boolean): KObject {
  const status = r.sub === 'status';
  if (!body.metadata.resourceVersion)
    throw ApiError.invalid(
      `${ct.res.kind}.${ct.res.group}`,
      r.name!,
      [{ field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update', reason: 'FieldValueInvalid' }],
      ct.res.group,
    );
  if (!status && ct.statusSubresource) {
    if (current.status === undefined) delete body.status;
    else body.status = current.status;
  }
  const admitted = admit(ct, body);
  if (dryRun) {
    if (admitted.metadata.resourceVersion !== current.metadata.resourceVersion)
      throw ApiError.conflict(
        ct.res.plural,
        r.name!,
        'the object has been modified; please apply your changes to the latest version and try again',
        ct.res.group,
      );
    return status ? { ...current, status: admitted.status } : admitted;
  }
  return ctx.store.update(ct.res, admitted, status ? { subresource: 'status' } : {});
}

async function update(ctx: Ctx, ct: CustomType, r: CustomRoute): Promise<void> {
  const body = await readObjectBody(ctx);
  const dryRun = isDryRun(ctx.query);
  checkIdentity(r, body);
  placeInNamespace(ctx, ct, r, body);
  const current = ctx.store.mustGet(ct.res, r.namespace, r.name!);
  sendObject(ctx, ct, 200, write(ctx, ct, r, body, current, dryRun));
}

function patchDocument(type: string, buf: Buffer): unknown {
  if (type === PATCH_TYPES.json || type === PATCH_TYPES.merge) return parseJson(buf, 'patch');
  if (type === PATCH_TYPES.apply) return parseYamlBody(buf);
  throw new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.json}, ${PATCH_TYPES.merge}, ${PATCH_TYPES.apply}`,
  );
}

async function patch(ctx: Ctx, ct: CustomType, r: CustomRoute): Promise<void> {
  const type = mediaType(ctx.req.headers['content-type']);
  const doc = patchDocument(type, await readBody(ctx));
  const dryRun = isDryRun(ctx.query);
  const current = ctx.store.get(ct.res, r.namespace, r.name!);
  if (!current) {
    // Server-side apply creates what does not exist yet; every other patch needs an object.
    if (type === PATCH_TYPES.apply && !r.sub && isPlainObject(doc)) {
      const body = { ...doc, metadata: { ...(isPlainObject(doc.metadata) ? doc.metadata : {}) } } as KObject;
      checkIdentity(r, body);
      placeInNamespace(ctx, ct, r, body);
      if (ct.statusSubresource) delete body.status;
      const admitted = admit(ct, body);
      return sendObject(ctx, ct, 201, dryRun ? admitted : ctx.store.create(ct.res, admitted));
    }
    throw ApiError.notFound(ct.res.plural, r.name!, ct.res.group);
  }
  const base = structuredClone(inVersion(ct, current));
  // Server-side apply is approximated by a merge patch of the applied configuration (no field ownership).
  const patched = type === PATCH_TYPES.json ? jsonPatch(base, doc) : isPlainObject(doc) ? mergePatch(base, doc) : undefined;
  if (patched === undefined) throw ApiError.badRequest('merge patch must be a JSON object');
  if (!isPlainObject(patched) || !isPlainObject(patched.metadata)) throw new ApiError(422, 'Invalid', "the patch removed the object's metadata");
  const body = patched as KObject;
  if (body.metadata.name !== current.metadata.name || (ct.res.namespaced && body.metadata.namespace !== current.metadata.namespace))
    throw new ApiError(
      422,
      'Invalid',
      `${ct.res.kind} "${r.name}" is invalid: metadata.name: Invalid value: the name and namespace of an object cannot be changed by a patch`,
    );
  // A resourceVersion set by the patch is a precondition; otherwise the patch applies to what is stored.
  body.metadata.resourceVersion ??= current.metadata.resourceVersion;
  sendObject(ctx, ct, 200, write(ctx, ct, r, body, current, dryRun));
}

async function remove(ctx: Ctx, ct: CustomType, r: CustomRoute): Promise<void> {
  const opts = deleteOptions(ctx, await readOptionalJson(ctx));
  const dryRun = isDryRun(ctx.query);
  const gone = deleteObject(ctx, ct.res, r.namespace, r.name!, opts, dryRun);
  sendJson(ctx, 200, successStatus({ name: r.name, group: ct.res.group, kind: ct.res.plural, uid: gone.metadata.uid }));
}

async function removeCollection(ctx: Ctx, ct: CustomType, r: CustomRoute): Promise<void> {
  const opts = deleteOptions(ctx, await readOptionalJson(ctx));
  const dryRun = isDryRun(ctx.query);
  const { items } = ctx.store.list(ct.res, {
    namespace: r.namespace,
    labelSelector: ctx.query.get('labelSelector') ?? undefined,
    fieldSelector: ctx.query.get('fieldSelector') ?? undefined,
  });
  const deleted: KObject[] = [];
  for (const o of [...items]) {
    try {
      deleted.push(inVersion(ct, deleteObject(ctx, ct.res, o.metadata.namespace, o.metadata.name, opts, dryRun)));
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }
  sendRaw(ctx, 200, 'application/json', listBody(ct.res, deleted, { resourceVersion: ctx.store.resourceVersion }));
}

export async function handleCustomResource(ctx: Ctx, ct: CustomType, r: CustomRoute): Promise<void> {
  const m = ctx.method;
  if (!r.name) {
    if (m === 'GET') return listOrWatch(ctx, ct, r);
    if (m === 'POST') return create(ctx, ct, r);
    if (m === 'DELETE') return removeCollection(ctx, ct, r);
    throw methodNotAllowed(m);
  }
  if (r.sub !== undefined && !(r.sub === 'status' && ct.statusSubresource))
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (m === 'GET') return sendObject(ctx, ct, 200, ctx.store.mustGet(ct.res, r.namespace, r.name));
  if (m === 'PUT') return update(ctx, ct, r);
  if (m === 'PATCH') return patch(ctx, ct, r);
  if (m === 'DELETE' && !r.sub) return remove(ctx, ct, r);
  throw methodNotAllowed(m);
}
