/**
 * `sentinelops-mcp demo`: the newcomer's first command. Starts the simulator (namespace demo, nginx-demo with
 * 3 replicas), the SentinelOps server over HTTP (MCP at /mcp, REST and dashboard at /), and the agent, then plays
 * the seed's live demo as it happens: a pod crash healed, a CPU spike scaled up and, after the stabilization
 * window, back down — each step with the kubectl line to watch it. --speed N runs the whole world N× faster
 * (one clock for simulator, server and agent); --once exits after the script, otherwise it runs until Ctrl+C.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '../app/start-agent.js';
import type { CycleReport } from '../agent/runner.js';
import { type Clock, RealClock, ScaledClock } from '../base/clock.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger } from '../base/log.js';
import { createHttpSurface } from '../app/http-surface.js';
import { createRuntime } from '../app/runtime.js';
import { startSimulator } from '../sim/cluster.js';
import { R } from '../sim/resources.js';
import { type CommandSpec, parseCommand, usageText } from './cli-flags.js';
import { explainStartError } from './start-errors.js';

const SPIKE_SECONDS = 120;
/** A watch-triggered cycle starts no sooner than this after the previous one (AgentRunner's minTriggerGapMs default). */
const TRIGGER_GAP_SECONDS = 5;

export const DEMO: CommandSpec = {
  synopsis: 'sentinelops-mcp demo [flags]',
  about:
    "Simulator + MCP server + agent + dashboard, playing the seed's live demo: a pod crash healed, then a CPU spike\n" +
    'scaled up and, after the scale-down stabilization window, back down. About 8 minutes at --speed 1 (the 5-minute\n' +
    'stabilization window is most of it); --speed 10 plays it in under a minute. Chaos (dashboard buttons,\n' +
    '/api/v1/simulate/*) is on with SENTINELOPS_CHAOS_ENABLED=true or chaos.enabled in --config.',
  flags: [
    { name: 'speed', type: 'string', arg: '<n>', help: 'run simulator, server and agent n× faster than real time (default 1)' },
    { name: 'once', type: 'boolean', help: 'exit after the demo script (default: keep running until Ctrl+C)' },
    { name: 'verbose', type: 'boolean', help: "print every agent cycle's full summary to stderr" },
  ],
  config: ['agent.intervalSeconds', 'http.port', 'store.path', 'log.level'],
  configFile: true,
  defaults: { agent: { intervalSeconds: 15 }, store: { path: 'a fresh temporary file' }, log: { level: 'warn' } },
};

const DEPLOYMENT = { namespace: 'demo', name: 'nginx-demo' };

