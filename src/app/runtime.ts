/**
 * Builds what a server (or the agent, or REST) needs from a validated config: the SQLite store, the
 * cluster client and the metrics source. One runtime per process; many MCP servers may share it.
 */
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { ChaosManager } from '../chaos/manager.js';
import type { Clock } from '../base/clock.js';
import { RealClock } from '../base/clock.js';
import type { Config } from '../config/schema.js';
import { ClusterClient } from '../k8s/client.js';
import { ClusterCache } from '../k8s/cache/index.js';
import { loadKubeConfig } from '../k8s/kubeconfig.js';
import type { Logger } from '../base/log.js';
import { prometheusSourceFromConfig } from '../metrics/from-config.js';
import { instrumentTools } from '../catalog/instrument-tools.js';
import { defaultMetrics } from '../observability/metrics.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { MetricsServerSource, selectMetricsSource } from '../metrics/metrics-server-source.js';
import type { MetricsSource } from '../ports/metrics-source.js';
import { SampledMetricsSource } from '../metrics/sampled-source.js';
import { Store } from '../store/index.js';
import { KubeStateBackend } from '../kube-store/backend.js';
import { unprotectedWarning } from '../services/guard.js';
import type { ServerDeps } from '../catalog/deps.js';
import { Notifier } from '../notify/notifier.js';
import { withConfirmationHandles } from '../approvals/confirmation.js';
import { ClusterRegistry } from './cluster-registry.js';

export interface RuntimeOptions {
  logger: Logger;
  clock?: Clock;
  /** kubeconfig text when config.cluster.mode is sim */
  simKubeconfigYaml?: string;
  /** overrides the Prometheus source built from metrics.prometheusUrl */
  prometheus?: MetricsSource;
}

export interface Runtime {
  deps: ServerDeps;
  close(): void;
}

export function createRuntime(config: Config, opts: RuntimeOptions): Runtime {
  const clock = opts.clock ?? new RealClock();
  const kc = loadKubeConfig({ ...config.cluster, simKubeconfigYaml: opts.simKubeconfigYaml });
  const cluster = new ClusterClient(kc, { requestTimeoutMs: config.cluster.requestTimeoutSeconds * 1000 });
  const selected = selectMetricsSource(config, {
    metricsServer: new MetricsServerSource(cluster),
    prometheus: opts.prometheus ?? prometheusSourceFromConfig(config.metrics, { clock, metrics: defaultMetrics() }),
  });
  // One usage sample per metrics resolution, shared by every tool call and the agent (README "Scale").
  const metrics = config.metrics.sampleSeconds > 0 ? new SampledMetricsSource(selected, clock, config.metrics.sampleSeconds * 1000) : selected;
  const store = Store.open(config.store.path, clock, {
    state: config.store.backend === 'kubernetes' ? () => kubernetesBackend(config, kc, clock, opts.logger) : undefined,
  });
  // An explicit opt-out of a built-in protected namespace is said out loud at every start.
  if (unprotectedWarning(config)) opts.logger.warn({ protectedNamespaces: config.safety.protectedNamespaces }, unprotectedWarning(config)!);
  // One watch-fed cache per process, shared by every MCP session, REST and the in-process agent.
  const cache = config.cluster.cache ? new ClusterCache(cluster, clock, opts.logger) : undefined;
  cache?.start();
  // The other kubeconfig contexts, reached by a tool's `cluster` argument; the kubeconfig is watched for changes.
  const clusters = new ClusterRegistry({
    config,
    clock,
    logger: opts.logger,
    default: { cluster, cache, metrics },
    simKubeconfigYaml: opts.simKubeconfigYaml,
  }).watch();
  // The `cluster` label of the process's own metrics takes the configured clusters only.
  defaultMetrics().trackClusters(() => clusters.names());
  const chaos = new ChaosManager({
    cluster,
    clusterName: clusters.defaultName,
    clusterByName: (name) => clusters.resolve(name).cluster,
    config,
    store,
    clock,
    logger: opts.logger,
  });
  // Experiments a previous process left running end now (or get their TTL timers back).
  void chaos.recover().catch((err: unknown) => opts.logger.error({ err }, 'chaos recovery at startup failed'));
  // Notifications follow the incident store; messages a previous process left pending are sent now.
  const notifier = new Notifier({ config: config.notify, store, clock, logger: opts.logger }).start();
  return {
    // Every face that runs tools (MCP, REST, the agent through MCP) is timed through the same wrappers.
    deps: {
      config,
      cluster,
      cache,
      clusters,
      store,
      clock,
      logger: opts.logger,
      metrics,
      chaos,
      tools: withConfirmationHandles(instrumentTools(ALL_TOOLS, defaultMetrics()), config),
    },
    close: () => {
      clusters.close();
      cache?.stop();
      void notifier.close();
      chaos.close();
      store.state.close?.();
      store.close();
    },
  };
}

/**
 * The shared state as custom resources (store.backend=kubernetes): replica history, usage samples and chaos stay
 * in the local SQLite file. The namespace is the configured one, else the pod's, else sentinelops.
 */
function kubernetesBackend(config: Config, kc: KubeConfig, clock: Clock, logger: Logger): KubeStateBackend {
  const r = config.store.retention;
  return new KubeStateBackend({
    kc,
    namespace: config.store.namespace ?? process.env.POD_NAMESPACE ?? 'sentinelops',
    cluster: config.cluster.context ?? kc.getCurrentContext(),
    now: () => clock.now(),
    owner: process.env.POD_NAME ?? `${hostname()}-${process.pid}`,
    retention: { days: r.days, maxResolved: r.maxResolved, intervalMs: r.intervalMinutes * 60_000 },
    logger,
  });
}
