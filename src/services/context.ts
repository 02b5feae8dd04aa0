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
  /** the clusters this process can reach by name (a tool's `cluster` argument); absent: only `cluster` */
  clusters?: ClusterResolver;
  /** the name of the cluster this call runs against, when a resolver chose it */
  clusterName?: string;
}

/** One cluster's client, cache and metrics source, as a tool call runs against them. */
export interface ClusterBinding {
  name: string;
  cluster: ClusterClient;
  cache?: ClusterCache;
  metrics: MetricsSource;
}

/** What list_clusters shows of one cluster: never a credential. */
export interface ClusterSummary {
  name: string;
  default: boolean;
  server: string;
  /** how the client authenticates: token, client-certificate, exec, auth-provider, basic, none */
  auth: string;
  reachable: boolean;
  version?: string;
  error?: string;
}

/** The clusters by name (kubeconfig contexts), clients built on first use (src/app/cluster-registry.ts). */
export interface ClusterResolver {
  readonly defaultName: string;
  names(): string[];
  /** throws ServiceError 'invalid' naming the known clusters for an unknown name; `as`: act as this person there */
  resolve(name?: string, as?: ClusterClient['impersonate']): ClusterBinding;
  /** every known cluster, or only `names` */
  describe(names?: readonly string[]): Promise<ClusterSummary[]>;
}

/** Reports progress of long operations (restart with wait); the MCP adapter forwards it as notifications. */
export type ProgressFn = (progress: number, total: number | undefined, message: string) => void | Promise<void>;

export function namespaceOrDefault(ctx: Pick<ServiceContext, 'config'>, namespace: string | undefined): string {
  return namespace ?? ctx.config.cluster.defaultNamespace;
}
