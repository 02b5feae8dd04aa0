/**
 * What every service function gets: the cluster, the configuration, the store, time, logs, randomness
 * and who is calling (an MCP client's name, "agent", or a REST user) for the audit log.
 */
import type { AgentControl } from '../ports/agent-control.js';
import type { Clock } from '../base/clock.js';
import type { ChaosManager } from '../chaos/manager.js';
import type { Config } from '../config/schema.js';
import type { ClusterClient } from '../k8s/client.js';
import type { ClusterCache } from '../k8s/cache/index.js';
import type { Logger } from '../base/log.js';
import type { Store } from '../store/index.js';
import type { MetricsSource } from '../ports/metrics-source.js';

export interface ServiceContext {
  cluster: ClusterClient;
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: MetricsSource;
  /** audit identity of the caller */
  caller: string;
  /** uniform in [0, 1); seeded in tests and rehearsals so "random pod" picks are reproducible */
  random: () => number;
  /** the process's chaos experiments and their TTL timers; chaos tools answer "unavailable" without it */
  chaos?: ChaosManager;
  /** the process's watch-fed cluster cache; list reads answer from it when it is synced (services/cached-reads.ts) */
  cache?: ClusterCache;
  /** the agent running in this process (serve --agent, demo); agent_status / agent_run_cycle use it */
  agent?: AgentControl;
}

/** Reports progress of long operations (restart with wait); the MCP adapter forwards it as notifications. */
export type ProgressFn = (progress: number, total: number | undefined, message: string) => void | Promise<void>;

export function namespaceOrDefault(ctx: Pick<ServiceContext, 'config'>, namespace: string | undefined): string {
  return namespace ?? ctx.config.cluster.defaultNamespace;
}
