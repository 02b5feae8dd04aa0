/**
 * Wires a running agent from configuration, the same way for `agent`, `serve --agent` and `demo`: the MCP
 * connection (in-process server over the shared runtime, or a remote server URL with a token), leader election on
 * a Lease and the watch trigger (both need cluster credentials), the periodic loop, and own metrics.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { type Clock, RealClock } from '../base/clock.js';
import { AgentConfigSchema, type Config } from '../config/schema.js';
import { deepMerge } from '../config/load.js';
import type { Logger } from '../base/log.js';
import { defaultMetrics } from '../observability/metrics.js';
import type { ServerDeps } from '../catalog/deps.js';
import { LeaderElector } from '../agent/leader.js';
import type { PolicyName } from '../policy/settings.js';
import { AgentRunner, type CycleReport, runnerOptionsFromConfig } from '../agent/runner.js';
import { type ToolClient, connectRemote } from '../agent/tool-client.js';
import { connectInProcess } from './agent-link.js';
import { WatchTrigger } from '../agent/watch-trigger.js';
import type { AgentControl } from '../ports/agent-control.js';
import { ClusterAgents } from './cluster-agents.js';

export interface StartAgentOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** In-process: the server runtime's deps (the agent gets its own MCP session on them). */
  deps?: ServerDeps;
  /** Remote: a SentinelOps server's URL (…/mcp) and its bearer token. */
  remote?: { url: string; token?: string };
  /** Credentials for the Lease and the watches; without them both are off. */
  kubeConfig?: KubeConfig;
  policy?: PolicyName;
  /** Watch-triggered cycles (default on when kubeConfig is given). */
  watch?: boolean;
  /** Leader identity (default hostname-pid). */
  identity?: string;
  summary?: ((text: string) => void) | null;
  /** `cluster` is set when the agent watches several (agent.clusters) */
  onCycle?: (r: CycleReport & { cluster?: string }) => void;
  /** Do not start the periodic loop (for `agent --once`). */
  noLoop?: boolean;
}

export interface StartedAgent {
  /** the (first) cluster's runner: agent_status and agent_run_cycle answer for it */
  runner: AgentRunner;
  /** with agent.clusters: every cluster's runner by name */
  runners?: Record<string, AgentRunner>;
  /** what agent_status / agent_run_cycle / REST talk to (deps.agent): the runner, or every cluster's runners */
  control: AgentControl;
  leader?: LeaderElector;
  stop(): Promise<void>;
}

export async function startAgent(o: StartAgentOptions): Promise<StartedAgent> {
  const clusters = o.deps?.clusters && !o.remote ? o.config.agent.clusters : [];
  if (clusters.length === 0) {
    let client: ToolClient;
    if (o.remote) client = await connectRemote(o.remote.url, o.remote.token);
    else if (o.deps) {
      client = await connectInProcess(o.deps);
      // One loop on a server that reaches several clusters: its calls name the default one, so it adopts only that
      // cluster's incidents from the shared store (list_incidents without a cluster answers for all of them).
      if (o.deps.clusters) client = onCluster(client, o.deps.clusters.defaultName);
    } else throw new Error('startAgent needs deps (in-process) or remote (a server URL)');
    return startOne(o, o.config, client, o.kubeConfig, o.logger);
  }
  return startPerCluster(o, o.deps!, [...new Set(clusters)]);
}

/**
 * One loop, one Lease and one watch per cluster (README "Many clusters"), each its own AgentRunner with its
 * own timers: a cluster whose API server is slow or down fails its own cycles (reported in its status) and
 * never holds another's. Every tool call a runner makes names its cluster, so answers, incidents and audit
 * rows carry it.
 */
