/**
 * The verify step, in two tenses. Now: did the call change what it was meant to (the tool's after-state says so)?
 * Later: is the problem an incident was opened for gone on a fresh observation — and no sibling symptom of the
 * same failure still visible on the same target? Only then is the incident resolved: a crash-looping pod that
 * happens to be up between two crashes is not healed (its restart shows up as `pod_crashed`).
 */
import type { ActionResult } from './act.js';
import type { Finding, FindingType } from '../policy/findings.js';
import { targetKey } from '../policy/findings.js';

export interface Verification {
  ok: boolean;
  detail: string;
}

export function verifyResult(r: Pick<ActionResult, 'tool' | 'arguments' | 'output'>): Verification {
  const after = (r.output?.after ?? {}) as Record<string, unknown>;
  switch (r.tool) {
    case 'scale_deployment': {
      const want = Number(r.arguments.replicas);
      return after.replicas === want
        ? { ok: true, detail: `spec.replicas is ${want}` }
        : { ok: false, detail: `spec.replicas is ${String(after.replicas)}, wanted ${want}` };
    }
    case 'rollback_deployment':
      return after.changed === true
        ? { ok: true, detail: `template now runs ${(after.images as string[] | undefined)?.join(', ') ?? 'the previous revision'}` }
        : { ok: false, detail: 'the template did not change' };
    case 'restart_deployment':
      return typeof after.restartedAt === 'string'
        ? { ok: true, detail: `restartedAt ${after.restartedAt}` }
        : { ok: false, detail: 'no restartedAt annotation' };
    case 'delete_pod':
      return typeof after.deleted === 'string' ? { ok: true, detail: `deleted ${after.deleted}` } : { ok: false, detail: 'the pod was not reported deleted' };
  }
}

/** Symptoms of a failing workload: while any is seen on a target, no failure incident on it counts as healed. */
const FAILURE_FAMILY: ReadonlySet<FindingType> = new Set([
  'crash_loop',
  'pod_crashed',
  'image_pull_error',
  'oom_killed',
  'bad_rollout',
  'unschedulable',
  'stuck_creating',
  'replicas_unavailable',
]);

export function isFailure(type: string): boolean {
  return FAILURE_FAMILY.has(type as FindingType);
}

/** The incident's problem (type on target) is still visible, directly or through a sibling failure symptom. */
export function stillUnhealthy(incident: { type: string; targetKey: string }, findings: readonly Finding[]): boolean {
  return findings.some((f) => targetKey(f) === incident.targetKey && (f.type === incident.type || (isFailure(incident.type) && isFailure(f.type))));
}
