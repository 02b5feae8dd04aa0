/**
 * Pod subresources: `/log` (text from the simulator's log provider, with the real server's container
 * rules) and `/eviction` (policy/v1 Eviction: a graceful delete; no PodDisruptionBudgets are modelled).
 */
import { ApiError } from '../../errors.js';
import { R } from '../../resources.js';
import type { KObject } from '../../types.js';
import { methodNotAllowed, queryBool, queryInt, sendJson, sendRaw, successStatus, type Ctx } from '../http.js';
import { readOptionalJson } from './body.js';
import { deleteObject, deleteOptions } from './deletion.js';

type Obj = Record<string, any>;

function pickContainer(pod: KObject, requested: string | null): string {
  const name = pod.metadata.name;
  const containers: Obj[] = pod.spec?.containers ?? [];
  const all = [...containers, ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c: Obj) => c.name as string);
  if (requested) {
    if (!all.includes(requested)) throw ApiError.badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const preferred = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (preferred && all.includes(preferred)) return preferred;
  if (containers.length === 1) return containers[0]!.name;
  throw ApiError.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
}

async function podLog(ctx: Ctx, namespace: string, name: string): Promise<void> {
  if (ctx.method !== 'GET') throw methodNotAllowed(ctx.method);
  const pod = ctx.store.mustGet(R.pods, namespace, name);
  const container = pickContainer(pod, ctx.query.get('container'));
  const previous = queryBool(ctx.query, 'previous');
  const tailLines = queryInt(ctx.query, 'tailLines');
  const sinceSeconds = queryInt(ctx.query, 'sinceSeconds');
  const limitBytes = queryInt(ctx.query, 'limitBytes');
  if (tailLines !== undefined && tailLines < 0) throw ApiError.badRequest('tailLines must be a non-negative integer');
  if (sinceSeconds !== undefined && sinceSeconds < 1)
    throw new ApiError(422, 'Invalid', `PodLogOptions "${name}" is invalid: sinceSeconds: Invalid value: ${sinceSeconds}: must be greater than 0`);
  if (limitBytes !== undefined && limitBytes < 1)
    throw new ApiError(422, 'Invalid', `PodLogOptions "${name}" is invalid: limitBytes: Invalid value: ${limitBytes}: must be greater than 0`);

  const statuses: Obj[] = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const cs = statuses.find((s) => s.name === container);
  const restarts = cs?.restartCount ?? 0;
  if (previous && restarts === 0) throw ApiError.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  // A container that never ran has no log; after a restart the last run's log is served, as kubelets do.
  if (!pod.spec?.nodeName) return sendRaw(ctx, 200, 'text/plain', '');
  if (!previous && restarts === 0 && (cs?.state?.waiting || (!cs && pod.status?.phase === 'Pending'))) {
    const reason = cs?.state?.waiting?.reason ?? 'ContainerCreating';
    throw ApiError.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }
  let text = ctx.providers.podLogs?.(namespace, name, { container, previous, tailLines, sinceSeconds, timestamps: queryBool(ctx.query, 'timestamps') }) ?? '';
  if (limitBytes !== undefined && Buffer.byteLength(text) > limitBytes) text = Buffer.from(text).subarray(0, limitBytes).toString('utf8');
  sendRaw(ctx, 200, 'text/plain', text);
}

async function evict(ctx: Ctx, namespace: string, name: string): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed(ctx.method);
  const body = await readOptionalJson(ctx);
  if (body?.metadata?.name !== undefined && body.metadata.name !== name) throw ApiError.badRequest(`name in URL does not match name in Eviction object`);
  const opts = deleteOptions(ctx, body?.deleteOptions);
  deleteObject(ctx, R.pods, namespace, name, opts, false);
  sendJson(ctx, 201, successStatus());
}

export async function handlePodSubresource(ctx: Ctx, namespace: string, name: string, sub: string): Promise<boolean> {
  if (sub === 'log') await podLog(ctx, namespace, name);
  else if (sub === 'eviction') await evict(ctx, namespace, name);
  else return false;
  return true;
}