/** A curl line that POSTs `body` as JSON: the demo prints these for the user to inject faults themselves. */
export function curlPost(url: string, body: Record<string, unknown>): string {
  return `curl -X POST ${url} -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
}

export async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, DEMO);
  if (!parsed) return;
  const v = parsed.values;
  const speed = Number(v.speed ?? 1);
  if (!(speed > 0)) {
    process.stderr.write(`--speed: expected a positive number, got "${String(v.speed)}"\n\n${usageText(DEMO)}`);
    process.exitCode = 2;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-demo-'));
  try {
    await play(dir, speed, v, parsed.configFile, parsed.overrides);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function play(
  dir: string,
  speed: number,
  v: Record<string, string | boolean | undefined>,
  configFile: string | undefined,
  flagOverrides: Record<string, unknown>,
): Promise<void> {
  let config: Config;
  try {
    // The environment and --config apply (e.g. SENTINELOPS_CHAOS_ENABLED=true); the cluster is always the simulator.
    config = loadConfig({
      configFile,
      defaults: {
        store: { path: join(dir, 'sentinelops.db') },
        log: { level: 'warn' },
        // One agent runs here, so no Lease: under --speed N its timings shrink N-fold and would flap on a busy machine.
        agent: { intervalSeconds: 15, leaderElection: { enabled: false } },
      },
      overrides: { ...flagOverrides, cluster: { mode: 'sim' }, agent: { ...(flagOverrides.agent as object), namespaces: [DEPLOYMENT.namespace] } },
    });
  } catch (err) {
    process.stderr.write(`sentinelops-mcp demo: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const interval = config.agent.intervalSeconds;
  const clock: Clock = speed === 1 ? new RealClock() : new ScaledClock(speed);
  const logger = createLogger({ level: config.log.level, file: config.log.file, name: 'sentinelops-demo' });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const sim = await startSimulator({ clock, demo: true, seed: 1 });
    stops.push(() => sim.stop());
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, sim.kubeconfigYaml(), { mode: 0o600 });
    const runtime = createRuntime(config, { logger, clock, simKubeconfigYaml: sim.kubeconfigYaml() });
    stops.push(() => runtime.close());
    const surface = createHttpSurface(runtime.deps);
    stops.push(() => surface.close());
    const url = await surface.listen();

    const started = clock.now();
    const feed = new CycleFeed();
    const narrator = new Narrator(clock, started, say);
    const agent = await startAgent({
      config,
      logger,
      clock,
      deps: runtime.deps,
      kubeConfig: runtime.deps.cluster.kubeConfig,
      summary: v.verbose ? undefined : null,
      onCycle: (r) => {
        feed.push(r);
        narrator.cycle(r);
      },
    });
    runtime.deps.agent = agent.control;
    stops.push(() => agent.stop());

    const kubectl = `kubectl --kubeconfig ${kubeconfigPath}`;
    const length = scriptSeconds(config);
    say(
      `SentinelOps demo${speed !== 1 ? ` at ${speed}× speed` : ''}: about ${minutes(length)} of demo time${speed !== 1 ? ` (~${minutes(length / speed)} real)` : ''}`,
    );
    say(`  simulated cluster  ${sim.url}   (${kubectl} get nodes)`);
    say(`  MCP server         ${url}/mcp`);
    say(`  dashboard          ${url}/`);
    say(`  agent              a cycle every ${interval}s, and at once when a watch sees a failure`);
    say(
      config.chaos.enabled
        ? `  chaos              on: the dashboard's chaos buttons, or ${curlPost(`${url}/api/v1/simulate/crash`, { namespace: DEPLOYMENT.namespace, deployment: DEPLOYMENT.name })}`
        : '  chaos              off (SENTINELOPS_CHAOS_ENABLED=true, or chaos.enabled in --config, adds the dashboard buttons)',
    );
    say(
      config.agent.scaleDownBelowDesired
        ? '  replicas           agent.scaleDownBelowDesired is on: the agent may scale nginx-demo below the 3 replicas it was deployed with'
        : '  replicas           nginx-demo was deployed with 3 replicas: the agent scales up from them under load and back to them, never below\n' +
            '                     without consent (annotation sentinelops.dev/scale-down: "allow", or agent.scaleDownBelowDesired: true)',
    );
    say('  Every agent action and hold is printed below as it happens ([m:ss] is demo time).');
    say('');
    await sim.ready({ ...DEPLOYMENT, timeoutMs: 120_000 });
    // The agent's crash memory needs one look at the healthy pods before the first fault.
    const readyMark = feed.cycles.length;
    agent.runner.trigger('demo: app ready');
    await waitFor(clock, 60_000, () => feed.since(readyMark).find((c) => c.trigger === 'demo: app ready' && c.observation));
    const app = sim.store.get(R.deployments, DEPLOYMENT.namespace, DEPLOYMENT.name);
    say(`${narrator.stamp()} demo/nginx-demo is up (${app?.status?.readyReplicas ?? 0}/${app?.spec?.replicas ?? 0} ready). Watch it in another terminal:`);
    say(`       ${kubectl} get pods -n demo --watch`);
    say('');

    await playCrash(sim, feed, clock, say, narrator);
    await playSpike(sim, feed, clock, config, say, narrator);
    say('');
    say(`${narrator.stamp()} Demo script done. Everything the agent did is in the audit log and the incidents:`);
    say(`       curl -s ${url}/api/v1/incidents | jq     (or the dashboard: ${url}/)`);
    if (!v.once) {
      say('Still running (Ctrl+C to stop). Inject your own faults, e.g. a crash loop:');
      say(`       ${curlPost(`${sim.url}/sim/v1/faults`, { fault: 'crashloop', deployment: 'demo/nginx-demo', durationSeconds: 60 })}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } catch (err) {
    process.stderr.write(`sentinelops-mcp demo: ${explainStartError(err)}\n`);
    process.exitCode = 1;
  } finally {
    for (const stop of stops.splice(0).reverse()) await stop();
  }
}

/** Demo time the script takes: app start and crash (~30 s), the spike, the stabilization window and a cycle or two. */
export function scriptSeconds(config: Config): number {
  return 30 + SPIKE_SECONDS + config.agent.scaleDownStabilizationSeconds + 2 * config.agent.intervalSeconds;
}

/** "Nothing to do" outcomes: the numbers agree with the current state, so nothing is held back. */
const NOT_A_HOLD: ReadonlySet<string> = new Set(['WithinThresholds', 'WithinTolerance', 'Calculated']);

const minutes = (seconds: number) => (seconds < 90 ? `${Math.max(1, Math.round(seconds))} s` : `${Math.round(seconds / 60)} min`);

/**
 * Prints what the agent does as it happens: every action (with its result), every hold (when it starts or
 * its reason changes, not again each cycle), and incidents opening and resolving.
 */
export class Narrator {
  /** The hold last printed per target: a hold is told when it starts or its reason changes, not every cycle. */
  private readonly holds = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    private readonly started: number,
    private readonly say: Say,
  ) {}

  stamp(at = this.clock.now()): string {
    const s = Math.max(0, Math.round((at - this.started) / 1000));
    return `[${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}]`;
  }

  cycle(r: CycleReport): void {
    const at = this.stamp();
    if (r.error) this.say(`${at} agent cycle #${r.cycle} failed: ${r.error}`);
    for (const i of r.incidents?.opened ?? [])
      this.say(`${at} incident ${i.id} opened [${i.severity}] ${i.type} on ${i.namespace}/${i.target} (cycle #${r.cycle}, ${r.trigger})`);
    for (const a of r.results) {
      const outcome = a.ok ? (a.dryRun ? 'dry run' : 'done') : `refused: ${a.message}`;
      this.say(`${at} agent ${a.tool} ${describeArgs(a.arguments, a.decision.scaling?.current)}: ${a.decision.message} -> ${outcome}`);
    }
    if (r.skipped) return;
    for (const d of r.decisions) {
      const key = `${d.namespace ?? ''}/${d.target}`;
      if (d.action !== 'none' && d.action !== 'escalate') {
        this.holds.delete(key);
        continue;
      }
      if (NOT_A_HOLD.has(d.reason)) {
        this.holds.delete(key);
        continue;
      }
      if (this.holds.get(key) === d.reason) continue;
      this.holds.set(key, d.reason);
      this.say(`${at} agent ${d.action === 'escalate' ? 'escalates' : 'holds'} ${key} (${d.reason}): ${d.message}`);
    }
    for (const i of r.incidents?.escalated ?? []) this.say(`${at} incident ${i.id} escalated: ${i.type} on ${i.namespace}/${i.target}`);
    for (const i of r.incidents?.resolved ?? [])
      this.say(`${at} incident ${i.id} resolved: ${i.type} on ${i.namespace}/${i.target}, MTTR ${Math.round(i.mttrSeconds)}s`);
  }
}

