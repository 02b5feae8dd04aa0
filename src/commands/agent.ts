/**
 * `sentinelops-mcp agent [flags]`: the headless autonomous agent. In-process by default (its own SentinelOps
 * server over the in-memory transport, on the configured cluster and store), or against a remote server with
 * --server <url> and a bearer token. Leader election and watch-triggered cycles use the configured cluster.
 */
import type { PolicyName } from '../policy/settings.js';
import { startAgent } from '../app/start-agent.js';
import { ConfigError, loadConfig, setPath } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { loadKubeConfig } from '../k8s/kubeconfig.js';
import { createLogger } from '../base/log.js';
import { resolveToken } from '../http/security.js';
import { createRuntime } from '../app/runtime.js';
import { parseFlagsOrUsage } from './parse-flags.js';
import { CONFIG_FLAG_OPTIONS, flagsToOverrides } from './serve.js';

const USAGE = `Usage: sentinelops-mcp agent [flags]

  --server <url>           act through a remote SentinelOps server (Streamable HTTP, …/mcp) instead of in-process
  --token-file <path>      bearer token for --server (or SENTINELOPS_TOKEN)
  --interval <seconds>     seconds between cycles (default 60; DECISION_LOOP_INTERVAL)
  --dry-run                recommend only: "would have done" records, no changes (agent.dryRun)
  --policy <name>          sentinelops (default), threshold (the seed's rules), hpa, none
  --namespaces a,b         namespaces to watch (default: the default namespace)
  --once                   run one cycle and exit (exit code 1 when it failed)
  --no-leader-election     do not take the Lease (only when a single agent runs)
  --no-watch               poll only; no watch-triggered cycles
  --identity <name>        leader-election identity (default hostname-pid)
  --quiet                  no readable cycle summary on stderr (structured logs only)
  --config <file>          YAML or JSON config file (or SENTINELOPS_CONFIG)
  --cluster <mode>         kubeconfig (default), in-cluster, or sim (embedded simulator with the demo app)
  --kubeconfig <file>      kubeconfig path
  --context <name>         kubeconfig context
  --namespace <ns>         default namespace (K8S_NAMESPACE)
  --db <path>              SQLite file for incidents and audit
  --log-level <level>      fatal, error, warn, info, debug, trace, silent
  --log-file <path>        write logs to a file instead of stderr
`;

const OPTIONS = {
  server: { type: 'string' },
  'token-file': { type: 'string' },
  interval: { type: 'string' },
  'dry-run': { type: 'boolean' },
  policy: { type: 'string' },
  namespaces: { type: 'string' },
  once: { type: 'boolean' },
  'no-leader-election': { type: 'boolean' },
  'no-watch': { type: 'boolean' },
  identity: { type: 'string' },
  quiet: { type: 'boolean' },
  ...CONFIG_FLAG_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

const POLICIES: readonly PolicyName[] = ['sentinelops', 'threshold', 'hpa', 'none'];

export function agentOverrides(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const { 'dry-run': _dryRun, ...common } = values;
  const out = flagsToOverrides(common);
  if (values.interval !== undefined) {
    const n = Number(values.interval);
    if (!(n > 0)) throw new ConfigError(`--interval: expected a positive number of seconds, got "${values.interval}"`);
    setPath(out, 'agent.intervalSeconds', n);
  }
  if (values['dry-run']) setPath(out, 'agent.dryRun', true);
  if (typeof values.namespaces === 'string')
    setPath(
      out,
      'agent.namespaces',
      values.namespaces
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  if (values['no-leader-election']) setPath(out, 'agent.leaderElection.enabled', false);
  return out;
}

export async function run(argv: string[]): Promise<void> {
  const v = parseFlagsOrUsage(argv, OPTIONS, USAGE);
  if (!v) return;
  if (v.policy !== undefined && !POLICIES.includes(v.policy as PolicyName)) {
    process.stderr.write(`--policy: expected one of ${POLICIES.join(', ')}, got "${v.policy}"\n`);
    process.exitCode = 2;
    return;
  }
  let config: Config;
  let token: string | undefined;
  try {
    config = loadConfig({ configFile: v.config, overrides: agentOverrides(v) });
    token = v.server ? resolveToken(config.http) : undefined;
  } catch (err) {
    process.stderr.write(`sentinelops-mcp agent: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ level: config.log.level, file: config.log.file, name: 'sentinelops-agent' });
  const stops: (() => Promise<void> | void)[] = [];
  const shutdown = async () => {
    for (const stop of stops.splice(0)) await stop();
  };
  try {
    let simKubeconfigYaml: string | undefined;
    if (config.cluster.mode === 'sim' && !v.server) {
      const { startSimulator } = await import('../sim/cluster.js');
      const sim = await startSimulator({ demo: true });
      simKubeconfigYaml = sim.kubeconfigYaml();
      stops.push(() => sim.stop());
      logger.info({ url: sim.url }, 'embedded simulator started');
    }
    const runtime = v.server ? undefined : createRuntime(config, { logger, simKubeconfigYaml });
    if (runtime) stops.unshift(() => runtime.close());
    const kubeConfig = runtime?.deps.cluster.kubeConfig ?? tryKubeConfig(config, logger);
    const agent = await startAgent({
      config,
      logger,
      deps: runtime?.deps,
      remote: v.server ? { url: v.server, token } : undefined,
      kubeConfig,
      policy: v.policy as PolicyName | undefined,
      watch: !v['no-watch'],
      identity: v.identity,
      summary: v.quiet ? null : undefined,
      noLoop: v.once === true,
    });
    stops.unshift(() => agent.stop());
    if (v.once) {
      const report = await agent.runner.runCycle({ trigger: 'once' });
      if (report.error) process.exitCode = 1;
    } else {
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } catch (err) {
    process.stderr.write(`sentinelops-mcp agent: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await shutdown();
  }
}

/** Remote mode: cluster credentials are optional (only leader election and watches need them). */
function tryKubeConfig(config: Config, logger: ReturnType<typeof createLogger>) {
  try {
    return loadKubeConfig(config.cluster);
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'no cluster credentials: leader election and watch-triggered cycles are off');
    return undefined;
  }
}
