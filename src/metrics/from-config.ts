/**
 * Builds the Prometheus client and source from the `metrics` config section; createRuntime hands the
 * source to selectMetricsSource (src/services/metrics-source.ts) as `prometheus`.
 */
import type { Clock } from '../base/clock.js';
import type { Config } from '../config/schema.js';
import type { SentinelMetrics } from '../observability/metrics.js';
import { PrometheusClient } from './prometheus-client.js';
import { PrometheusMetricsSource } from './prometheus-source.js';

/** undefined when no Prometheus URL is configured. */
export function prometheusClientFromConfig(metrics: Config['metrics'], clock?: Clock): PrometheusClient | undefined {
  if (!metrics.prometheusUrl) return undefined;
  return new PrometheusClient({
    url: metrics.prometheusUrl,
    timeoutMs: metrics.prometheusTimeoutSeconds * 1000,
    bearerToken: metrics.prometheusBearerToken,
    basicAuth: metrics.prometheusUsername !== undefined ? { username: metrics.prometheusUsername, password: metrics.prometheusPassword ?? '' } : undefined,
    clock,
  });
}

/** undefined when no Prometheus URL is configured. */
export function prometheusSourceFromConfig(
  metrics: Config['metrics'],
  opts: { clock?: Clock; metrics?: SentinelMetrics } = {},
): PrometheusMetricsSource | undefined {
  const client = prometheusClientFromConfig(metrics, opts.clock);
  return client && new PrometheusMetricsSource({ client, rateWindow: metrics.rateWindow, metrics: opts.metrics });
}