function describeArgs(args: Record<string, unknown>, current: number | undefined): string {
  const target = `${String(args.namespace)}/${String(args.deployment ?? args.pod)}`;
  if (args.replicas !== undefined) return `${target} ${current !== undefined ? `${current} -> ` : 'to '}${String(args.replicas)}`;
  return target;
}

type Say = (line: string) => void;
type Sim = Awaited<ReturnType<typeof startSimulator>>;

/** The agent's cycles as they happen, for the script to wait on. */
class CycleFeed {
  readonly cycles: CycleReport[] = [];
  push(r: CycleReport): void {
    this.cycles.push(r);
  }
  since(i: number): CycleReport[] {
    return this.cycles.slice(i);
  }
}

/** Polls `find` until it answers, for at most `clockMs` of the demo clock. */
async function waitFor<T>(clock: Clock, clockMs: number, find: () => T | undefined): Promise<T | undefined> {
  const deadline = clock.now() + clockMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (clock.now() > deadline) return undefined;
    await clock.sleep(250);
  }
}

const t = (clock: Clock, since: number) => `${((clock.now() - since) / 1000).toFixed(1)}s`;

async function playCrash(sim: Sim, feed: CycleFeed, clock: Clock, say: Say, narrator: Narrator): Promise<void> {
  // A watch-triggered cycle waits TRIGGER_GAP_SECONDS after the previous cycle; the crash comes after that gap, so
  // the detection time printed is the watch's, as in BENCHMARKS.md, not the anti-storm wait.
  const last = feed.cycles.at(-1)?.startedAt ?? clock.now();
  await clock.sleep(Math.max(0, last + TRIGGER_GAP_SECONDS * 1000 + 500 - clock.now()));
  say(`${narrator.stamp()} 1/2  Pod crash`);
  const mark = feed.cycles.length;
  const start = clock.now();
  const crash = { fault: 'crash-pod', deployment: 'demo/nginx-demo' };
  const fault = sim.faults.inject(crash);
  const pod = (fault.detail?.pods as string[] | undefined)?.[0] ?? fault.target;
  say(`       crashed ${pod}; do it yourself any time with:`);
  say(`       ${curlPost(`${sim.url}/sim/v1/faults`, crash)}`);
  const detector = await waitFor(clock, 120_000, () => feed.since(mark).find((c) => c.incidents?.opened.length));
  const opened = detector?.incidents?.opened[0];
  if (opened) say(`       detected ${t(clock, start)} after the crash (cycle #${detector?.cycle}, trigger: ${detector?.trigger})`);
  const resolved = await waitFor(clock, 300_000, () =>
    feed
      .since(mark)
      .flatMap((c) => c.incidents?.resolved ?? [])
      .find((i) => i.id === opened?.id),
  );
  if (resolved)
    say(
      `       healed: the kubelet restarted it, the agent verified ${DEPLOYMENT.namespace}/${DEPLOYMENT.name} healthy and resolved ${resolved.id}, MTTR ${Math.round(resolved.mttrSeconds)}s`,
    );
  else say('       (no resolution seen within 5 minutes)');
  say('');
}

