/**
 * Guardrails every mutation passes, in one place: read-only, namespace allow/protect lists, replica
 * bounds and per-target cooldown. Each refusal says what is allowed so the caller can correct itself.
 */
import type { Config } from '../config/schema.js';
import type { Store } from '../store/index.js';
import { ServiceError } from '../base/errors.js';

export function assertWritable(config: Config): void {
  if (config.safety.readOnly) {
    throw new ServiceError('refused', 'SentinelOps runs in read-only mode; no changes are made. Restart it without --read-only to allow changes.');
  }
}

export function namespaceAllowed(config: Config, namespace: string): boolean {
  const { allowedNamespaces, protectedNamespaces } = config.safety;
  if (protectedNamespaces.includes(namespace)) return false;
  return allowedNamespaces.length === 0 || allowedNamespaces.includes(namespace);
}

export function assertNamespaceAllowed(config: Config, namespace: string): void {
  const { allowedNamespaces, protectedNamespaces } = config.safety;
  if (protectedNamespaces.includes(namespace)) {
    throw new ServiceError(
      'refused',
      `namespace ${namespace} is protected (${protectedNamespaces.join(', ')}); no tool changes it. Allowed: ${describeAllowed(config)}`,
    );
  }
  if (allowedNamespaces.length > 0 && !allowedNamespaces.includes(namespace)) {
    throw new ServiceError('refused', `namespace ${namespace} is not in the allowed namespaces; allowed: ${describeAllowed(config)}`);
  }
}

function describeAllowed(config: Config): string {
  const { allowedNamespaces, protectedNamespaces } = config.safety;
  return allowedNamespaces.length > 0 ? allowedNamespaces.join(', ') : `any namespace except ${protectedNamespaces.join(', ')}`;
}

export function assertReplicasInRange(config: Config, replicas: number): void {
  const { minReplicas, maxReplicas } = config.safety;
  if (!Number.isInteger(replicas) || replicas < minReplicas || replicas > maxReplicas) {
    throw new ServiceError('refused', `replicas ${replicas} is outside the allowed range ${minReplicas}..${maxReplicas}; choose a value in that range`);
  }
}

/**
 * Refuses repeating the same kind of change (same tool) on a target changed that way less than
 * cooldownSeconds ago: that is what stops scale flapping and restart storms. A different remedy is not
 * held back — a rollback of a bad rollout must not wait out the cooldown of an autoscale that happened
 * just before it. The audit log is the memory, so the cooldown holds across HTTP sessions and between
 * the agent and the server.
 */
export function assertCooledDown(config: Config, store: Store, target: string, tool: string, now: number): void {
  const cooldownMs = config.safety.cooldownSeconds * 1000;
  if (cooldownMs <= 0) return;
  const last = store.audit.lastChangeAt(target, tool);
  if (last !== undefined && now - last < cooldownMs) {
    const wait = Math.ceil((cooldownMs - (now - last)) / 1000);
    throw new ServiceError(
      'cooldown',
      `${target} was changed by ${tool} ${Math.floor((now - last) / 1000)}s ago; the cooldown is ${config.safety.cooldownSeconds}s. Retry in ${wait}s.`,
      {
        retryAfterSeconds: wait,
      },
    );
  }
}
