/**
 * A rollout whose new pods run but never become Ready: the Deployment controller calls it failed only at
 * progressDeadlineSeconds (10 min by default, often raised), while the previous revision's pods keep serving.
 * The agent learns per deployment how long its rollouts take to become ready, and once a young revision's pods have
 * been Running-unready for longer than its start-up budget — max(2 min, 3 × the slowest of the last rollouts it saw
 * complete), or 5 min before it has seen any — it reports the rollout bad, so it is rolled back in minutes.
 * Pure: the learning is folded into History by observe(), the finding is made in assess().
 */
import type { Finding } from './findings.js';
import type { History } from './history.js';
import { type Observation, deploymentKey, isTerminating, podsOf } from './observation.js';
import type { AgentPolicy } from './settings.js';

/** Budget floor once something is learned. */
export const MIN_STARTUP_BUDGET_SECONDS = 120;
/** Budget before any rollout of the deployment was seen completing. */
export const DEFAULT_STARTUP_BUDGET_SECONDS = 300;
export const STARTUP_BUDGET_FACTOR = 3;
/** How many rollouts' times to ready are remembered. */
const LEARNED_KEPT = 5;

export interface StartupMemory {
  /** A rollout seen in progress, not yet complete. */
  pending?: { revision: string; startedAt: number };
  /** Seconds from the start of recent rollouts to all their pods ready, newest last. */
  learned: number[];
}

/** Folds one observation into the per-deployment start-up memory. */
export function learnStartup(prev: Record<string, StartupMemory> | undefined, obs: Observation, now: number): Record<string, StartupMemory> {
  const out: Record<string, StartupMemory> = {};
  for (const d of obs.deployments) {
    const key = deploymentKey(d);
    const was = prev?.[key] ?? { learned: [] };
    if (d.revision === undefined || d.rolloutStartedAt === undefined) {
      out[key] = was;
      continue;
    }
    const pods = podsOf(obs, d).filter((p) => !isTerminating(p));
    const complete =
      d.replicas > 0 &&
      d.updatedReplicas >= d.replicas &&
      d.readyReplicas >= d.replicas &&
      pods.every((p) => p.revision === undefined || p.revision === d.revision);
    // A rollout, not a scale-up: pods of another revision are still there (a scale-up's new pods would otherwise
    // count from the revision's creation, days ago).
    const rolling = pods.some((p) => p.revision !== undefined && p.revision !== d.revision);
    if (!complete && (rolling || was.pending?.revision === d.revision)) {
      out[key] = was.pending?.revision === d.revision ? was : { ...was, pending: { revision: d.revision, startedAt: d.rolloutStartedAt } };
    } else if (!complete) {
      out[key] = was;
    } else if (was.pending?.revision === d.revision) {
      out[key] = { learned: [...was.learned, Math.max(0, (now - was.pending.startedAt) / 1000)].slice(-LEARNED_KEPT) };
    } else {
      out[key] = { learned: was.learned };
    }
  }
  return out;
}

export function startupBudgetSeconds(memory: StartupMemory | undefined): { seconds: number; basis: string } {
  const learned = memory?.learned ?? [];
  if (learned.length === 0) return { seconds: DEFAULT_STARTUP_BUDGET_SECONDS, basis: 'the default: no earlier rollout of it was seen completing' };
  const slowest = Math.max(...learned);
  return {
    seconds: Math.max(MIN_STARTUP_BUDGET_SECONDS, Math.ceil(STARTUP_BUDGET_FACTOR * slowest)),
    basis: `${STARTUP_BUDGET_FACTOR}× the slowest of its last ${learned.length} rollout(s) (${Math.round(slowest)}s to ready), at least ${MIN_STARTUP_BUDGET_SECONDS}s`,
  };
}

/** bad_rollout findings for young revisions whose pods run unready past the budget while the previous revision's are ready. */
export function unreadyRolloutFindings(obs: Observation, history: History, now: number, policy: AgentPolicy, already: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const d of obs.deployments) {
    if (d.paused || d.revision === undefined || d.previousRevision === undefined || d.rolloutStartedAt === undefined) continue;
    if (already.some((f) => f.type === 'bad_rollout' && f.namespace === d.namespace && f.target === d.name)) continue;
    const ageSeconds = (now - d.rolloutStartedAt) / 1000;
    if (ageSeconds > policy.healing.recentRolloutSeconds) continue;
    const pods = podsOf(obs, d).filter((p) => !isTerminating(p));
    const fresh = pods.filter((p) => p.revision === d.revision);
    const previousReady = pods.filter((p) => p.revision === d.previousRevision && p.ready);
    // Running and unready, not crashing or waiting for an image: those have their own findings and remedies.
    const stuck = fresh.filter((p) => p.phase === 'Running' && !p.ready && p.reason === undefined);
    if (fresh.length === 0 || stuck.length !== fresh.length || previousReady.length === 0) continue;
    const budget = startupBudgetSeconds(history.startup?.[deploymentKey(d)]);
    const unreadyFor = Math.min(ageSeconds, ...stuck.map((p) => (now - p.createdAt) / 1000));
    if (unreadyFor < budget.seconds) continue;
    out.push({
      type: 'bad_rollout',
      severity: 'high',
      kind: 'deployment',
      namespace: d.namespace,
      target: d.name,
      pods: stuck.map((p) => p.name),
      evidence: {
        cause: 'UnreadyPastStartupBudget',
        revision: d.revision,
        previousRevision: d.previousRevision,
        rolloutAgeSeconds: Math.round(ageSeconds),
        recentRollout: true,
        previousRevisionPodsReady: true,
        unreadySeconds: Math.round(unreadyFor),
        startupBudgetSeconds: budget.seconds,
        budgetBasis: budget.basis,
      },
      message: `rollout of ${deploymentKey(d)} revision ${d.revision}: ${stuck.length} pod(s) Running but not Ready for ${Math.round(unreadyFor)}s, past its start-up budget of ${budget.seconds}s (${budget.basis}), while ${previousReady.length} pod(s) of revision ${d.previousRevision} are ready`,
    });
  }
  return out;
}
