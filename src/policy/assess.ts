/**
 * The findings of one cycle: what the snapshot shows (analyze) and what only a trend over earlier checks shows
 * (memory leaks, from the samples kept in History; rollouts unready past their learned start-up budget). Pure; the runner and the policy tests both call it.
 */
import { analyze, analyzeOptions } from './analyze.js';
import type { Finding } from './findings.js';
import type { History } from './history.js';
import { leakFindings } from './leak.js';
import type { Observation } from './observation.js';
import type { AgentPolicy } from './settings.js';
import { unreadyRolloutFindings } from './startup-budget.js';

export function assess(obs: Observation, history: History, now: number, policy: AgentPolicy): Finding[] {
  const leaks = leakFindings(history, obs, now);
  const leaking = new Set(leaks.map((f) => `${f.namespace}/${f.target}`));
  // A leak explains the deployment's high memory: one incident for one problem.
  const snapshot = analyze(obs, now, analyzeOptions(policy)).filter((f) => !(f.type === 'memory_pressure' && leaking.has(`${f.namespace}/${f.target}`)));
  return [...snapshot, ...leaks, ...unreadyRolloutFindings(obs, history, now, policy, snapshot)];
}
