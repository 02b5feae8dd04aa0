/**
 * The verify step, in two tenses. Now: did the call change what it was meant to (the tool's after-state says so)?
 * Later: is the problem an incident was opened for gone on a fresh observation — and no sibling symptom of the
 * same failure still visible on the same target? Only then is the incident resolved: a crash-looping pod that
 * happens to be up between two crashes is not healed (its restart shows up as `pod_crashed`).
 */
import type { deletePodTool } from '../../tools/delete-pod.js';
import type { restartDeploymentTool } from '../../tools/restart-deployment.js';
import type { rollbackDeploymentTool } from '../../tools/rollback-deployment.js';
import type { scaleDeploymentTool } from '../../tools/scale-deployment.js';
import type { Finding, FindingType } from '../policy/findings.js';
import { targetKey } from '../policy/findings.js';
import type { ToolContract } from '../catalog/tool-contract.js';
import type { ToolOutput } from './tool-client.js';

export interface Verification {
  ok: boolean;
  detail: string;
}

/** A mutating tool's after-state, as its output schema declares it. */
type After<T extends ToolContract> = NonNullable<ToolOutput<T>['after']>;

export function verifyScale(wanted: number, after: After<typeof scaleDeploymentTool>): Verification {
  return after.replicas === wanted
    ? { ok: true, detail: `spec.replicas is ${wanted}` }
    : { ok: false, detail: `spec.replicas is ${after.replicas}, wanted ${wanted}` };
}

export function verifyRollback(after: After<typeof rollbackDeploymentTool>): Verification {
  return after.changed ? { ok: true, detail: `template now runs ${after.images.join(', ')}` } : { ok: false, detail: 'the template did not change' };
}

export function verifyRestart(after: After<typeof restartDeploymentTool>): Verification {
  return { ok: true, detail: `restartedAt ${after.restartedAt}` };
}

export function verifyDelete(after: After<typeof deletePodTool>): Verification {
  return { ok: true, detail: `deleted ${after.deleted}` };
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
