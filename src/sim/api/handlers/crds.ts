/**
 * CustomResourceDefinitions: reads and watches are the generic object handler's; writes are validated
 * here (crds.ts) and followed at once by what the apiextensions controllers do: the CRD is established
 * (conditions set through its status) and its resources are served. Deleting a CRD deletes its custom
 * resources first, as the real finalizer does, then the CRD.
 */
import { ApiError } from '../../errors.js';
import { R } from '../../resources.js';
import type { KObject } from '../../types.js';
import { checkTypeMeta } from '../admission.js';
import { Causes, validateName } from '../admission/validation.js';
import { defaultCrd, deleteCustomResources, establish, validateCrd } from '../custom/crds.js';
import { isDryRun, isPlainObject, mediaType, parseJson, readBody, sendJson, sendRaw, type Ctx } from '../http.js';
import { applyPatch, PATCH_TYPES } from '../patch.js';
import { objectBytes, withTypeMeta } from '../serialize.js';
import { parseYamlBody, readObjectBody } from './body.js';
import { handleObjects } from './objects.js';

const res = R.customresourcedefinitions;
const SYSTEM_FIELDS = ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'];

function admit(body: KObject): void {
  checkTypeMeta(res, body);
  const causes = new Causes();
  validateName(body.metadata.name, 'metadata.name', false, causes);
  causes.throwIfAny(res, body.metadata.name ?? '');
  defaultCrd(body);
  validateCrd(body);
}

function created(ctx: Ctx, body: KObject, dryRun: boolean): void {
  if (ctx.store.get(res, undefined, body.metadata.name)) throw ApiError.alreadyExists(res.plural, body.metadata.name, res.group);
  if (dryRun) return sendJson(ctx, 201, body);
  for (const f of SYSTEM_FIELDS) delete body.metadata[f];
  delete body.status;
  const stored = ctx.store.create(res, body);
  establish(ctx.store, stored.metadata.name, ctx.clock.now());
  sendRaw(ctx, 201, 'application/json', objectBytes(res, stored));
}

async function create(ctx: Ctx): Promise<void> {
  const body = await readObjectBody(ctx);
  const dryRun = isDryRun(ctx.query);
  admit(body);
  created(ctx, body, dryRun);
}

/** PUT and PATCH: the new spec is validated before it is stored; status stays the controllers'. */
async function update(ctx: Ctx, name: string): Promise<void> {
  const dryRun = isDryRun(ctx.query);
  let body: KObject;
  if (ctx.method === 'PUT') {
    body = await readObjectBody(ctx);
  } else {
    const type = mediaType(ctx.req.headers['content-type']);
    const buf = await readBody(ctx);
    const doc = type === PATCH_TYPES.apply ? parseYamlBody(buf) : parseJson(buf, 'patch');
    const current = ctx.store.get(res, undefined, name);
    if (!current) {
      if (type !== PATCH_TYPES.apply || !isPlainObject(doc)) throw ApiError.notFound(res.plural, name, res.group);
      body = { ...doc, metadata: { ...(isPlainObject(doc.metadata) ? doc.metadata : {}), name } } as KObject;
      admit(body);
      return created(ctx, body, dryRun);
    }
    const patched = applyPatch(type, structuredClone(withTypeMeta(res, current)), doc);
    if (!isPlainObject(patched) || !isPlainObject(patched.metadata)) throw new ApiError(422, 'Invalid', "the patch removed the object's metadata");
    body = patched as KObject;
    body.metadata.resourceVersion ??= current.metadata.resourceVersion;
  }
  if (body.metadata.name === undefined || body.metadata.name === '') body.metadata.name = name;
  if (body.metadata.name !== name)
    throw ApiError.badRequest(`the name of the object (${String(body.metadata.name)}) does not match the name on the URL (${name})`);
  const current = ctx.store.mustGet(res, undefined, name);
  admit(body);
  if (body.spec.group !== current.spec.group || body.spec.names.plural !== current.spec.names.plural || body.spec.scope !== current.spec.scope)
    throw ApiError.invalid(
      res.kind,
      name,
      [{ field: 'spec', message: 'Invalid value: group, plural and scope are immutable', reason: 'FieldValueInvalid' }],
      res.group,
    );
  body.status = current.status;
  if (dryRun) return sendJson(ctx, 200, body);
  const stored = ctx.store.update(res, body);
  const after = establish(ctx.store, name, ctx.clock.now()) ?? stored;
  sendRaw(ctx, 200, 'application/json', objectBytes(res, after));
}

export async function handleCrds(ctx: Ctx, r: { name?: string; sub?: string }): Promise<void> {
  const m = ctx.method;
  if (r.sub !== undefined && r.sub !== 'status') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (!r.name && m === 'POST') return create(ctx);
  if (r.name && !r.sub && (m === 'PUT' || m === 'PATCH')) return update(ctx, r.name);
  if (r.name && !r.sub && m === 'DELETE' && !isDryRun(ctx.query)) {
    const crd = ctx.store.get(res, undefined, r.name);
    if (crd) deleteCustomResources(ctx.store, crd);
  }
  const before = !r.name && m === 'DELETE' ? ctx.store.all(res) : [];
  await handleObjects(ctx, { res, name: r.name, sub: r.sub === 'status' ? 'status' : undefined });
  // A collection delete (by label selector) removes some CRDs; their resources go with them.
  for (const crd of before) if (!ctx.store.get(res, undefined, crd.metadata.name)) deleteCustomResources(ctx.store, crd);
}