async function startPerCluster(o: StartAgentOptions, deps: ServerDeps, names: string[]): Promise<StartedAgent> {
  const resolver = deps.clusters!;
  // Unknown names stop the start with the known ones listed: a typo must not leave a cluster unwatched silently.
  const bindings = names.map((name) => resolver.resolve(name));
  // Started side by side: the first Lease attempt on an unreachable cluster waits out its request timeout.
  const settled = await Promise.allSettled(
    bindings.map(async (b) => {
      const config = withOverride(o.config, b.name);
      const client = onCluster(await connectInProcess(deps), b.name);
      const logger = o.logger.child({ cluster: b.name });
      return startOne({ ...o, onCycle: o.onCycle && ((r) => o.onCycle!({ ...r, cluster: b.name })) }, config, client, b.cluster.kubeConfig, logger, b.name);
    }),
  );
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((a) => a.stop()));
    throw failed.reason;
  }
  const runners = Object.fromEntries(bindings.map((b, i) => [b.name, started[i]!.runner]));
  return {
    runner: started[0]!.runner,
    leader: started[0]!.leader,
    runners,
    control: new ClusterAgents(runners),
    async stop() {
      await Promise.all(started.map((a) => a.stop()));
    },
  };
}

/** agent.clusterOverrides.<name> merged over the agent settings, checked as the whole agent section is. */
function withOverride(config: Config, name: string): Config {
  const override = config.agent.clusterOverrides[name];
  if (!override) return config;
  const parsed = AgentConfigSchema.safeParse(deepMerge(config.agent as unknown as Record<string, unknown>, override));
  if (!parsed.success) throw new Error(`agent.clusterOverrides.${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { ...config, agent: parsed.data };
}

/** Every call the agent makes through this client names the cluster. */
function onCluster(client: ToolClient, cluster: string): ToolClient {
  return {
    call: (tool, args) => client.call(tool, { ...(args as object), cluster } as typeof args),
    close: () => client.close(),
  };
}

async function startOne(
  o: StartAgentOptions,
  config: Config,
  client: ToolClient,
  kubeConfig: KubeConfig | undefined,
  logger: Logger,
  cluster?: string,
): Promise<StartedAgent> {
  const clock = o.clock ?? new RealClock();
  const le = config.agent.leaderElection;
  let leader: LeaderElector | undefined;
  if (le.enabled && kubeConfig) {
    leader = new LeaderElector({
      kubeConfig,
      clock,
      logger,
      namespace: le.leaseNamespace,
      name: le.leaseName,
      identity: o.identity,
      leaseDurationSeconds: le.leaseDurationSeconds,
      renewSeconds: le.renewSeconds,
      onStartedLeading: () => runner.trigger('became leader'),
    });
  } else if (le.enabled) {
    logger.warn('leader election is on but no cluster credentials are available to the agent: running without it (do not run a second agent)');
  }

  const base = runnerOptionsFromConfig(config, o.policy);
  const own = defaultMetrics();
  // agent.clusters: each runner's cycles carry its cluster label.
  const metrics = { recordAgentCycle: (seconds: number, ok: boolean) => own.recordAgentCycle(seconds, ok, cluster) };
  const runner: AgentRunner = new AgentRunner({ client, clock, logger, ...base, leader, summary: o.summary, metrics, onCycle: o.onCycle });

  let watch: WatchTrigger | undefined;
  if ((o.watch ?? true) && kubeConfig) {
    watch = new WatchTrigger({ kubeConfig, clock, logger, namespaces: base.namespaces, onFailure: (reason) => runner.trigger(reason) });
  }

  // A Lease on an unreachable cluster must not hold the start (nor the other clusters): the elector retries.
  await leader?.start();
  if (!o.noLoop) {
    runner.start();
    await watch?.start();
  }
  logger.info(
    {
      identity: leader?.identity,
      policy: base.policy.name,
      intervalSeconds: base.intervalSeconds,
      dryRun: base.dryRun,
      namespaces: base.namespaces,
      remote: o.remote?.url,
    },
    'agent started',
  );

  return {
    runner,
    leader,
    control: runner,
    async stop() {
      watch?.stop();
      await runner.stop();
      await leader?.stop({ release: true });
      await client.close();
    },
  };
}
