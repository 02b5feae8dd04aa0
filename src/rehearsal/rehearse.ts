/**
 * Rehearsal: a scenario played on the embedded simulator under a VirtualClock, with the real agent loop —
 * the agent is an MCP client of a real SentinelOps server (in-memory transport), the server reaches the simulator
 * over HTTP through client-node, incidents and audit go to a real SQLite store. Virtual time advances in sample
 * steps (1 s, the workload's tick in rehearsals); every intervalSeconds the agent runs one cycle with the clock held
 * still, so the same file and seed give the same report (only wallSeconds differs).
 *
 * Before time 0 the world settles (settleScenario): pods ready, metrics warm, queues empty. The referee
 * (referee.ts) scores every 1 s sample against the scenario's SLOs and an oracle bound.
 *
 * Cycles run every intervalSeconds and, for the sentinelops policy (the only one with watches, like the real
 * runner), also at the first sample step after the simulator's store shows a failure — judged by the same
 * FailureJudge as the runner's client-node watch, read in-process so the moment of a triggered cycle depends on
 * virtual time only (the real runner reacts within about a second; here within one sample step). As in the
 * runner, the interval restarts after a triggered cycle. Between cycles the sentinelops runner's overload check
 * (src/policy/scaling-check.ts: one get_metrics read every 15 s) may start one too, as its timer does. Wall-clock detection latency is measured separately
 * (bench/detection.ts).
 */
