/**
 * The `prometheus` metrics source: pod CPU (rate of cAdvisor's counter) and memory (working set) through
 * PromQL. When Prometheus is down, slow or refuses us, podUsage throws a ServiceError('unavailable') whose
 * message names Prometheus and the cause, so get_metrics tells the user exactly that; callers that only
 * need "is there a sample" (cluster_health, the agent) treat the throw as "no metrics", which keeps the
 * agent from scaling down blind.
 */
import { ServiceError } from '../base/errors.js';
import type { MetricsSource, PodUsage, UsageSample } from '../ports/metrics-source.js';
import type { SentinelMetrics } from '../observability/metrics.js';
import { PrometheusError, type InstantSample, type PrometheusClient } from './prometheus-client.js';
import { usageQueries } from './queries.js';

export interface PrometheusSourceOptions {
  client: PrometheusClient;
  /** PromQL range for rate(); at least 4 scrape intervals (config: metrics.rateWindow). */
  rateWindow: string;
  /** Records metrics_source_up{source="prometheus"} on SentinelOps' own /metrics. */
  metrics?: SentinelMetrics;
}

export interface PrometheusHealth {
  up: boolean;
  url: string;
  version?: string;
  error?: string;
}

export class PrometheusMetricsSource implements MetricsSource {
  readonly name = 'prometheus';
  constructor(private readonly opts: PrometheusSourceOptions) {}

  get url(): string {
    return this.opts.client.url;
  }

  async podUsage(namespace?: string): Promise<UsageSample> {
    const q = usageQueries(this.opts.rateWindow, namespace);
    try {
      const [cpu, mem] = await Promise.all([this.vector(q.cpuCores), this.vector(q.memoryBytes)]);
      this.opts.metrics?.setMetricsSourceUp(this.name, true);
      return { source: this.name, pods: joinUsage(cpu, mem) };
    } catch (err) {
      if (!(err instanceof PrometheusError)) throw err;
      this.opts.metrics?.setMetricsSourceUp(this.name, false);
      throw new ServiceError(
        'unavailable',
        `metrics unavailable: ${err.message}. Check metrics.prometheusUrl and that Prometheus is up; pod and deployment tools still work.`,
        {
          source: this.name,
          url: this.url,
          kind: err.kind,
        },
      );
    }
  }

  /** Whether Prometheus answers its API (not just its port), for cluster_health and readiness checks. */
  async health(): Promise<PrometheusHealth> {
    try {
      const { version } = await this.opts.client.buildInfo();
      return { up: true, url: this.url, version };
    } catch (err) {
      if (!(err instanceof PrometheusError)) throw err;
      return { up: false, url: this.url, error: err.message };
    }
  }

  private async vector(promql: string): Promise<InstantSample[]> {
    const { data } = await this.opts.client.query(promql);
    if (data.resultType !== 'vector') throw new PrometheusError('bad_response', `expected a vector for ${promql}, got ${data.resultType}`);
    return data.result;
  }
}

/**
 * A pod is reported only with both CPU and memory: a pod younger than two scrapes has memory but no rate
 * yet, and reporting 0 CPU for it would read as "idle" and invite a scale-down.
 */
export function joinUsage(cpu: InstantSample[], mem: InstantSample[]): PodUsage[] {
  const memory = new Map<string, number>();
  for (const s of mem) {
    const v = Number(s.value[1]);
    if (s.metric.namespace && s.metric.pod && Number.isFinite(v)) memory.set(`${s.metric.namespace}/${s.metric.pod}`, v);
  }
  const out: PodUsage[] = [];
  for (const s of cpu) {
    const { namespace, pod } = s.metric;
    const cores = Number(s.value[1]);
    if (!namespace || !pod || !Number.isFinite(cores)) continue;
    const bytes = memory.get(`${namespace}/${pod}`);
    if (bytes === undefined) continue;
    // One decimal of a millicore: a short-window rate is not an integer, and rounding would hide drift.
    out.push({ namespace, pod, cpuMillicores: Math.round(cores * 10_000) / 10, memoryBytes: bytes });
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.pod.localeCompare(b.pod));
}
