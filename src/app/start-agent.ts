/**
 * Wires a running agent from configuration, the same way for `agent`, `serve --agent` and `demo`: the MCP
 * connection (in-process server over the shared runtime, or a remote server URL with a token), leader election on
 * a Lease and the watch trigger (both need cluster credentials), the periodic loop, and own metrics.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { type Clock, RealClock } from '../base/clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../base/log.js';
import { defaultMetrics } from '../observability/metrics.js';
import type { ServerDeps } from '../catalog/deps.js';
import { LeaderElector } from '../agent/leader.js';
import type { PolicyName } from '../policy/settings.js';
import { AgentRunner, type CycleReport, runnerOptionsFromConfig } from '../agent/runner.js';
import { type ToolClient, connectRemote } from '../agent/tool-client.js';
import { connectInProcess } from './agent-link.js';
import { WatchTrigger } from '../agent/watch-trigger.js';

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
  onCycle?: (r: CycleReport) => void;
  /** Do not start the periodic loop (for `agent --once`). */
  noLoop?: boolean;
}

export interface StartedAgent {
  runner: AgentRunner;
  leader?: LeaderElector;
  stop(): Promise<void>;
}

export async function startAgent(o: StartAgentOptions): Promise<StartedAgent> {
  const clock = o.clock ?? new RealClock();
  let client: ToolClient;
  if (o.remote) client = await connectRemote(o.remote.url, o.remote.token);
  else if (o.deps) client = await connectInProcess(o.deps);
  else throw new Error('startAgent needs deps (in-process) or remote (a server URL)');

  const le = o.config.agent.leaderElection;
  let leader: LeaderElector | undefined;
  if (le.enabled && o.kubeConfig) {
    leader = new LeaderElector({
      kubeConfig: o.kubeConfig,
      clock,
      logger: o.logger,
      namespace: le.leaseNamespace,
      name: le.leaseName,
      identity: o.identity,
      leaseDurationSeconds: le.leaseDurationSeconds,
      renewSeconds: le.renewSeconds,
      onStartedLeading: () => runner.trigger('became leader'),
    });
  } else if (le.enabled) {
    o.logger.warn('leader election is on but no cluster credentials are available to the agent: running without it (do not run a second agent)');
  }

  const base = runnerOptionsFromConfig(o.config, o.policy);
  const metrics = defaultMetrics();
  const runner: AgentRunner = new AgentRunner({ client, clock, logger: o.logger, ...base, leader, summary: o.summary, metrics, onCycle: o.onCycle });

  let watch: WatchTrigger | undefined;
  if ((o.watch ?? true) && o.kubeConfig) {
    watch = new WatchTrigger({ kubeConfig: o.kubeConfig, clock, logger: o.logger, namespaces: base.namespaces, onFailure: (reason) => runner.trigger(reason) });
  }

  await leader?.start();
  if (!o.noLoop) {
    runner.start();
    await watch?.start();
  }
  o.logger.info(
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
    async stop() {
      watch?.stop();
      await runner.stop();
      await leader?.stop({ release: true });
      await client.close();
    },
  };
}
