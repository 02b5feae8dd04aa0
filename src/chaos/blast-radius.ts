/**
 * How many pods an experiment may touch, pure: the caller's count or share of a deployment's running
 * pods, refused (never silently trimmed) when it breaks chaos.maxPods or chaos.maxShare, so the caller
 * learns the limit and nothing happens that it did not ask for.
 */
import type { Config } from '../config/schema.js';
import { ServiceError } from '../base/errors.js';

export interface BlastRequest {
  /** running pods of the target deployment */
  available: number;
  count?: number;
  share?: number;
}

export function podsToTouch(req: BlastRequest, caps: Pick<Config['chaos'], 'maxPods' | 'maxShare'>): number {
  const { available } = req;
  if (available === 0) throw new ServiceError('conflict', 'the deployment has no running pods to experiment on; list_pods shows their state');
  if (req.count !== undefined && req.share !== undefined) throw new ServiceError('invalid', 'pass count or share, not both');
  const count = req.count ?? (req.share !== undefined ? Math.floor(req.share * available) : 1);
  if (count < 1) {
    throw new ServiceError(
      'invalid',
      `share ${req.share} of ${available} running pods is less than one pod; use a share of at least ${ceil2(1 / available)} or pass count`,
    );
  }
  if (count > available) throw new ServiceError('invalid', `count ${count} exceeds the ${available} running pods of the deployment`);
  if (count > caps.maxPods) {
    throw new ServiceError(
      'refused',
      `${count} pods exceeds the blast-radius cap chaos.maxPods=${caps.maxPods}; ask for at most ${caps.maxPods} pods (or raise chaos.maxPods in the config)`,
    );
  }
  if (count / available > caps.maxShare + 1e-9) {
    const most = Math.floor(caps.maxShare * available);
    throw new ServiceError(
      'refused',
      `${count} of ${available} running pods (${Math.round((count / available) * 100)}%) exceeds the blast-radius cap chaos.maxShare=${caps.maxShare}; ${most >= 1 ? `ask for at most ${most} pod${most === 1 ? '' : 's'}` : 'the deployment has too few pods for any experiment; scale it up first'} (or raise chaos.maxShare in the config)`,
    );
  }
  return count;
}

const ceil2 = (n: number) => Math.ceil(n * 100) / 100;
