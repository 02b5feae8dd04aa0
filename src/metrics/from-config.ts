/**
 * Builds the Prometheus source from the `metrics` config section; hand the result to
 * selectMetricsSource (src/services/metrics-source.ts) as `prometheus`. The credential and timeout keys
 * are optional here so this works with the section as it is and picks them up once the schema has them.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { SentinelMetrics } from '../observability/metrics.js';
import { PrometheusClient } from './prometheus-client.js';
import { PrometheusMetricsSource } from './prometheus-source.js';

export type PrometheusConfig = Config['metrics'] & {
  prometheusTimeoutSeconds?: number;
  prometheusBearerToken?: string;
  prometheusUsername?: string;
  prometheusPassword?: string;
};

export function prometheusClientFromConfig(metrics: PrometheusConfig, clock?: Clock): PrometheusClient | undefined {
  if (!metrics.prometheusUrl) return undefined;
  return new PrometheusClient({
    url: metrics.prometheusUrl,
    timeoutMs: (metrics.prometheusTimeoutSeconds ?? 5) * 1000,
    bearerToken: metrics.prometheusBearerToken,
    basicAuth:
      metrics.prometheusUsername !== undefined
        ? { username: metrics.prometheusUsername, password: metrics.prometheusPassword ?? '' }
        : undefined,
    clock,
  });
}

/** undefined when no Prometheus URL is configured. */
export function prometheusSourceFromConfig(
  metrics: PrometheusConfig,
  opts: { clock?: Clock; metrics?: SentinelMetrics } = {},
): PrometheusMetricsSource | undefined {
  const client = prometheusClientFromConfig(metrics, opts.clock);
  return client && new PrometheusMetricsSource({ client, rateWindow: metrics.rateWindow, metrics: opts.metrics });
}
