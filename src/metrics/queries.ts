/**
 * The PromQL behind the `prometheus` metrics source: cAdvisor usage per pod. Requests, limits and
 * ownership come from the pod specs through the Kubernetes API, as for metrics-server, so both sources
 * differ only in where usage comes from and utilization is computed one way (src/services/metrics.ts).
 */

/** A PromQL string literal (JSON's escaping is valid PromQL escaping). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

// cAdvisor also exports the pod cgroup (container="") and the pause container (container="POD"); counting
// them would double the usage.
function containerSelector(namespace?: string): string {
  const parts = ['container!=""', 'container!="POD"'];
  if (namespace !== undefined) parts.push(`namespace=${promString(namespace)}`);
  return `{${parts.join(',')}}`;
}

export interface UsageQueries {
  /** CPU cores per (namespace, pod), averaged over the rate window. */
  cpuCores: string;
  /** Working-set bytes per (namespace, pod): what the kubelet and metrics-server report as memory usage. */
  memoryBytes: string;
}

/**
 * @param rateWindow a PromQL duration such as "1m". It must span at least two scrapes (four is safer),
 *        or young pods get no CPU value and the result is marked incomplete.
 */
export function usageQueries(rateWindow: string, namespace?: string): UsageQueries {
  if (!/^\d+(ms|s|m|h)$/.test(rateWindow)) throw new Error(`bad rate window "${rateWindow}"`);
  const sel = containerSelector(namespace);
  return {
    cpuCores: `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total${sel}[${rateWindow}]))`,
    memoryBytes: `sum by (namespace, pod) (container_memory_working_set_bytes${sel})`,
  };
}
