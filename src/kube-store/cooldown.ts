/**
 * "Check the target's cooldown, and if it allows, record my intent" as one atomic step across replicas,
 * on a per-target Cooldown object: read it, decide, write it back with the resourceVersion read (or create
 * it when absent). The API server accepts exactly one of two racing writes; the loser gets 409
 * (Conflict or AlreadyExists), re-reads, and now sees the winner's claim. No lock, no lease per target.
 */
import { createHash } from 'node:crypto';
import { ServiceError } from '../base/errors.js';
import type { CustomObject, CustomObjectClient } from './client.js';

export interface CooldownSpec {
  cluster?: string;
  namespace?: string;
  target: string;
  action?: string;
  holder?: string;
  intent?: string;
  claimedAt?: string;
  until?: string;
}

export type Cooldown = CustomObject<CooldownSpec>;

export interface ClaimRequest {
  cluster: string;
  namespace?: string;
  /** e.g. deployment/web */
  target: string;
  action: string;
  holder: string;
  /** Name of the AuditRecord of the intended action. */
  intent: string;
  now: number;
  cooldownMs: number;
}

export type ClaimResult = { granted: true; cooldown: Cooldown } | { granted: false; cooldown: Cooldown; until: string };

const MAX_ATTEMPTS = 10;

/** A DNS-subdomain name per (cluster, namespace, target): readable prefix plus a hash against collisions. */
export function cooldownName(cluster: string, namespace: string | undefined, target: string): string {
  const key = `${cluster}\u0000${namespace ?? ''}\u0000${target}`;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
  const slug = `${namespace ?? 'cluster'}-${target}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'target'}-${hash}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export async function claimCooldown(client: CustomObjectClient<CooldownSpec>, req: ClaimRequest): Promise<ClaimResult> {
  const name = cooldownName(req.cluster, req.namespace, req.target);
  const spec: CooldownSpec = {
    cluster: req.cluster,
    ...(req.namespace ? { namespace: req.namespace } : {}),
    target: req.target,
    action: req.action,
    holder: req.holder,
    intent: req.intent,
    claimedAt: iso(req.now),
    until: iso(req.now + req.cooldownMs),
  };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await client.get(name);
    if (current?.spec.until && Date.parse(current.spec.until) > req.now) return { granted: false, cooldown: current, until: current.spec.until };
    try {
      const cooldown = current
        ? await client.replace({ ...current, spec })
        : await client.create({ metadata: { name, labels: { 'sentinelops.dev/cluster': label(req.cluster) } }, spec });
      return { granted: true, cooldown };
    } catch (err) {
      // Another replica wrote first (Conflict) or created it first (AlreadyExists): look again.
      if (!(err instanceof ServiceError && err.code === 'conflict')) throw err;
    }
  }
  throw new ServiceError('conflict', `the cooldown of ${req.target} kept changing: gave up after ${MAX_ATTEMPTS} attempts`);
}

/** A label value: at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends. */
export function label(v: string): string {
  return v
    .replace(/[^A-Za-z0-9-_.]+/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
