/**
 * The simulator's own endpoints next to the Kubernetes API: `/sim/v1/info` (how a client knows it talks
 * to the simulator), `/sim/v1/faults` (fault injection) and `/metrics` (Prometheus text).
 */
import { ApiError } from '../../errors.js';
import { KUBERNETES_VERSION } from '../discovery.js';
import { methodNotAllowed, pathNotFound, sendJson, sendRaw, successStatus, type Ctx } from '../http.js';
import { readOptionalJson } from './body.js';

function noFaults(): ApiError {
  return new ApiError(404, 'NotFound', 'fault injection is not available on this server');
}

export async function handleSim(ctx: Ctx, path: string[]): Promise<void> {
  const [first, id, ...rest] = path;
  if (first === 'info' && path.length === 1) {
    if (ctx.method !== 'GET') throw methodNotAllowed(ctx.method);
    return sendJson(ctx, 200, { simulator: 'sentinelops', version: ctx.simVersion, kubernetesVersion: KUBERNETES_VERSION.gitVersion });
  }
  if (first !== 'faults' || rest.length > 0) throw pathNotFound();
  const faults = ctx.providers.faults;
  if (!faults) throw noFaults();
  if (id === undefined) {
    if (ctx.method === 'GET') return sendJson(ctx, 200, { items: faults.list() });
    if (ctx.method === 'POST') {
      const body = await readOptionalJson(ctx);
      if (!body) throw ApiError.badRequest('a fault object is required, e.g. {"fault":"crash-pod","pod":"demo/web-1"}');
      return sendJson(ctx, 201, faults.inject(body));
    }
    throw methodNotAllowed(ctx.method);
  }
  if (ctx.method !== 'DELETE') throw methodNotAllowed(ctx.method);
  if (!faults.clear(id)) throw new ApiError(404, 'NotFound', `fault "${id}" not found`, { name: id, kind: 'faults' });
  sendJson(ctx, 200, successStatus({ name: id, kind: 'faults' }));
}

export function handlePrometheus(ctx: Ctx): void {
  if (ctx.method !== 'GET') throw methodNotAllowed(ctx.method);
  const text = ctx.providers.prometheusText?.();
  if (text === undefined) throw pathNotFound();
  sendRaw(ctx, 200, 'text/plain; version=0.0.4; charset=utf-8', text);
}
