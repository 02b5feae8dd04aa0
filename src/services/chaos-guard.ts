/**
 * The chaos-specific guardrails, on top of the ones every mutation passes (read-only, protected and
 * allowed namespaces, cooldown): chaos must be switched on, the namespace must be one chaos may touch,
 * and experiments are bounded in time.
 */
import type { Config } from '../config/schema.js';
import { ServiceError } from '../base/errors.js';

export function assertChaosAllowed(config: Config, namespace: string): void {
  const { enabled, allowedNamespaces } = config.chaos;
  if (!enabled) {
    throw new ServiceError(
      'refused',
      'chaos experiments are disabled. To enable them set chaos.enabled: true in the config file (or SENTINELOPS_CHAOS_ENABLED=true) and list the namespaces they may touch in chaos.allowedNamespaces (default: demo).',
    );
  }
  if (config.safety.protectedNamespaces.includes(namespace)) {
    throw new ServiceError('refused', `namespace ${namespace} is protected (${config.safety.protectedNamespaces.join(', ')}); chaos never touches it`);
  }
  if (!allowedNamespaces.includes(namespace)) {
    throw new ServiceError(
      'refused',
      `chaos is not allowed in namespace ${namespace}; chaos.allowedNamespaces: ${allowedNamespaces.length ? allowedNamespaces.join(', ') : '(empty: nowhere)'}. Add it there (or SENTINELOPS_CHAOS_ALLOWED_NAMESPACES) to allow it.`,
    );
  }
}

export function assertDurationAllowed(config: Config, durationSeconds: number): void {
  const max = config.chaos.maxDurationSeconds;
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1 || durationSeconds > max) {
    throw new ServiceError('refused', `durationSeconds ${durationSeconds} is outside 1..${max} (chaos.maxDurationSeconds); choose a shorter experiment`);
  }
}
