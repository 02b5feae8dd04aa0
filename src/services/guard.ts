/**
 * Guardrails every mutation passes, in one place: read-only, namespace allow/protect lists, replica
 * bounds, per-target cooldown and the per-deployment disruption budget. Each refusal says what is
 * allowed so the caller can correct itself.
 */
import { BUILTIN_PROTECTED_NAMESPACES, type Config } from '../config/schema.js';
import type { AuditView } from '../store/index.js';
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
 * The HPA's sync period: the shortest gap upstream leaves between two scale-ups of one target. A scale-up the load
 * calls for is never held longer than this by the cooldown.
 */
export const SCALE_UP_MIN_GAP_SECONDS = 15;

/**
 * How long a change of this kind holds back the next one on the same target. The cooldown exists to stop repeating
 * the same remedy, not to slow a needed one: a scale-up (after a scale-down, or the next step of a rising load)
 * waits only the HPA's 15 s sync period; a scale-down — the change that flaps — waits the full cooldown after any
 * scale of the target. Other tools wait the full cooldown after a change by the same tool.
 */
export function cooldownSecondsFor(config: Config, change: { direction?: 'up' | 'down' }): number {
  const full = config.safety.cooldownSeconds;
  return change.direction === 'up' ? Math.min(full, SCALE_UP_MIN_GAP_SECONDS) : full;
}

/**
 * Refuses repeating the same kind of change (same tool) on a target changed that way less than the cooldown ago
 * (cooldownSecondsFor): that is what stops scale flapping and restart storms. A different remedy is not held back —
 * a rollback of a bad rollout must not wait out the cooldown of an autoscale that happened just before it. The audit
 * log is the memory, so the cooldown holds across HTTP sessions and between the agent and the server.
 */
export function assertCooledDown(
  config: Config,
  audit: AuditView,
  target: string,
  tool: string,
  now: number,
  change: { direction?: 'up' | 'down' } = {},
): void {
  const seconds = cooldownSecondsFor(config, change);
  const cooldownMs = seconds * 1000;
  if (cooldownMs <= 0) return;
  const last = audit.lastChangeAt(target, tool);
  if (last !== undefined && now - last < cooldownMs) {
    const wait = Math.ceil((cooldownMs - (now - last)) / 1000);
    const which =
      change.direction === 'up'
        ? `a scale-up has a cooldown of ${seconds}s after the last scale (the HPA's sync period)`
        : change.direction === 'down'
          ? `a scale-down has the full cooldown of ${seconds}s after any scale, so replicas do not flap`
          : `the cooldown is ${seconds}s`;
    throw new ServiceError('cooldown', `${target} was changed by ${tool} ${Math.floor((now - last) / 1000)}s ago; ${which}. Retry in ${wait}s.`, {
      retryAfterSeconds: wait,
    });
  }
}

/** A change that deletes or crashes pods of a deployment, checked against a budget over a window. */
export interface Disruption {
  /** `namespace/deployment` */
  workload: string;
  /** pods this change disrupts */
  pods: number;
  /** most pods of the workload that may be disrupted within the window, this change included */
  limit: number;
  /** how the limit was derived, for the refusal (e.g. "safety.maxDisruptedShare=0.5 of 4 replicas") */
  reason: string;
  /** every replica of the deployment is ready now: earlier disruptions have healed */
  whole: boolean;
}

/**
 * Disruptions this recent always count, however whole the deployment looks: its status lags a deletion
 * or crash by up to a few seconds, and back-to-back or concurrent calls must not read that stale status.
 */
export const DISRUPTION_SETTLE_SECONDS = 30;

/** The pods of a deployment with `replicas` replicas that delete_pod may disrupt per window: at least one. */
export function podDeletionLimit(config: Config, replicas: number): Pick<Disruption, 'limit' | 'reason'> {
  const share = config.safety.maxDisruptedShare;
  return { limit: Math.max(1, Math.floor(share * replicas)), reason: `safety.maxDisruptedShare=${share} of ${replicas} replicas, at least 1` };
}

/** The pods of a deployment chaos may crash per window: chaos.maxShare of its replicas, at most chaos.maxPods. */
export function chaosDisruptionLimit(config: Config, replicas: number): Pick<Disruption, 'limit' | 'reason'> {
  const { maxShare, maxPods } = config.chaos;
  return {
    limit: Math.min(maxPods, Math.floor(maxShare * replicas + 1e-9)),
    reason: `chaos.maxShare=${maxShare} of ${replicas} replicas, chaos.maxPods=${maxPods}`,
  };
}

/**
 * A per-deployment disruption budget, like a PodDisruptionBudget kept by SentinelOps itself: refuses a
 * change that would take the pods of one deployment deleted or crashed (by any tool, pods named or
 * picked) above the limit. Disruptions count for safety.disruptionWindowSeconds while the deployment is
 * not whole again, and always for DISRUPTION_SETTLE_SECONDS; so pods replaced one after another, each
 * replacement ready before the next, pass, and a burst does not. The audit log is the memory, like the
 * cooldown's: intents count as soon as they are claimed.
 */
export function assertDisruptionBudget(config: Config, audit: AuditView, d: Disruption, now: number): void {
  const windowSeconds = config.safety.disruptionWindowSeconds;
  if (windowSeconds <= 0) return;
  const seconds = d.whole ? Math.min(DISRUPTION_SETTLE_SECONDS, windowSeconds) : windowSeconds;
  const already = audit.disruptedSince(d.workload, now - seconds * 1000);
  if (already + d.pods > d.limit) {
    throw new ServiceError(
      'refused',
      `deployment ${d.workload} already had ${already} pod(s) deleted or crashed in the last ${seconds}s${d.whole ? '' : ' and is not fully ready again'}; ${d.pods} more would exceed its disruption budget of ${d.limit} (${d.reason}, over safety.disruptionWindowSeconds=${windowSeconds}). Wait until its replacements are ready.`,
    );
  }
}

/** The warning to log at start when built-in protected namespaces were opted out of; undefined otherwise. */
export function unprotectedWarning(config: Config): string | undefined {
  const removed = BUILTIN_PROTECTED_NAMESPACES.filter((n) => !config.safety.protectedNamespaces.includes(n));
  if (removed.length === 0) return undefined;
  return `safety.unprotectNamespaces removes built-in protected namespace(s) ${removed.join(', ')}: tools may change them`;
}
