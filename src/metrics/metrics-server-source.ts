/**
 * Where CPU and memory usage comes from. metrics.k8s.io (metrics-server, or the simulator) is built in;
 * a Prometheus source implements the same interface and is handed to `selectMetricsSource`.
 */
import type { Config } from '../config/schema.js';
import type { ClusterClient } from '../k8s/client.js';
import type { MetricsSource, UsageSample } from '../ports/metrics-source.js';
import { cpuMillicores, memoryBytes } from '../base/quantity.js';

export class MetricsServerSource implements MetricsSource {
  readonly name = 'metrics-server';
  constructor(private readonly cluster: ClusterClient) {}

  async podUsage(namespace?: string): Promise<UsageSample | undefined> {
    const items = await this.cluster.podMetrics(namespace);
    if (!items) return undefined;
    return {
      source: this.name,
      pods: items.map((m) => ({
        namespace: m.metadata.namespace,
        pod: m.metadata.name,
        cpuMillicores: m.containers.reduce((n, c) => n + cpuMillicores(c.usage.cpu), 0),
        memoryBytes: m.containers.reduce((n, c) => n + memoryBytes(c.usage.memory), 0),
      })),
    };
  }
}

/**
 * Tries each source in order; the first that answers wins. When none answers and one of them failed
 * with an error (e.g. a configured Prometheus that is down), that error is thrown: it names the cause,
 * where "no source answered" would mislead.
 */
export class FallbackMetricsSource implements MetricsSource {
  readonly name = 'auto';
  constructor(private readonly sources: readonly MetricsSource[]) {}

  async podUsage(namespace?: string): Promise<UsageSample | undefined> {
    let failure: unknown;
    for (const s of this.sources) {
      try {
        const sample = await s.podUsage(namespace);
        if (sample) return sample;
      } catch (err) {
        failure = err;
      }
    }
    if (failure !== undefined) throw failure;
    return undefined;
  }
}

export function selectMetricsSource(config: Config, sources: { metricsServer: MetricsSource; prometheus?: MetricsSource }): MetricsSource {
  switch (config.metrics.source) {
    case 'metrics-server':
      return sources.metricsServer;
    case 'prometheus':
      if (!sources.prometheus) throw new Error('metrics.source is prometheus but no Prometheus source is available; set metrics.prometheusUrl');
      return sources.prometheus;
    case 'auto':
      return new FallbackMetricsSource(sources.prometheus ? [sources.metricsServer, sources.prometheus] : [sources.metricsServer]);
  }
}