import { performance } from 'node:perf_hooks';
import { VirtualClock } from '../base/clock.js';
import { deepMerge, parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { type Logger, silentLogger } from '../base/log.js';
import { createRuntime } from '../app/runtime.js';
import { seededRandom } from '../base/random.js';
import { startSimulator, type Simulator } from '../sim/cluster.js';
import { cpuMillicores } from '../base/quantity.js';
import { R } from '../sim/resources.js';
import { playScenario, settleScenario } from './scenario-player.js';
import { SERVICE_MS_ANNOTATION } from '../sim/workload.js';
import type { PolicyName } from '../policy/settings.js';
import { HPA_SYNC_SECONDS } from '../policy/upstream-hpa.js';
import { type ActionRecordIn, type IncidentRecord, type RehearsalReport, type Sample, buildReport } from './report.js';
import { AgentRunner, type CycleReport, runnerOptionsFromConfig } from '../agent/runner.js';
import { type Scenario, deploymentKeys, sloOf } from './scenario.js';
import { connectInProcess } from '../app/agent-link.js';
import { FailureJudge, deploymentFailure, nodeFailure } from '../agent/watch-trigger.js';

export interface RehearseOptions {
  policy?: PolicyName;
  /** The configuration in use; the scenario's `agent` section is merged over it. Default: all defaults. */
  config?: Config;
  logger?: Logger;
  /** Readable cycle summaries (default none). */
  summary?: ((text: string) => void) | null;
  /** Seed of the simulator and of the event jitter (default the scenario's). */
  seed?: number;
  /** Virtual seconds between samples of the cluster (default 1, the workload's tick in rehearsals). */
  sampleSeconds?: number;
  /** SQLite file for incidents and audit (default :memory:). */
  storePath?: string;
  onCycle?: (r: CycleReport) => void;
  /** Event-triggered cycles from watching the simulator (default: on for the sentinelops policy only). */
  watchTriggers?: boolean;
}

export interface RehearsalRun {
  report: RehearsalReport;
  /** What the referee saw every sample step (epoch ms of the virtual clock). */
  samples: Sample[];
  startedAt: number;
  cycles: number;
}

/** Namespaces the scenario's objects live in: the agent watches all of them (protected ones too: incidents, no actions). */
export function scenarioNamespaces(s: Scenario): string[] {
  const ns = new Set<string>();
  for (const o of s.spec.objects) {
    if (o.kind === 'Namespace') ns.add(o.metadata.name);
    else if (o.kind === 'Deployment') ns.add(o.metadata.namespace ?? 'default');
  }
  return [...ns].sort();
}

function rehearsalConfig(s: Scenario, opts: RehearseOptions): Config {
  const base = (opts.config ?? parseConfig({})) as unknown as Record<string, unknown>;
  // A rehearsal compares autoscalers: each is given the consent an HPA has by being installed (a scenario may take it
  // back with agent.scaleDownBelowDesired: false).
  const agent = { namespaces: scenarioNamespaces(s), scaleDownBelowDesired: true, ...s.spec.agent };
  return parseConfig(
    deepMerge(base, {
      // No watch-fed cache: its events arrive on the real event loop, not the virtual clock, so a cached read would
      // make the same scenario and seed give different reports.
      cluster: { mode: 'sim', cache: false },
      store: { path: opts.storePath ?? ':memory:' },
      agent,
      // An HPA has no cooldown of its own (its stabilization window and rate limits are in upstream-hpa.ts).
      ...(opts.policy === 'hpa' ? { safety: { cooldownSeconds: 0 } } : {}),
    }),
  );
}

/** How often the policy's loop runs: the HPA syncs every 15 s (upstream's default), the others at the configured interval. */
export function cadenceSeconds(policy: PolicyName, config: Config): number {
  return policy === 'hpa' ? HPA_SYNC_SECONDS : config.agent.intervalSeconds;
}

export async function rehearse(scenario: Scenario, opts: RehearseOptions = {}): Promise<RehearsalRun> {
  const wall0 = performance.now();
  const policyName = opts.policy ?? 'sentinelops';
  const logger = opts.logger ?? silentLogger();
  const clock = new VirtualClock();
  const { cluster } = scenario.spec;
  const seed = opts.seed ?? scenario.spec.seed;
  const sim = await startSimulator({
    clock,
    seed,
    nodes: cluster.nodes,
    nodeCpu: String(cluster.nodeCpu),
    nodeMemory: String(cluster.nodeMemory),
    logger,
    workload: { tickSeconds: 1 },
  });
  const config = rehearsalConfig(scenario, opts);
  const runtime = createRuntime(config, { logger, clock, simKubeconfigYaml: sim.kubeconfigYaml() });
  const settled = await settleScenario(sim, scenario);
  const player = playScenario(sim, scenario, { logger, seed, created: true });
  const actions: ActionRecordIn[] = [];
  let cycles = 0;
  let runner: AgentRunner | undefined;
  let client: Awaited<ReturnType<typeof connectInProcess>> | undefined;
  let watching: ReturnType<typeof watchFailures> | undefined;
  try {
    if (policyName !== 'none') {
      client = await connectInProcess({ ...runtime.deps, random: seededRandom(seed) });
      runner = new AgentRunner({
        client,
        clock,
        logger,
        ...runnerOptionsFromConfig(config, policyName),
        summary: opts.summary ?? null,
        onCycle: (r) => {
          cycles++;
          for (const a of r.results) actions.push({ at: a.at, tool: a.tool, arguments: a.arguments, ok: a.ok });
          opts.onCycle?.(r);
        },
      });
    }
    const start = clock.now();
    const end = start + scenario.spec.duration * 1000;
    const sampleMs = (opts.sampleSeconds ?? 1) * 1000;
    const intervalMs = cadenceSeconds(policyName, config) * 1000;
    const keys = deploymentKeys(scenario);
    const samples: Sample[] = [];
    const sampleCluster = clusterSampler(sim, keys);
    watching = runner && (opts.watchTriggers ?? policyName === 'sentinelops') ? watchFailures(sim, scenarioNamespaces(scenario)) : undefined;
    let nextCycle = start;
    // The runner's overload check between cycles (policy.scaling.overloadCheckSeconds; off for the baselines).
    const checkMs = runner ? runnerOptionsFromConfig(config, policyName).policy.scaling.overloadCheckSeconds * 1000 : 0;
    let nextCheck = checkMs > 0 ? start + checkMs : Infinity;
    for (let t = start; ; ) {
      const failure = watching?.take();
      const overload = runner && checkMs > 0 && t >= nextCheck && t < nextCycle && !failure && t < end ? await runner.overloadCheck() : undefined;
      if (checkMs > 0 && t >= nextCheck) nextCheck = t + checkMs;
      if (runner && (t >= nextCycle || failure || overload) && t < end) {
        await runner.runCycle({ trigger: t >= nextCycle ? 'interval' : failure ? `watch: ${failure}` : `overload: ${overload}` });
        nextCycle = t + intervalMs;
        if (checkMs > 0) nextCheck = t + checkMs;
        // Failures that appear during the cycle are its own actions' effects at the same virtual instant: the next
        // interval cycle looks at them, as the runner's debounce would fold them into the cycle that caused them.
        watching?.take();
      }
      samples.push(sampleCluster(t));
      if (t >= end) break;
      t = Math.min(t + sampleMs, nextCycle > t ? nextCycle : Infinity, nextCheck > t ? nextCheck : Infinity, end);
      clock.advanceTo(t);
      // Let what the timers started (store watchers, HTTP responses) settle before the next look.
      await new Promise((r) => setImmediate(r));
    }
    const report = buildReport({
      scenario: scenario.metadata.name,
      policy: policyName,
      startedAt: start,
      endedAt: end,
      wallSeconds: (performance.now() - wall0) / 1000,
      samples,
      incidents: await storedIncidents(runtime.deps.store),
      actions,
      referee: {
        seed,
        loadOnly: scenario.spec.events.length === 0,
        slo: Object.fromEntries(keys.map((k) => [k, sloOf(scenario, k)])),
        oracle: Object.fromEntries(
          keys.map((k) => [
            k,
            {
              targetUtilization: config.agent.targetUtilization / 100,
              startupSeconds: settled.startupSeconds[k] ?? 0,
              serviceMs: serviceMsOf(sim, k),
              minReplicas: Math.max(1, config.safety.minReplicas),
              maxReplicas: config.safety.maxReplicas,
            },
          ]),
        ),
      },
    });
    return { report, samples, startedAt: start, cycles };
  } finally {
    player.stop();
    watching?.stop();
    await runner?.stop();
    await client?.close();
    runtime.close();
    await sim.stop();
  }
}

/** The first failure the store showed since the last take(); cleared by take(). */
function watchFailures(sim: Simulator, namespaces: readonly string[]): { take(): string | undefined; stop(): void } {
  const judge = new FailureJudge();
  let first: string | undefined;
  const note = (why: string | undefined) => {
    if (why) first ??= why;
  };
  const stops = [sim.store.watch(R.nodes, {}, (ev) => note(ev.type === 'DELETED' ? undefined : nodeFailure(ev.object)))];
  for (const namespace of namespaces) {
    stops.push(sim.store.watch(R.pods, { namespace }, (ev) => note(judge.pod(ev.type, ev.object))));
    stops.push(sim.store.watch(R.deployments, { namespace }, (ev) => note(ev.type === 'DELETED' ? undefined : deploymentFailure(ev.object))));
  }
  return {
    take() {
      const why = first;
      first = undefined;
      return why;
    },
    stop() {
      for (const s of stops) s();
    },
  };
}

async function storedIncidents(store: ReturnType<typeof createRuntime>['deps']['store']): Promise<IncidentRecord[]> {
  return (await store.state.incidents.list({})).reverse().map((i) => ({
    id: i.id,
    type: i.type,
    severity: i.severity,
    namespace: i.namespace,
    target: i.target,
    detectedAt: Date.parse(i.detectedAt),
    ...(i.resolvedAt ? { resolvedAt: Date.parse(i.resolvedAt) } : {}),
    outcome: i.outcome,
    actions: i.actions.map((a) => ({ at: a.at, tool: a.tool, ok: a.ok, reason: a.reason })),
  }));
}

/**
 * The referee's view, read from the simulator's store and workload directly (never through the agent's eyes). A
 * sample lists a pod's restart count only when it is new or changed since the previous sample: the report takes the
 * highest count per pod, which these give, and a 24 h rehearsal keeps 86,400 samples.
 */
function clusterSampler(sim: Simulator, keys: readonly string[]): (at: number) => Sample {
  const lastRestarts = new Map<string, number>();
  return (at) => {
    const deployments: Sample['deployments'] = {};
    // Pod -> deployment through its ReplicaSet, resolved once per sample.
    const rsOwner = new Map<string, string>();
    for (const rs of sim.store.all(R.replicasets)) {
      const ref = rs.metadata.ownerReferences?.find((r) => r.controller);
      if (ref?.kind === 'Deployment') rsOwner.set(`${rs.metadata.namespace}/${rs.metadata.name}`, `${rs.metadata.namespace}/${ref.name}`);
    }
    const restarts = new Map<string, Record<string, number>>();
    for (const p of sim.store.all(R.pods)) {
      const ref = p.metadata.ownerReferences?.find((r) => r.controller);
      const key = ref?.kind === 'ReplicaSet' ? rsOwner.get(`${p.metadata.namespace}/${ref.name}`) : undefined;
      if (!key) continue;
      const n = ((p.status?.containerStatuses ?? []) as { restartCount?: number }[]).reduce((s, c) => s + (c.restartCount ?? 0), 0);
      const id = `${key}/${p.metadata.name}`;
      if (lastRestarts.get(id) === n) continue;
      lastRestarts.set(id, n);
      const m = restarts.get(key) ?? {};
      restarts.set(key, m);
      m[p.metadata.name] = n;
    }
    for (const key of keys) {
      const [ns, name] = key.split('/') as [string, string];
      const d = sim.store.get(R.deployments, ns, name);
      if (!d) continue;
      const containers = (d.spec?.template?.spec?.containers ?? []) as {
        image?: string;
        resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
      }[];
      const capacity = containers.reduce((n, c) => n + cpuMillicores(c.resources?.limits?.cpu ?? c.resources?.requests?.cpu), 0);
      const request = containers.reduce((n, c) => n + cpuMillicores(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu), 0);
      const unlimited = containers.some((c) => c.resources?.limits?.cpu === undefined);
      const svc = sim.workload.service(key);
      const podRestarts = restarts.get(key);
      deployments[key] = {
        replicas: Number(d.spec?.replicas ?? 1),
        readyReplicas: Number(d.status?.readyReplicas ?? 0),
        demandMillicores: sim.workload.demand(key),
        podCapacityMillicores: capacity,
        image: containers[0]?.image ?? '',
        ...(podRestarts ? { podRestarts } : {}),
        podRequestMillicores: request,
        ...(unlimited ? {} : { podLimitMillicores: capacity }),
        ...(svc
          ? { p95LatencyMs: svc.p95LatencyMs, queueWaitSeconds: svc.queueWaitSeconds, backlog: svc.backlog, arrived: svc.arrived, dropped: svc.dropped }
          : {}),
      };
    }
    return { at, deployments };
  };
}

function serviceMsOf(sim: Simulator, key: string): number {
  const [ns, name] = key.split('/') as [string, string];
  const v = Number(sim.store.get(R.deployments, ns, name)?.metadata.annotations?.[SERVICE_MS_ANNOTATION]);
  return Number.isFinite(v) && v > 0 ? v : 100;
}
