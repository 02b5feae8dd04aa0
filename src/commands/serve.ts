/**
 * `sentinelops-mcp [serve] [flags]`: the MCP server on stdio (default) or Streamable HTTP (--http),
 * against a kubeconfig cluster, the in-cluster service account, or the embedded simulator (--cluster sim).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../base/log.js';
import { checkHttpSecurity } from '../http/security.js';
import type { ServerDeps } from '../catalog/deps.js';
import { type CommandSpec, parseCommand } from './cli-flags.js';
import { simKubeconfigFor, writeSimKubeconfig } from './sim-kubeconfig.js';

/** Cluster, store and log keys every cluster-facing command offers as flags. */
export const CLUSTER_KEYS = ['cluster.mode', 'cluster.kubeconfig', 'cluster.context', 'cluster.defaultNamespace'] as const;
export const STORE_LOG_KEYS = ['store.path', 'store.backend', 'log.level', 'log.file'] as const;

export const SERVE: CommandSpec = {
  synopsis: 'sentinelops-mcp [serve] [flags]',
  about: 'The MCP server: on stdio (what MCP clients launch) unless --http.',
  flags: [
    { name: 'http', type: 'boolean', help: 'serve Streamable HTTP at /mcp, REST at /api/v1 and the dashboard at / instead of stdio' },
    { name: 'agent', type: 'boolean', help: 'run the autonomous agent in this process too (agent_status, agent_run_cycle)' },
    {
      name: 'clusters',
      type: 'string',
      arg: '<n>',
      help: 'with --cluster sim: n simulated clusters, contexts sim-1..sim-n (the `cluster` argument of every tool)',
    },
  ],
  config: [
    'http.host',
    'http.port',
    'http.tokenFile',
    'auth.mode',
    'auth.issuer',
    'auth.resource',
    'auth.impersonate.enabled',
    ...CLUSTER_KEYS,
    'safety.allowedNamespaces',
    'safety.readOnly',
    'safety.nonDestructive',
    'safety.dryRun',
    'tools.toolsets',
    ...STORE_LOG_KEYS,
  ],
  configFile: true,
  footer: 'Every key can also come from the config file or the environment: docs in README.md#configuration.',
};

