/**
 * Where CPU and memory usage comes from: the plug-in interface. metrics.k8s.io (metrics-server, or the
 * simulator) and Prometheus implement it in src/metrics/; services read it through the ServiceContext.
 */
export interface PodUsage {
  namespace: string;
  pod: string;
  cpuMillicores: number;
  memoryBytes: number;
}

export interface UsageSample {
  /** the source that answered: metrics-server, prometheus */
  source: string;
  pods: PodUsage[];
  /** when served from a kept sample (metrics/sampled-source.ts): ms since it was read */
  ageMs?: number;
}

export interface MetricsSource {
  /** configured source name (auto sources name the one that answered in each sample) */
  readonly name: string;
  /** undefined when this source cannot serve metrics now */
  podUsage(namespace?: string): Promise<UsageSample | undefined>;
}
