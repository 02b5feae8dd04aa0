/**
 * `sentinelops-mcp demo`: the newcomer's first command. Starts the simulator (namespace demo, nginx-demo with
 * 3 replicas), the SentinelOps server over HTTP (MCP at /mcp, REST and dashboard at /), and the agent, then plays
 * the seed's live demo as it happens: a pod crash healed, a CPU spike scaled up and, after the stabilization
 * window, back down — each step with the kubectl line to watch it. --speed N runs the whole world N× faster
 * (one clock for simulator, server and agent); --once exits after the script, otherwise it runs until Ctrl+C.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAgent } from '../app/start-agent.js';
import type { CycleReport } from '../agent/runner.js';
import { type Clock, RealClock, ScaledClock } from '../base/clock.js';
import { type ConfigError, deepMerge, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger } from '../base/log.js';
import { createHttpSurface } from '../app/http-surface.js';
import { createRuntime } from '../app/runtime.js';
import { startSimulator } from '../sim/cluster.js';
import { R } from '../sim/resources.js';

const USAGE = `Usage: sentinelops-mcp demo [flags]

  --speed <n>          run simulator, server and agent n× faster than real time (default 1)
  --once               exit after the demo script (default: keep running until Ctrl+C)
  --interval <s>       agent cycle interval in (sped-up) seconds (default 15)
  --port <n>           HTTP port for MCP, REST and dashboard (default 8000; 0 = any free port)
  --db <path>          SQLite file (default: a fresh temporary one)
  --verbose            print every agent cycle's summary to stderr
  --log-level <level>  structured logs on stderr (default warn)
`;

const DEPLOYMENT = { namespace: 'demo', name: 'nginx-demo' };

export async function run(argv: string[]): Promise<void> {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        speed: { type: 'string' },
        once: { type: 'boolean' },
        interval: { type: 'string' },
        port: { type: 'string' },
        db: { type: 'string' },
        verbose: { type: 'boolean' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (v.help) {
    process.stderr.write(USAGE);
    return;
  }
  const speed = Number(v.speed ?? 1);
  const interval = Number(v.interval ?? 15);
  const port = Number(v.port ?? 8000);
  if (!(speed > 0) || !(interval > 0) || !Number.isInteger(port) || port < 0) {
    process.stderr.write(`--speed and --interval must be positive numbers and --port a port number\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-demo-'));
  let config: Config;
  try {
    config = loadConfig({
      env: {},
      overrides: deepMerge(
        { cluster: { mode: 'sim' }, store: { path: v.db ?? join(dir, 'sentinelops.db') }, http: { port }, log: { level: v['log-level'] ?? 'warn' } },
        { agent: { intervalSeconds: interval, namespaces: [DEPLOYMENT.namespace], leaderElection: { leaseNamespace: 'default' } } },
      ),
    });
  } catch (err) {
    process.stderr.write(`sentinelops-mcp demo: ${(err as ConfigError).message}\n`);
    process.exitCode = 2;
    return;
  }
  const clock: Clock = speed === 1 ? new RealClock() : new ScaledClock(speed);
  const logger = createLogger({ level: config.log.level, name: 'sentinelops-demo' });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const sim = await startSimulator({ clock, demo: true, seed: 1 });
    stops.push(() => sim.stop());
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, sim.kubeconfigYaml());
    const runtime = createRuntime(config, { logger, clock, simKubeconfigYaml: sim.kubeconfigYaml() });
    stops.push(() => runtime.close());
    const surface = createHttpSurface(runtime.deps);
    stops.push(() => surface.close());
    const url = await surface.listen();

    const feed = new CycleFeed();
    const agent = await startAgent({
      config,
      logger,
      clock,
      deps: runtime.deps,
      kubeConfig: runtime.deps.cluster.kubeConfig,
      summary: v.verbose ? undefined : null,
      onCycle: (r) => feed.push(r),
    });
    runtime.deps.agent = agent.runner;
    stops.push(() => agent.stop());

    const kubectl = `kubectl --kubeconfig ${kubeconfigPath}`;
    say(`SentinelOps demo${speed !== 1 ? ` at ${speed}× speed` : ''}`);
    say(`  simulated cluster  ${sim.url}   (${kubectl} get nodes)`);
    say(`  MCP server         ${url}/mcp`);
    say(`  dashboard          ${url}/`);
    say(`  agent              a cycle every ${interval}s, and at once when a watch sees a failure`);
    say('');
    await sim.ready({ ...DEPLOYMENT, timeoutMs: 120_000 });
    // The agent's crash memory needs one look at the healthy pods before the first fault.
    agent.runner.trigger('demo: app ready');
    await waitFor(clock, 60_000, () => feed.cycles.find((c) => c.observation && c.observation.readyPods >= 3));
    say(`demo/nginx-demo is up (3/3 ready). Watch it in another terminal:`);
    say(`  ${kubectl} get pods -n demo --watch`);
    say('');

    await playCrash(sim, feed, clock, say);
    await playSpike(sim, feed, clock, config, say, kubectl);
    say('');
    say('Demo script done. Everything the agent did is in the audit log and the incidents:');
    say(`  curl -s ${url}/api/v1/incidents | jq     (or the dashboard: ${url}/)`);
    if (!v.once) {
      say(
        'Still running: inject your own faults (curl -X POST ' +
          `${sim.url}/sim/v1/faults -d '{"fault":"crashloop","deployment":"demo/nginx-demo"}'), Ctrl+C to stop.`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } catch (err) {
    process.stderr.write(`sentinelops-mcp demo: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    for (const stop of stops.splice(0).reverse()) await stop();
  }
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

const t = (clock: Clock, since: number) => `${Math.round((clock.now() - since) / 1000)}s`;

async function playCrash(sim: Sim, feed: CycleFeed, clock: Clock, say: Say): Promise<void> {
  say('1/2  Pod crash');
  const mark = feed.cycles.length;
  const start = clock.now();
  const fault = sim.faults.inject({ fault: 'crash-pod', deployment: 'demo/nginx-demo' });
  const pod = (fault.detail?.pods as string[] | undefined)?.[0] ?? fault.target;
  say(`     crashed ${pod}  (the seed's: curl -X POST localhost:8000/simulate/crash)`);
  const opened = await waitFor(clock, 120_000, () => feed.since(mark).find((c) => c.incidents?.opened.length)?.incidents?.opened[0]);
  const detector = feed.since(mark).find((c) => c.incidents?.opened.length);
  if (opened)
    say(
      `     detected in ${t(clock, start)} by cycle #${detector?.cycle} (${detector?.trigger}): ${opened.id} [${opened.severity}] ${opened.type} on ${opened.namespace}/${opened.target}`,
    );
  const resolved = await waitFor(clock, 300_000, () =>
    feed
      .since(mark)
      .flatMap((c) => c.incidents?.resolved ?? [])
      .find((i) => i.id === opened?.id),
  );
  if (resolved)
    say(
      `     healed: the kubelet restarted it, the agent verified ${DEPLOYMENT.namespace}/${DEPLOYMENT.name} healthy and resolved ${resolved.id} — MTTR ${Math.round(resolved.mttrSeconds)}s`,
    );
  else say('     (no resolution seen within 5 minutes)');
  say('');
}

async function playSpike(sim: Sim, feed: CycleFeed, clock: Clock, config: Config, say: Say, kubectl: string): Promise<void> {
  const spikeSeconds = 120;
  say(`2/2  CPU spike (+600m of demand for ${spikeSeconds}s)`);
  say(`     ${kubectl} get deployment nginx-demo -n demo --watch`);
  const mark = feed.cycles.length;
  const start = clock.now();
  sim.faults.inject({ fault: 'cpu-spike', deployment: 'demo/nginx-demo', millicores: 600, durationSeconds: spikeSeconds });
  const scaleUps = () =>
    feed
      .since(mark)
      .flatMap((c) => c.results)
      .filter((a) => a.ok && a.tool === 'scale_deployment' && Number(a.arguments.replicas) > (a.decision.scaling?.current ?? Infinity));
  const up = await waitFor(clock, 300_000, () => scaleUps()[0]);
  if (!up) {
    say('     (no scale-up seen within 5 minutes)');
    return;
  }
  const cpu = up.decision.scaling?.cpuUtilization;
  say(
    `     ${t(clock, start)}: CPU ${cpu?.toFixed(0)}% of request → scaled up ${up.decision.scaling?.current} → ${String(up.arguments.replicas)} (${up.decision.reason})`,
  );
  await clock.sleep(spikeSeconds * 1000 - (clock.now() - start));
  const more = scaleUps().slice(1);
  for (const a of more) say(`     then ${a.decision.scaling?.current} → ${String(a.arguments.replicas)}`);
  say(`     ${t(clock, start)}: the spike is over; scale-down waits for the ${config.agent.scaleDownStabilizationSeconds}s stabilization window`);
  const down = await waitFor(clock, (config.agent.scaleDownStabilizationSeconds + 300) * 1000, () =>
    feed
      .since(mark)
      .flatMap((c) => c.results)
      .find((a) => a.ok && a.tool === 'scale_deployment' && Number(a.arguments.replicas) < (a.decision.scaling?.current ?? 0)),
  );
  if (!down) {
    say('     (no scale-down seen)');
    return;
  }
  const d = sim.store.get(R.deployments, DEPLOYMENT.namespace, DEPLOYMENT.name);
  say(
    `     ${t(clock, start)}: CPU ${down.decision.scaling?.cpuUtilization?.toFixed(0)}% → scaled down ${down.decision.scaling?.current} → ${String(down.arguments.replicas)} (now ${d?.spec?.replicas} replicas)`,
  );
}