export async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, SERVE);
  if (!parsed) return;
  let config: Config;
  let session: SimSession | undefined;
  let simCount = 1;
  try {
    config = loadConfig({ configFile: parsed.configFile, overrides: parsed.overrides });
    session = simSession(config, () => loadConfig({ configFile: parsed.configFile, overrides: parsed.overrides, defaults: { store: { path: UNSET } } }));
    if (session) config = { ...config, store: { ...config.store, path: session.storePath } };
    simCount = await simClusterCount(parsed.values.clusters, config);
  } catch (err) {
    process.stderr.write(`sentinelops-mcp: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ level: config.log.level, file: config.log.file, name: 'sentinelops' });
  try {
    await serve(config, logger, parsed.values.http === true, parsed.values.agent === true, session?.kubeconfig, simCount);
  } finally {
    session?.remove();
  }
}

async function simClusterCount(flag: unknown, config: Config): Promise<number> {
  if (flag === undefined) return 1;
  // Loaded only when asked for: a stdio server answers tools/list before any simulator module loads.
  const { MAX_SIM_CLUSTERS } = await import('../sim/multi-kubeconfig.js');
  const n = Number(flag);
  if (config.cluster.mode !== 'sim') throw new Error('--clusters needs --cluster sim (for real clusters, every kubeconfig context is reachable already)');
  if (!Number.isInteger(n) || n < 1 || n > MAX_SIM_CLUSTERS) throw new Error(`--clusters must be an integer 1..${MAX_SIM_CLUSTERS}, got "${String(flag)}"`);
  return n;
}

/** A store path no one sets: seen in the loaded configuration, it means store.path was not given explicitly. */
const UNSET = '\u0000unset';

interface SimSession {
  storePath: string;
  /** where the kubeconfig goes: beside the default store, as before, so `kubectl --kubeconfig` lines keep working */
  kubeconfig: string;
  remove(): void;
}

/**
 * A simulated cluster is new at every start, so its incidents, audit (cooldowns) and agent state must be too: a
 * fresh simulator must not show the last session's incidents or refuse a first scale for a cooldown earned on a
 * cluster that no longer exists. Without an explicit store path (--db, SENTINELOPS_DB, the config file), the
 * session gets a temporary file, removed at exit; an explicit path is used as given.
 */
export function simSession(config: Config, reloadWithoutDefault: () => Config): SimSession | undefined {
  if (config.cluster.mode !== 'sim') return undefined;
  if (reloadWithoutDefault().store.path !== UNSET) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-sim-'));
  return {
    storePath: join(dir, 'sentinelops.db'),
    kubeconfig: simKubeconfigFor(config.store.path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function serve(config: Config, logger: Logger, http: boolean, withAgent = false, simKubeconfig?: string, simCount = 1): Promise<void> {
  // Everything started is stopped in reverse order, also when a later step fails (e.g. no token).
  const stops: (() => Promise<void> | void)[] = [];
  // A start still under way registers more stops: shutdown waits for it to settle first.
  let starting: Promise<unknown> = Promise.resolve();
  const shutdown = async () => {
    await starting;
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  // Listening from the first moment: a SIGTERM during start-up (a pod deleted while it starts) still drains and
  // closes the store instead of killing the process mid-write.
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  // The runtime (simulator, Kubernetes client, store, agent), loaded by dynamic imports: on stdio the server
  // answers initialize and tools/list while this is still loading, and calls wait for it.
  const start = async (): Promise<ServerDeps> => {
    let simKubeconfigYaml: string | undefined;
    if (config.cluster.mode === 'sim') {
      // Loaded only on demand so a kubeconfig-mode server never loads the simulator.
      const { startSimClusters } = await import('../sim/many.js');
      const many = await startSimClusters(simCount, { demo: true, port: 0 });
      stops.push(() => many.stop());
      const sim = many.sims[0]!;
      simKubeconfigYaml = simCount === 1 ? sim.kubeconfigYaml() : many.kubeconfigYaml();
      const kubeconfig = simKubeconfig ?? simKubeconfigFor(config.store.path);
      await writeSimKubeconfig(kubeconfig, simKubeconfigYaml);
      // Logs go to stderr (or --log-file), never stdout: in stdio mode stdout is the protocol.
      logger.info(
        { url: sim.url, kubeconfig, store: config.store.path },
        `embedded simulator started; watch it with: kubectl --kubeconfig ${kubeconfig} get pods -n demo`,
      );
    }
    const [{ createRuntime }, { startReplicaSampler }] = await Promise.all([import('../app/runtime.js'), import('../services/replica-sampler.js')]);
    const runtime = createRuntime(config, { logger, simKubeconfigYaml });
    stops.push(() => runtime.close());
    stops.push(startReplicaSampler(runtime.deps, config.agent.intervalSeconds));
    if (withAgent) {
      const { startAgent } = await import('../app/start-agent.js');
      const agent = await startAgent({ config, logger, deps: runtime.deps, kubeConfig: runtime.deps.cluster.kubeConfig });
      runtime.deps.agent = agent.control;
      stops.push(() => agent.stop());
    }
    return runtime.deps;
  };
  try {
    // auth.mode oidc needs no shared token on any address (every request carries an access token).
    if (http && config.auth.mode === 'token') checkHttpSecurity(config.http);
    if (!http) {
      // Memoized: the first call, tools/list answered, the client leaving or a timer starts it (src/mcp/stdio.ts).
      let failStart: (err: unknown) => void = () => {};
      const failed = new Promise<never>((_, reject) => (failStart = reject));
      let ready: Promise<ServerDeps> | undefined;
      const load = () => {
        if (!ready) {
          ready = start();
          ready.catch(failStart);
          starting = ready.catch(() => {});
        }
        return ready;
      };
      const { serveStdio } = await import('../mcp/stdio.js');
      try {
        const ended = await Promise.race([serveStdio({ config, logger, load }).then(() => 'eof' as const), signalled.then(() => 'signal' as const), failed]);
        // stdin would keep the event loop (and the process) alive after a signal.
        if (ended === 'signal') process.stdin.destroy();
      } catch (err) {
        // A start that failed (no kubeconfig, say) ends the process with its explanation, as a failure before the handshake did.
        process.stdin.destroy();
        throw err;
      }
      return;
    }
    const deps = await start();
    // REST API (/api/v1), dashboard (/), API docs (/docs), /metrics and the Alertmanager webhook beside /mcp.
    const { createHttpSurface } = await import('../app/http-surface.js');
    const surface = createHttpSurface(deps);
    stops.push(() => surface.close());
    const url = await surface.listen();
    logger.info({ url: `${url}/` }, 'dashboard and REST API (/api/v1) listening');
    await signalled;
  } finally {
    await shutdown();
  }
}
