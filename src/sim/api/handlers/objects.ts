/**
 * CRUD on stored resource types: list/watch/get/create/update/patch/delete/deletecollection, and the
 * `/status` subresource. Every write goes through admission before the store, so a refused request
 * leaves the store untouched.
 */
import { ApiError } from '../../errors.js';
import { R } from '../../resources.js';
import { resourceKey, type KObject, type ResourceType } from '../../types.js';
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
  type Ctx,
} from '../http.js';
import { applyPatch, PATCH_TYPES } from '../patch.js';
import { managerOf, trackReplicasManager } from '../managed-fields.js';
import { listBody, listChunks, objectBytes, withTypeMeta } from '../serialize.js';
import { toTable, wantsTable, type IncludeObject } from '../table.js';
import { serveWatch } from '../watch.js';
import { parseYamlBody, readObjectBody, readOptionalJson } from './body.js';
import { deleteObject, deleteOptions } from './deletion.js';

export interface ObjectRoute {
  res: ResourceType;
  namespace?: string;
  name?: string;
  sub?: 'status';
}

function includeObject(ctx: Ctx): IncludeObject {
  const v = ctx.query.get('includeObject') ?? 'Metadata';
  if (v !== 'None' && v !== 'Metadata' && v !== 'Object') throw ApiError.badRequest(`invalid includeObject "${v}"`);
  return v;
}

function sendObject(ctx: Ctx, res: ResourceType, code: number, o: KObject): void {
  if (wantsTable(ctx.req.headers.accept)) {
    sendJson(ctx, code, toTable(res, [o], { now: ctx.clock.now(), includeObject: includeObject(ctx), resourceVersion: o.metadata.resourceVersion }));
  } else {
    sendRaw(ctx, code, 'application/json', objectBytes(res, o));
  }
}

function listOrWatch(ctx: Ctx, r: ObjectRoute): Promise<void> | void {
  const { query } = ctx;
  const labelSelector = query.get('labelSelector') ?? undefined;
  const fieldSelector = query.get('fieldSelector') ?? undefined;
  const table = wantsTable(ctx.req.headers.accept);
  if (queryBool(query, 'watch')) {
    let first = true;
    const include = includeObject(ctx);
    serveWatch(ctx, r.res, {
      namespace: r.namespace,
      labelSelector,
      fieldSelector,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      timeoutSeconds: queryInt(query, 'timeoutSeconds'),
      bookmarks: queryBool(query, 'allowWatchBookmarks'),
      render: table
        ? (ev) => {
            const t = toTable(r.res, [ev.object], { now: ctx.clock.now(), includeObject: include, withColumns: first });
            first = false;
            return JSON.stringify(t);
          }
        : undefined,
    });
    return;
  }
  const limit = queryInt(query, 'limit');
  if (limit !== undefined && limit < 0) throw ApiError.badRequest('limit must be a non-negative integer');
  const result = ctx.store.list(r.res, {
    namespace: r.namespace,
    labelSelector,
    fieldSelector,
    limit,
    continue: query.get('continue') || undefined,
  });
  const meta = { resourceVersion: result.resourceVersion, ...(result.continue ? { continue: result.continue } : {}) };
  if (table) {
    sendJson(ctx, 200, toTable(r.res, result.items, { now: ctx.clock.now(), includeObject: includeObject(ctx), ...meta }));
  } else {
    return sendChunks(ctx, 200, 'application/json', listChunks(r.res, result.items, meta));
  }
}

/** Namespaced writes must name an existing namespace, and a body's namespace must agree with the URL. */
function placeInNamespace(ctx: Ctx, r: ObjectRoute, body: KObject): void {
  if (!r.res.namespaced) {
    delete body.metadata.namespace;
    return;
  }
  if (body.metadata.namespace !== undefined && body.metadata.namespace !== '' && body.metadata.namespace !== r.namespace)
    throw ApiError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  body.metadata.namespace = r.namespace;
  if (!ctx.store.get(R.namespaces, undefined, r.namespace!)) throw ApiError.notFound('namespaces', r.namespace!);
}

async function create(ctx: Ctx, r: ObjectRoute): Promise<void> {
  if (r.res.namespaced && !r.namespace) throw methodNotAllowed('POST');
  const body = await readObjectBody(ctx);
  const dryRun = isDryRun(ctx.query);
  placeInNamespace(ctx, r, body);
  for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) delete body.metadata[f];
  ctx.admission.create(r.res, body);
  trackReplicasManager(r.res, body, undefined, managerOf(ctx.query, ctx.req.headers['user-agent']), 'Update', new Date(ctx.clock.now()));
  if (dryRun) {
    if (body.metadata.name && ctx.store.get(r.res, r.namespace, body.metadata.name))
      throw ApiError.alreadyExists(r.res.plural, body.metadata.name, r.res.group);
    return sendObject(ctx, r.res, 201, body);
  }
  sendObject(ctx, r.res, 201, ctx.store.create(r.res, body));
}

function checkIdentity(r: ObjectRoute, body: KObject): void {
  if (body.metadata.name === undefined || body.metadata.name === '') body.metadata.name = r.name!;
  if (body.metadata.name !== r.name)
    throw ApiError.badRequest(`the name of the object (${String(body.metadata.name)}) does not match the name on the URL (${r.name})`);
}