async function playSpike(sim: Sim, feed: CycleFeed, clock: Clock, config: Config, say: Say, narrator: Narrator): Promise<void> {
  say(
    `${narrator.stamp()} 2/2  CPU spike: +600m of demand for ${SPIKE_SECONDS}s; the scale-down then waits ${config.agent.scaleDownStabilizationSeconds}s of stabilization`,
  );
  const mark = feed.cycles.length;
  const start = clock.now();
  const before = sim.store.get(R.deployments, DEPLOYMENT.namespace, DEPLOYMENT.name)?.spec?.replicas ?? 0;
  sim.faults.inject({ fault: 'cpu-spike', deployment: 'demo/nginx-demo', millicores: 600, durationSeconds: SPIKE_SECONDS });
  const scaleUps = () =>
    feed
      .since(mark)
      .flatMap((c) => c.results)
      .filter((a) => a.ok && a.tool === 'scale_deployment' && Number(a.arguments.replicas) > (a.decision.scaling?.current ?? Infinity));
  const up = await waitFor(clock, 300_000, () => scaleUps()[0]);
  if (!up) {
    say('       (no scale-up seen within 5 minutes)');
    return;
  }
  await clock.sleep(SPIKE_SECONDS * 1000 - (clock.now() - start));
  say(
    `${narrator.stamp()} the spike is over; the agent holds the replicas for the ${config.agent.scaleDownStabilizationSeconds}s stabilization window before scaling down`,
  );
  // Back to the replicas it had before the spike (the narration shows any step on the way).
  const down = await waitFor(clock, (config.agent.scaleDownStabilizationSeconds + 300) * 1000, () =>
    feed
      .since(mark)
      .flatMap((c) => c.results)
      .find((a) => a.ok && a.tool === 'scale_deployment' && Number(a.arguments.replicas) <= before),
  );
  if (!down) {
    say('       (no scale-down seen)');
    return;
  }
  const d = sim.store.get(R.deployments, DEPLOYMENT.namespace, DEPLOYMENT.name);
  say(`${narrator.stamp()} scaled back down to ${d?.spec?.replicas} replicas`);
}
