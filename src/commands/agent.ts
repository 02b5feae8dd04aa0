/**
 * `sentinelops-mcp agent [flags]`: the headless autonomous agent. In-process by default (its own SentinelOps
 * server over the in-memory transport, on the configured cluster and store), or against a remote server with
 * --server <url> and a bearer token. Leader election and watch-triggered cycles use the configured cluster.
 */
import type { PolicyName } from '../policy/settings.js';
import { startAgent } from '../app/start-agent.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { ClusterClient } from '../k8s/client.js';
import { DEFAULT_KUBECONFIG, loadKubeConfig } from '../k8s/kubeconfig.js';
import { createLogger } from '../base/log.js';
import { resolveToken } from '../http/security.js';
import { createRuntime } from '../app/runtime.js';
import { type CommandSpec, parseCommand, usageText } from './cli-flags.js';
import { CLUSTER_KEYS, STORE_LOG_KEYS } from './serve.js';

const POLICIES: readonly PolicyName[] = ['sentinelops', 'threshold', 'hpa', 'none'];

export const AGENT: CommandSpec = {
  synopsis: 'sentinelops-mcp agent [flags]',
  about:
    'The headless autonomous agent: monitor -> analyze -> decide -> act -> verify -> log, through the MCP tools of an\n' +
    'in-process server (or a remote one with --server). Exit code 1 when the cluster cannot be reached or a --once cycle fails.',
  flags: [
    { name: 'server', type: 'string', arg: '<url>', help: 'act through a remote SentinelOps server (Streamable HTTP, …/mcp) instead of in-process' },
    { name: 'policy', type: 'string', arg: '<name>', help: `${POLICIES.join('|')} (default sentinelops; threshold = the seed's rules)` },
    { name: 'once', type: 'boolean', help: 'run one cycle and exit (exit code 1 when it failed)' },
    { name: 'no-watch', type: 'boolean', help: 'poll only; no watch-triggered cycles' },
    { name: 'identity', type: 'string', arg: '<name>', help: 'leader-election identity (default hostname-pid)' },
    { name: 'quiet', type: 'boolean', help: 'no readable cycle summary on stderr (structured logs only)' },
  ],
  config: ['agent.intervalSeconds', 'agent.dryRun', 'agent.namespaces', 'agent.leaderElection.enabled', 'http.tokenFile', ...CLUSTER_KEYS, ...STORE_LOG_KEYS],
  configFile: true,
};

export async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, AGENT);
  if (!parsed) return;
  const v = parsed.values;
  if (v.policy !== undefined && !POLICIES.includes(v.policy as PolicyName)) {
    process.stderr.write(`--policy: expected one of ${POLICIES.join(', ')}, got "${v.policy}"\n\n${usageText(AGENT)}`);
    process.exitCode = 2;
    return;
  }
  const server = typeof v.server === 'string' ? v.server : undefined;
  let config: Config;
  let token: string | undefined;
  try {
    config = loadConfig({ configFile: parsed.configFile, overrides: parsed.overrides });
    token = server ? resolveToken(config.http) : undefined;
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
    if (config.cluster.mode === 'sim' && !server) {
      const { startSimulator } = await import('../sim/cluster.js');
      const sim = await startSimulator({ demo: true });
      simKubeconfigYaml = sim.kubeconfigYaml();
      stops.push(() => sim.stop());
      logger.info({ url: sim.url }, 'embedded simulator started');
    }
    const runtime = server ? undefined : createRuntime(config, { logger, simKubeconfigYaml });
    if (runtime) stops.unshift(() => runtime.close());
    if (runtime) {
      // Checked before the Lease: an unreachable API would otherwise surface as "not the leader".
      const unreachable = await probeCluster(runtime.deps.cluster, config);
      if (unreachable) {
        if (v.once) {
          process.stderr.write(`sentinelops-mcp agent: ${unreachable}\n`);
          process.exitCode = 1;
          return;
        }
        process.stderr.write(`sentinelops-mcp agent: warning: ${unreachable}\n  (the agent keeps trying every ${config.agent.intervalSeconds}s)\n`);
      }
    }
    const kubeConfig = runtime?.deps.cluster.kubeConfig ?? tryKubeConfig(config, logger);
    const agent = await startAgent({
      config,
      logger,
      deps: runtime?.deps,
      remote: server ? { url: server, token } : undefined,
      kubeConfig,
      policy: v.policy as PolicyName | undefined,
      watch: !v['no-watch'],
      identity: typeof v.identity === 'string' ? v.identity : undefined,
      summary: v.quiet ? null : undefined,
      noLoop: v.once === true,
    });
    stops.unshift(() => agent.stop());
    if (v.once) {
      const report = await agent.runner.runCycle({ trigger: 'once' });
      if (report.error) {
        process.stderr.write(`sentinelops-mcp agent: the cycle failed: ${report.error}\n`);
        process.exitCode = 1;
      }
    } else {
      // The clock's timers are unref'd: without a watch or a Lease nothing else would keep the process alive.
      const alive = setInterval(() => {}, 2 ** 30);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      clearInterval(alive);
    }
  } catch (err) {
    process.stderr.write(`sentinelops-mcp agent: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await shutdown();
  }
}

/** Undefined when the API server answers; otherwise what failed, which kubeconfig and context were tried, and what next. */
async function probeCluster(cluster: ClusterClient, config: Config): Promise<string | undefined> {
  const timeoutMs = config.cluster.requestTimeoutSeconds * 1000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      cluster.version(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${config.cluster.requestTimeoutSeconds}s`)), timeoutMs);
      }),
    ]);
    return undefined;
  } catch (err) {
    const c = config.cluster;
    const source =
      c.mode === 'in-cluster'
        ? "the pod's service account"
        : c.mode === 'sim'
          ? 'the embedded simulator'
          : `kubeconfig ${c.kubeconfig ?? DEFAULT_KUBECONFIG}, context ${cluster.kubeConfig.getCurrentContext()}`;
    const cause = ((err as Error).message ?? String(err)).replace(/; check the kubeconfig.*$/, '');
    return [
      `the cluster is unreachable: ${cluster.server} (${source})`,
      `  ${cause}`,
      '  Is the cluster running and the context right? Choose another with --kubeconfig/--context, or try the simulated cluster: --cluster sim',
    ].join('\n');
  } finally {
    clearTimeout(timer);
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
