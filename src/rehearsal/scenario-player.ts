/**
 * Plays a rehearsal scenario's script on a running simulator in its clock's time: creates the objects,
 * keeps each Deployment's demand on its load curve, and starts each fault event at its time (with its
 * `until` as the fault's lifetime). The agent is not involved: this is the world the agent faces.
 */
import type { TimerHandle } from '../base/clock.js';
import type { Logger } from '../base/log.js';
import { demandsAt, toFaultRequest, type Scenario } from './scenario.js';
import type { Simulator } from '../sim/cluster.js';

export interface ScenarioPlayer {
  stop(): void;
}

export function playScenario(sim: Simulator, scenario: Scenario, logger?: Logger): ScenarioPlayer {
  const { clock } = sim;
  const start = clock.now();
  const timers: TimerHandle[] = [];
  let loadTimer: TimerHandle | undefined;
  for (const o of scenario.spec.objects) sim.create(structuredClone(o) as Parameters<Simulator['create']>[0]);

  const applyLoad = (): void => {
    const t = (clock.now() - start) / 1000;
    for (const [deployment, millicores] of Object.entries(demandsAt(scenario, t))) sim.workload.setDemand(deployment, millicores);
  };
  const loadTick = (): void => {
    applyLoad();
    if ((clock.now() - start) / 1000 < scenario.spec.duration) loadTimer = clock.setTimeout(loadTick, sim.workload.tickMs);
  };
  if (scenario.spec.load.length) loadTick();

  for (const e of scenario.spec.events) {
    timers.push(
      clock.setTimeout(() => {
        try {
          const f = sim.faults.inject(toFaultRequest(e));
          logger?.info({ fault: f.fault, id: f.id, target: f.target }, 'scenario fault started');
        } catch (err) {
          logger?.warn({ err, event: e }, 'scenario fault could not start');
        }
      }, e.at * 1000),
    );
  }
  return {
    stop() {
      for (const t of timers) clock.clearTimeout(t);
      clock.clearTimeout(loadTimer);
    },
  };
}
