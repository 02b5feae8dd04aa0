/**
 * `sentinelops-mcp [serve] [flags]`: the MCP server on stdio (default) or Streamable HTTP (--http),
 * against a kubeconfig cluster, the in-cluster service account, or the embedded simulator (--cluster sim).
 */
import { ConfigError, loadConfig, setPath } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../base/log.js';
import { checkHttpSecurity } from '../http/security.js';
import { createRuntime } from '../app/runtime.js';
import { serveStdio } from '../mcp/stdio.js';
import { startReplicaSampler } from '../services/replica-sampler.js';
import { parseFlagsOrUsage } from './parse-flags.js';

const USAGE = `Usage: sentinelops-mcp [serve] [flags]

  --http                   serve Streamable HTTP at /mcp instead of stdio
  --agent                  run the autonomous agent in this process too (agent_status, agent_run_cycle)
  --host <addr>            HTTP bind address (default 127.0.0.1; anything else needs a token)
  --port <n>               HTTP port (default 8000)
  --token-file <path>      bearer token file (or SENTINELOPS_TOKEN)
  --config <file>          YAML or JSON config file (or SENTINELOPS_CONFIG)
  --cluster <mode>         kubeconfig (default), in-cluster, or sim (embedded simulator)
  --kubeconfig <file>      kubeconfig path (default KUBECONFIG or ~/.kube/config)
  --context <name>         kubeconfig context
  --namespace <ns>         default namespace for tools (K8S_NAMESPACE)
  --allowed-namespaces a,b namespaces mutating tools may touch (default: all but protected)
  --read-only              register only read-only tools
  --non-destructive        do not register destructive tools
  --dry-run                mutations return their plan and change nothing
  --db <path>              SQLite file (default ~/.sentinelops/sentinelops.db)
  --log-level <level>      fatal, error, warn, info, debug, trace, silent
  --log-file <path>        write logs to a file instead of stderr
`;

/** Config-file, cluster, store and log flags, read by flagsToOverrides; `serve` and `agent` both take them. */
export const CONFIG_FLAG_OPTIONS = {
  config: { type: 'string' },
  cluster: { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string' },
  db: { type: 'string' },
  'log-level': { type: 'string' },
  'log-file': { type: 'string' },
} as const;

const OPTIONS = {
  http: { type: 'boolean' },
  agent: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  'token-file': { type: 'string' },
  ...CONFIG_FLAG_OPTIONS,
  'allowed-namespaces': { type: 'string' },
  'read-only': { type: 'boolean' },
  'non-destructive': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Flag values as a config override (flags win over file and environment). */
export function flagsToOverrides(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const set = (path: string, v: unknown) => v !== undefined && setPath(out, path, v);
  set('http.host', values.host);
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port)) throw new ConfigError(`--port: expected a number, got "${values.port}"`);
    set('http.port', port);
  }
  set('http.tokenFile', values['token-file']);
  set('cluster.mode', values.cluster);
  set('cluster.kubeconfig', values.kubeconfig);
  set('cluster.context', values.context);
  set('cluster.defaultNamespace', values.namespace);
  if (typeof values['allowed-namespaces'] === 'string') {
    set(
      'safety.allowedNamespaces',
      values['allowed-namespaces']
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }
  if (values['read-only']) set('safety.readOnly', true);
  if (values['non-destructive']) set('safety.nonDestructive', true);
  if (values['dry-run']) set('safety.dryRun', true);
  set('store.path', values.db);
  set('log.level', values['log-level']);
  set('log.file', values['log-file']);
  return out;
}

export async function run(argv: string[]): Promise<void> {
  const values = parseFlagsOrUsage(argv, OPTIONS, USAGE);
  if (!values) return;
  let config: Config;
  try {
    config = loadConfig({ configFile: values.config, overrides: flagsToOverrides(values) });
  } catch (err) {
    process.stderr.write(`sentinelops-mcp: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ level: config.log.level, file: config.log.file, name: 'sentinelops' });
  await serve(config, logger, values.http === true, values.agent === true);
}

async function serve(config: Config, logger: Logger, http: boolean, withAgent = false): Promise<void> {
  // Everything started is stopped in reverse order, also when a later step fails (e.g. no token).
  const stops: (() => Promise<void> | void)[] = [];
  const shutdown = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    if (http) checkHttpSecurity(config.http);
    let simKubeconfigYaml: string | undefined;
    if (config.cluster.mode === 'sim') {
      // Loaded only on demand so a kubeconfig-mode server never loads the simulator.
      const { startSimulator } = await import('../sim/cluster.js');
      const sim = await startSimulator({ demo: true, port: 0 });
      stops.push(() => sim.stop());
      simKubeconfigYaml = sim.kubeconfigYaml();
      logger.info({ url: sim.url }, 'embedded simulator started');
    }
    const runtime = createRuntime(config, { logger, simKubeconfigYaml });
    stops.push(() => runtime.close());
    stops.push(startReplicaSampler(runtime.deps, config.agent.intervalSeconds));
    if (withAgent) {
      const { startAgent } = await import('../app/start-agent.js');
      const agent = await startAgent({ config, logger, deps: runtime.deps, kubeConfig: runtime.deps.cluster.kubeConfig });
      runtime.deps.agent = agent.runner;
      stops.push(() => agent.stop());
    }
    if (!http) {
      await serveStdio(runtime.deps);
      return;
    }
    // REST API (/api/v1), dashboard (/), API docs (/docs), /metrics and the Alertmanager webhook beside /mcp.
    const { createHttpSurface } = await import('../app/http-surface.js');
    const surface = createHttpSurface(runtime.deps);
    stops.push(() => surface.close());
    const url = await surface.listen();
    logger.info({ url: `${url}/` }, 'dashboard and REST API (/api/v1) listening');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    await shutdown();
  }
}
