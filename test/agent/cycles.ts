/** The agent's decision loop without the cluster: assess → observe → decide → recordActions, as the runner does it. */
import { assess } from '../../src/policy/assess.js';
import { decide } from '../../src/policy/decide.js';
import type { Decision } from '../../src/policy/decision.js';
import { type History, emptyHistory, observe, recordActions } from '../../src/policy/history.js';
import type { Observation } from '../../src/policy/observation.js';
import { type AgentPolicy, DEFAULT_POLICY } from '../../src/policy/settings.js';
import { sec } from './builders.js';

/** One agent cycle. */
export function cycle(obs: Observation, policy: AgentPolicy, history: History, now: number): { decisions: Decision[]; history: History } {
  const findings = assess(obs, history, now, policy);
  const h = observe(history, obs, findings, now);
  const decisions = decide(findings, obs, policy, h, now);
  return { decisions, history: recordActions(h, decisions, now) };
}

/** Runs cycles every `step` seconds over [0, until) against a world given as a function of time. */
export function run(world: (t: number) => Observation, until: number, policy: AgentPolicy = DEFAULT_POLICY, step = 60, history = emptyHistory()) {
  const log: Array<Decision & { t: number }> = [];
  for (let t = 0; t < until; t += step) {
    const r = cycle({ ...world(t), at: sec(t) }, policy, history, sec(t));
    history = r.history;
    log.push(...r.decisions.map((d) => ({ ...d, t })));
  }
  return { log, history, acted: log.filter((d) => d.action !== 'none') };
}
