/**
 * The PromQL behind the `prometheus` metrics source, over cAdvisor and kube-state-metrics series.
 * One query per fact, each summed to (namespace, pod): joining them is done in TypeScript (see
 * pod-table.ts) because pods without some series must stay visible as "incomplete", which a PromQL join
 * would silently drop.
 */

/** Namespaces are DNS labels, so this only guards against a label matcher being broken by quotes. */
export function promString(value: string): string {
  return JSON.stringify(value);
}

function selector(base: Record<string, string>, namespace?: string, extra: string[] = []): string {
  const parts = Object.entries(base).map(([k, v]) => `${k}=${promString(v)}`);
  if (namespace !== undefined) parts.push(`namespace=${promString(namespace)}`);
  return `{${[...parts, ...extra].join(',')}}`;
}

// cAdvisor also exports the pod cgroup (container="") and the pause container (container="POD"); counting
// them would double the usage.
const REAL_CONTAINERS = ['container!=""', 'container!="POD"'];

export interface PodQueries {
  cpuCores: string;
  memoryBytes: string;
  requests: string;
  limits: string;
  restarts: string;
  ready: string;
  podOwner: string;
  replicaSetOwner: string;
}

/**
 * @param rateWindow a PromQL duration such as "1m"; it must span at least two scrapes (four is safer),
 *        or pods get no CPU value and the result is marked incomplete.
 */
export function podQueries(rateWindow: string, namespace?: string): PodQueries {
  if (!/^\d+(ms|s|m|h)$/.test(rateWindow)) throw new Error(`bad rate window "${rateWindow}"`);
  return {
    cpuCores: `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total${selector({}, namespace, REAL_CONTAINERS)}[${rateWindow}]))`,
    memoryBytes: `sum by (namespace, pod) (container_memory_working_set_bytes${selector({}, namespace, REAL_CONTAINERS)})`,
    requests: `sum by (namespace, pod, resource) (kube_pod_container_resource_requests${selector({}, namespace, ['resource=~"cpu|memory"'])})`,
    limits: `sum by (namespace, pod, resource) (kube_pod_container_resource_limits${selector({}, namespace, ['resource=~"cpu|memory"'])})`,
    restarts: `sum by (namespace, pod) (kube_pod_container_status_restarts_total${selector({}, namespace)})`,
    ready: `max by (namespace, pod) (kube_pod_status_ready${selector({ condition: 'true' }, namespace)})`,
    podOwner: `max by (namespace, pod, owner_kind, owner_name) (kube_pod_owner${selector({}, namespace)})`,
    replicaSetOwner: `max by (namespace, replicaset, owner_kind, owner_name) (kube_replicaset_owner${selector({ owner_kind: 'Deployment' }, namespace)})`,
  };
}