/** Admission then store for an update of the main resource or of `/status`. */
function write(ctx: Ctx, r: ObjectRoute, body: KObject, current: KObject, dryRun: boolean): KObject {
  if (r.sub === 'status') ctx.admission.updateStatus(r.res, body);
  else ctx.admission.update(r.res, body, current);
  if (dryRun) {
    const rv = body.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion)
      throw ApiError.conflict(
        r.res.plural,
        r.name!,
        'the object has been modified; please apply your changes to the latest version and try again',
        r.res.group,
      );
    return r.sub === 'status' ? { ...current, status: body.status } : { ...body, status: current.status };
  }
  return ctx.store.update(r.res, body, r.sub === 'status' ? { subresource: 'status' } : {});
}

async function update(ctx: Ctx, r: ObjectRoute): Promise<void> {
  const body = await readObjectBody(ctx);
  const dryRun = isDryRun(ctx.query);
  checkIdentity(r, body);
  placeInNamespace(ctx, r, body);
  const current = ctx.store.mustGet(r.res, r.namespace, r.name!);
  if (!r.sub) trackReplicasManager(r.res, body, current, managerOf(ctx.query, ctx.req.headers['user-agent']), 'Update', new Date(ctx.clock.now()));
  sendObject(ctx, r.res, 200, write(ctx, r, body, current, dryRun));
}

async function patch(ctx: Ctx, r: ObjectRoute): Promise<void> {
  const type = mediaType(ctx.req.headers['content-type']);
  const buf = await readBody(ctx);
  const dryRun = isDryRun(ctx.query);
  const doc = type === PATCH_TYPES.apply ? parseYamlBody(buf) : parseJson(buf, 'patch');
  const current = ctx.store.get(r.res, r.namespace, r.name!);
  if (!current) {
    // Server-side apply creates what does not exist yet; every other patch needs an object.
    if (type === PATCH_TYPES.apply && !r.sub && isPlainObject(doc)) {
      const body = { ...doc, metadata: { ...(isPlainObject(doc.metadata) ? doc.metadata : {}) } } as KObject;
      checkIdentity(r, body);
      placeInNamespace(ctx, r, body);
      ctx.admission.create(r.res, body);
      return sendObject(ctx, r.res, 201, dryRun ? body : ctx.store.create(r.res, body));
    }
    throw ApiError.notFound(r.res.plural, r.name!, r.res.group);
  }
  // Patch a private copy: admission defaults the result in place and stored objects are never mutated.
  const patched = applyPatch(type, structuredClone(withTypeMeta(r.res, current)), doc);
  if (!isPlainObject(patched) || !isPlainObject(patched.metadata)) throw new ApiError(422, 'Invalid', "the patch removed the object's metadata");
  const body = patched as KObject;
  if (body.metadata.name !== current.metadata.name || (r.res.namespaced && body.metadata.namespace !== current.metadata.namespace))
    throw new ApiError(
      422,
      'Invalid',
      `${r.res.kind} "${r.name}" is invalid: metadata.name: Invalid value: the name and namespace of an object cannot be changed by a patch`,
    );
  // A resourceVersion set by the patch is a precondition; otherwise the patch applies to what is stored.
  body.metadata.resourceVersion ??= current.metadata.resourceVersion;
  if (!r.sub)
    trackReplicasManager(
      r.res,
      body,
      current,
      managerOf(ctx.query, ctx.req.headers['user-agent']),
      type === PATCH_TYPES.apply ? 'Apply' : 'Update',
      new Date(ctx.clock.now()),
    );
  sendObject(ctx, r.res, 200, write(ctx, r, body, current, dryRun));
}

async function remove(ctx: Ctx, r: ObjectRoute): Promise<void> {
  const opts = deleteOptions(ctx, await readOptionalJson(ctx));
  const dryRun = isDryRun(ctx.query);
  sendObject(ctx, r.res, 200, deleteObject(ctx, r.res, r.namespace, r.name!, opts, dryRun));
}

async function removeCollection(ctx: Ctx, r: ObjectRoute): Promise<void> {
  if (resourceKey(r.res) === resourceKey(R.namespaces)) throw methodNotAllowed('DELETE');
  const opts = deleteOptions(ctx, await readOptionalJson(ctx));
  const dryRun = isDryRun(ctx.query);
  const { items } = ctx.store.list(r.res, {
    namespace: r.namespace,
    labelSelector: ctx.query.get('labelSelector') ?? undefined,
    fieldSelector: ctx.query.get('fieldSelector') ?? undefined,
  });
  const deleted: KObject[] = [];
  for (const o of [...items]) {
    try {
      deleted.push(deleteObject(ctx, r.res, o.metadata.namespace, o.metadata.name, opts, dryRun));
    } catch (e) {
      // Removed meanwhile by a controller reacting to an earlier deletion in this loop.
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }
  sendRaw(ctx, 200, 'application/json', listBody(r.res, deleted, { resourceVersion: ctx.store.resourceVersion }));
}

export async function handleObjects(ctx: Ctx, r: ObjectRoute): Promise<void> {
  const m = ctx.method;
  if (!r.name) {
    if (m === 'GET') return listOrWatch(ctx, r);
    if (m === 'POST') return create(ctx, r);
    if (m === 'DELETE') return removeCollection(ctx, r);
    throw methodNotAllowed(m);
  }
  if (r.sub === 'status') {
    if (m === 'GET') return sendObject(ctx, r.res, 200, ctx.store.mustGet(r.res, r.namespace, r.name));
    if (m === 'PUT') return update(ctx, r);
    if (m === 'PATCH') return patch(ctx, r);
    throw methodNotAllowed(m);
  }
  if (m === 'GET') return sendObject(ctx, r.res, 200, ctx.store.mustGet(r.res, r.namespace, r.name));
  if (m === 'PUT') return update(ctx, r);
  if (m === 'PATCH') return patch(ctx, r);
  if (m === 'DELETE') return remove(ctx, r);
  throw methodNotAllowed(m);
}
