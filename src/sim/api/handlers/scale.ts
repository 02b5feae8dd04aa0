/**
 * The autoscaling/v1 Scale subresource of Deployments and ReplicaSets (what `kubectl scale` and HPAs use):
 * get, put and patch of `spec.replicas`, with the owner's resourceVersion as the Scale's.
 */
import { ApiError } from '../../errors.js';
import type { KObject, ResourceType } from '../../types.js';
import { Causes } from '../admission/validation.js';
import { isDryRun, isPlainObject, mediaType, methodNotAllowed, parseJson, readBody, sendJson, type Ctx } from '../http.js';
import { applyPatch } from '../patch.js';
import { selectorString } from '../table.js';
import { readObjectBody } from './body.js';

const SCALE = {
  group: 'autoscaling',
  version: 'v1',
  plural: 'scale',
  singular: 'scale',
  kind: 'Scale',
  listKind: 'ScaleList',
  namespaced: true,
  verbs: [],
} satisfies ResourceType;

export function toScale(o: KObject): KObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec?.selector) },
  };
}

function setReplicas(ctx: Ctx, res: ResourceType, current: KObject, scale: KObject, dryRun: boolean): KObject {
  const name = current.metadata.name;
  if (scale.metadata?.name !== undefined && scale.metadata.name !== name)
    throw ApiError.badRequest(`the name of the object (${String(scale.metadata.name)}) does not match the name on the URL (${name})`);
  const replicas = scale.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas))
    throw ApiError.badRequest(`json: cannot unmarshal ${JSON.stringify(replicas) ?? 'undefined'} into Go struct field ScaleSpec.spec.replicas of type int32`);
  const causes = new Causes();
  if (replicas < 0) causes.invalid('spec.replicas', replicas, 'must be greater than or equal to 0');
  causes.throwIfAny(SCALE, name);
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== current.metadata.resourceVersion)
    throw ApiError.conflict(res.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', res.group);
  if (dryRun) return toScale({ ...current, spec: { ...current.spec, replicas } });
  const next = { ...current, spec: { ...current.spec, replicas }, metadata: { ...current.metadata, resourceVersion: rv || current.metadata.resourceVersion } };
  return toScale(ctx.store.update(res, next));
}

export async function handleScale(ctx: Ctx, res: ResourceType, namespace: string | undefined, name: string): Promise<void> {
  const current = ctx.store.mustGet(res, namespace, name);
  switch (ctx.method) {
    case 'GET':
      return sendJson(ctx, 200, toScale(current));
    case 'PUT': {
      const body = await readObjectBody(ctx);
      return sendJson(ctx, 200, setReplicas(ctx, res, current, body, isDryRun(ctx.query)));
    }
    case 'PATCH': {
      const type = mediaType(ctx.req.headers['content-type']);
      const doc = parseJson(await readBody(ctx), 'patch');
      const patched = applyPatch(type, toScale(current), doc);
      if (!isPlainObject(patched)) throw new ApiError(422, 'Invalid', 'the patch did not yield a Scale object');
      return sendJson(ctx, 200, setReplicas(ctx, res, current, patched as KObject, isDryRun(ctx.query)));
    }
    default:
      throw methodNotAllowed(ctx.method);
  }
}
