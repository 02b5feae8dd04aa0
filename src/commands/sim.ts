/**
 * `sentinelops-mcp sim`: the simulated cluster for kubectl and the MCP server. Starts it with the demo
 * (or a scenario's objects and script), writes a kubeconfig, prints how to use it, and stops cleanly on
 * Ctrl+C / SIGTERM. Output goes to stderr; stdout stays unused.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadScenarioFile } from '../rehearsal/scenario.js';
import { createLogger } from '../base/log.js';
import { startSimulator } from '../sim/cluster.js';
import { playScenario } from '../rehearsal/scenario-player.js';

const HELP = `Usage: sentinelops-mcp sim [flags]

Starts an embedded simulated Kubernetes cluster (namespace demo, deployment nginx-demo) and writes a kubeconfig.

Flags:
  --port N           API port (default 0: a free port)
  --host H           address to bind (default 127.0.0.1)
  --kubeconfig PATH  where to write the kubeconfig (default ~/.sentinelops/sim-kubeconfig.yaml)
  --nodes N          number of nodes (default 3)
  --seed S           random seed (default 1)
  --scenario FILE    play a rehearsal scenario (docs/scenarios.md) in real time instead of the demo
  -h, --help         this help
`;

function intFlag(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      kubeconfig: { type: 'string' },
      nodes: { type: 'string' },
      seed: { type: 'string' },
      scenario: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stderr.write(HELP);
    return;
  }
  const port = intFlag('port', values.port, 0);
  if (port !== undefined && port > 65535) throw new Error(`--port must be at most 65535, got "${values.port}"`);
  const scenario = values.scenario ? await loadScenarioFile(values.scenario) : undefined;
  const logger = createLogger({ name: 'sim', level: process.env.LOG_LEVEL ?? 'warn' });
  const kubeconfigPath = resolve(values.kubeconfig ?? join(homedir(), '.sentinelops', 'sim-kubeconfig.yaml'));

  const sim = await startSimulator({
    host: values.host,
    port,
    nodes: intFlag('nodes', values.nodes, 1) ?? scenario?.spec.cluster.nodes,
    nodeCpu: scenario?.spec.cluster.nodeCpu !== undefined ? String(scenario.spec.cluster.nodeCpu) : undefined,
    nodeMemory: scenario?.spec.cluster.nodeMemory !== undefined ? String(scenario.spec.cluster.nodeMemory) : undefined,
    seed: intFlag('seed', values.seed, 0) ?? scenario?.spec.seed,
    demo: !scenario,
    logger,
  });
  const player = scenario ? playScenario(sim, scenario, logger) : undefined;

  await mkdir(dirname(kubeconfigPath), { recursive: true });
  await writeFile(kubeconfigPath, sim.kubeconfigYaml(), { mode: 0o600 });
  await chmod(kubeconfigPath, 0o600);
  const ns = scenario ? (scenario.spec.objects.find((o) => o.metadata.namespace)?.metadata.namespace ?? 'default') : 'demo';
  process.stderr.write(
    [
      `SentinelOps simulated cluster: ${sim.url}${scenario ? ` (scenario ${scenario.metadata.name})` : ''}`,
      `kubeconfig: ${kubeconfigPath}`,
      `try: kubectl --kubeconfig ${kubeconfigPath} get pods -n ${ns}`,
      'Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  await new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write(`\n${signal}: stopping the simulated cluster\n`);
      player?.stop();
      sim.stop().then(
        () => {
          process.stderr.write('stopped\n');
          done();
        },
        (err: unknown) => {
          process.stderr.write(`error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
          done();
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
