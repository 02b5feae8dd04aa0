/**
 * Plays a rehearsal scenario's script on a running simulator in its clock's time: creates the objects,
 * keeps each Deployment's demand on its load curve, and starts each fault event at its time (jittered off
 * the grid by the seed, with its `until` as the fault's lifetime). The agent is not involved: this is the
 * world the agent faces.
 *
 * `settleScenario` brings the world to steady state before time 0 (objects created, load held at its
 * time-0 value, every deployment rolled out, metrics-server with two scrapes of every pod), so a
 * rehearsal measures the scenario and not a cold start.
 */
import { type Clock, type TimerHandle, VirtualClock } from '../base/clock.js';
import type { Logger } from '../base/log.js';
import { R } from '../sim/resources.js';
import type { Simulator } from '../sim/cluster.js';
import { demandsAt, deploymentKeys, jitteredEvents, toFaultRequest, type Scenario } from './scenario.js';

export interface ScenarioPlayer {
  stop(): void;
}

export interface PlayOptions {
  logger?: Logger;
  /** Seed of the event jitter (default the scenario's seed). */
  seed?: number;
  /** The objects exist already (settleScenario created them). */
  created?: boolean;
}

function createObjects(sim: Simulator, scenario: Scenario): void {
  for (const o of scenario.spec.objects) sim.create(structuredClone(o) as Parameters<Simulator['create']>[0]);
}

function holdLoad(sim: Simulator, scenario: Scenario, t: number): void {
  for (const [deployment, millicores] of Object.entries(demandsAt(scenario, t))) sim.workload.setDemand(deployment, millicores);
}

/**
 * Creates the objects and lets virtual time pass at the time-0 load until the world is steady, at most
 * spec.warmup. Returns the seconds it took and each deployment's median pod start-up (creation to Ready).
 */
export async function settleScenario(sim: Simulator, scenario: Scenario): Promise<{ seconds: number; startupSeconds: Record<string, number> }> {
  const { clock } = sim;
  if (!(clock instanceof VirtualClock)) throw new Error('settling a scenario needs a virtual clock');
  const t0 = clock.now();
  createObjects(sim, scenario);
  holdLoad(sim, scenario, 0);
  const keys = deploymentKeys(scenario);
  const limit = t0 + scenario.spec.warmup * 1000;
  let steadySince: number | undefined;
  while (clock.now() < limit) {
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
    const steady = keys.every((k) => rolledOut(sim, k));
    if (!steady) steadySince = undefined;
    else steadySince ??= clock.now();
    // Two metrics-server scrapes after the last pod became ready: every pod has a CPU rate, the queue is drained.
    if (steadySince !== undefined && clock.now() - steadySince >= 31_000) break;
  }
  return { seconds: (clock.now() - t0) / 1000, startupSeconds: Object.fromEntries(keys.map((k) => [k, medianStartup(sim, k)])) };
}

function rolledOut(sim: Simulator, key: string): boolean {
  const [ns, name] = key.split('/') as [string, string];
  const d = sim.store.get(R.deployments, ns, name);
  if (!d) return true;
  const want = Number(d.spec?.replicas ?? 1);
  const s = d.status ?? {};
  return Number(s.updatedReplicas ?? 0) === want && Number(s.readyReplicas ?? 0) === want && Number(s.replicas ?? 0) === want;
}

/** Median seconds from a pod's creation to its Ready condition, over the deployment's ready pods. */
function medianStartup(sim: Simulator, key: string): number {
  const [ns, name] = key.split('/') as [string, string];
  const times: number[] = [];
  for (const p of sim.store.list(R.pods, { namespace: ns }).items) {
    if (!p.metadata.name.startsWith(`${name}-`)) continue;
    const ready = (p.status?.conditions as { type: string; status: string; lastTransitionTime?: string }[] | undefined)?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True' || !ready.lastTransitionTime || !p.metadata.creationTimestamp) continue;
    times.push((Date.parse(ready.lastTransitionTime) - Date.parse(p.metadata.creationTimestamp)) / 1000);
  }
  times.sort((a, b) => a - b);
  return times.length ? times[Math.floor(times.length / 2)]! : 0;
}

export function playScenario(sim: Simulator, scenario: Scenario, opts: PlayOptions = {}): ScenarioPlayer {
  const clock: Clock = sim.clock;
  const start = clock.now();
  const timers: TimerHandle[] = [];
  let loadTimer: TimerHandle | undefined;
  if (!opts.created) createObjects(sim, scenario);

  const loadTick = (): void => {
    holdLoad(sim, scenario, (clock.now() - start) / 1000);
    if ((clock.now() - start) / 1000 < scenario.spec.duration) loadTimer = clock.setTimeout(loadTick, sim.workload.tickMs);
  };
  if (scenario.spec.load.length) loadTick();

  for (const e of jitteredEvents(scenario, opts.seed ?? scenario.spec.seed)) {
    timers.push(
      clock.setTimeout(() => {
        try {
          const f = sim.faults.inject(toFaultRequest(e));
          opts.logger?.info({ fault: f.fault, id: f.id, target: f.target }, 'scenario fault started');
        } catch (err) {
          opts.logger?.warn({ err, event: e }, 'scenario fault could not start');
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
