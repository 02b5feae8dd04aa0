/**
 * `sentinelops-mcp sim`: the simulated cluster for kubectl and the MCP server. Starts it with the demo
 * (or a scenario's objects and script), writes a kubeconfig, prints how to use it, and stops cleanly on
 * Ctrl+C / SIGTERM. Output goes to stderr; stdout stays unused.
 */
import { resolve } from 'node:path';
import { loadScenarioFile } from '../rehearsal/scenario.js';
import { createLogger } from '../base/log.js';
import { startSimClusters } from '../sim/many.js';
import { MAX_SIM_CLUSTERS } from '../sim/multi-kubeconfig.js';
import { playScenario } from '../rehearsal/scenario-player.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { type CommandSpec, parseCommand, usageText } from './cli-flags.js';

import { SIM_KUBECONFIG, writeSimKubeconfig } from './sim-kubeconfig.js';

export const SIM: CommandSpec = {
  synopsis: 'sentinelops-mcp sim [flags]',
  about: 'Starts an embedded simulated Kubernetes cluster (namespace demo, deployment nginx-demo) and writes a kubeconfig for kubectl.',
  flags: [
    { name: 'port', type: 'string', arg: '<n>', help: 'API port (default 0: a free port)' },
    { name: 'host', type: 'string', arg: '<addr>', help: 'address to bind (default 127.0.0.1)' },
    { name: 'kubeconfig', type: 'string', arg: '<path>', help: `where to write the kubeconfig (default ${SIM_KUBECONFIG})` },
    { name: 'nodes', type: 'string', arg: '<n>', help: 'number of nodes (default 3)' },
    { name: 'seed', type: 'string', arg: '<s>', help: 'random seed (default 1)' },
    { name: 'scenario', type: 'string', arg: '<file>', help: 'play a rehearsal scenario (docs/scenarios.md) in real time instead of the demo' },
    {
      name: 'clusters',
      type: 'string',
      arg: '<n>',
      help: 'start n simulated clusters, contexts sim-1..sim-n in one kubeconfig (default 1; a scenario plays on sim-1)',
    },
  ],
  config: ['log.level'],
  defaults: { log: { level: 'warn' } },
};

function intFlag(name: string, v: string | boolean | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new FlagError(`--${name} must be an integer >= ${min}, got "${String(v)}"`);
  return n;
}

class FlagError extends Error {}

export async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, SIM);
  if (!parsed) return;
  const values = parsed.values as Record<string, string | undefined>;
  let port: number | undefined;
  let nodes: number | undefined;
  let seed: number | undefined;
  let clusters: number | undefined;
  let config: Config;
  try {
    port = intFlag('port', values.port, 0);
    if (port !== undefined && port > 65535) throw new FlagError(`--port must be at most 65535, got "${values.port}"`);
    nodes = intFlag('nodes', values.nodes, 1);
    seed = intFlag('seed', values.seed, 0);
    clusters = intFlag('clusters', values.clusters, 1);
    if (clusters !== undefined && clusters > MAX_SIM_CLUSTERS) throw new FlagError(`--clusters must be at most ${MAX_SIM_CLUSTERS}, got "${values.clusters}"`);
    config = loadConfig({ defaults: SIM.defaults, overrides: parsed.overrides });
  } catch (err) {
    process.stderr.write(`sentinelops-mcp sim: ${(err as Error).message}\n${err instanceof FlagError ? `\n${usageText(SIM)}` : ''}`);
    process.exitCode = 2;
    return;
  }
  const scenario = values.scenario ? await loadScenarioFile(values.scenario) : undefined;
  const logger = createLogger({ name: 'sim', level: config.log.level });
  const kubeconfigPath = resolve(values.kubeconfig ?? SIM_KUBECONFIG);

  const many = await startSimClusters(clusters ?? 1, {
    host: values.host,
    port,
    nodes: nodes ?? scenario?.spec.cluster.nodes,
    nodeCpu: scenario?.spec.cluster.nodeCpu !== undefined ? String(scenario.spec.cluster.nodeCpu) : undefined,
    nodeMemory: scenario?.spec.cluster.nodeMemory !== undefined ? String(scenario.spec.cluster.nodeMemory) : undefined,
    seed: seed ?? scenario?.spec.seed,
    demo: !scenario,
    logger,
  });
  const sim = many.sims[0]!;
  const player = scenario ? playScenario(sim, scenario, { logger }) : undefined;

  // One simulator keeps the single-context kubeconfig it always wrote; several get contexts sim-1..sim-N.
  await writeSimKubeconfig(kubeconfigPath, many.sims.length === 1 ? sim.kubeconfigYaml() : many.kubeconfigYaml());
  const ns = scenario ? (scenario.spec.objects.find((o) => o.metadata.namespace)?.metadata.namespace ?? 'default') : 'demo';
  process.stderr.write(
    [
      ...many.sims.map(
        (s, i) =>
          `SentinelOps simulated cluster${many.sims.length > 1 ? ` ${many.names[i]}` : ''}: ${s.url}${scenario && i === 0 ? ` (scenario ${scenario.metadata.name})` : ''}`,
      ),
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
      many.stop().then(
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
