/**
 * Joins the per-fact Prometheus vectors of queries.ts into one row per pod and sums them per deployment.
 * Pure: results in, rows out, so the joining rules are tested without a Prometheus.
 */
import type { InstantSample } from './prometheus-client.js';
import type { PodQueries } from './queries.js';

export type PodQueryResults = Record<keyof PodQueries, InstantSample[]>;

export interface PodMetricsRow {
  namespace: string;
  pod: string;
  /** From kube_pod_owner → kube_replicaset_owner; absent for bare pods or without kube-state-metrics. */
  deployment?: string;
  ready?: boolean;
  restarts?: number;
  /** Absent when Prometheus has no usage for the pod (new pod, fewer than two scrapes in the window). */
  cpuMillicores?: number;
  memoryBytes?: number;
  cpuRequestMillicores: number;
  memoryRequestBytes: number;
  cpuLimitMillicores: number;
  memoryLimitBytes: number;
}

export interface DeploymentMetricsRow {
  namespace: string;
  deployment: string;
  pods: number;
  cpuMillicores: number;
  memoryBytes: number;
  cpuRequestMillicores: number;
  memoryRequestBytes: number;
  cpuLimitMillicores: number;
  memoryLimitBytes: number;
  /** False when some pod of the deployment had no usage: sums are then lower bounds. */
  complete: boolean;
}

const key = (ns: string, name: string) => `${ns}/${name}`;

function value(s: InstantSample): number {
  return Number(s.value[1]);
}

function byPod(samples: InstantSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const { namespace, pod } = s.metric;
    const v = value(s);
    if (namespace && pod && Number.isFinite(v)) out.set(key(namespace, pod), v);
  }
  return out;
}

function resourceByPod(samples: InstantSample[], resource: 'cpu' | 'memory'): Map<string, number> {
  return byPod(samples.filter((s) => s.metric.resource === resource));
}

/**
 * The pods are the ones kube-state-metrics reports now. cAdvisor's rate() still sees a deleted pod for one
 * rate window, so usage alone does not make a pod exist — unless kube-state-metrics is absent altogether.
 */
export function buildPodRows(r: PodQueryResults): PodMetricsRow[] {
  const cpu = byPod(r.cpuCores);
  const mem = byPod(r.memoryBytes);
  const ready = byPod(r.ready);
  const restarts = byPod(r.restarts);
  const cpuReq = resourceByPod(r.requests, 'cpu');
  const memReq = resourceByPod(r.requests, 'memory');
  const cpuLim = resourceByPod(r.limits, 'cpu');
  const memLim = resourceByPod(r.limits, 'memory');

  const rsOwner = new Map<string, string>();
  for (const s of r.replicaSetOwner) {
    const { namespace, replicaset, owner_name } = s.metric;
    if (namespace && replicaset && owner_name) rsOwner.set(key(namespace, replicaset), owner_name);
  }
  const owner = new Map<string, string | undefined>();
  for (const s of r.podOwner) {
    const { namespace, pod, owner_kind, owner_name } = s.metric;
    if (!namespace || !pod) continue;
    const k = key(namespace, pod);
    const deployment = owner_kind === 'ReplicaSet' && owner_name ? rsOwner.get(key(namespace, owner_name)) : undefined;
    owner.set(k, owner.get(k) ?? deployment);
  }

  const universe = new Set<string>([...owner.keys(), ...ready.keys()]);
  if (universe.size === 0) for (const k of [...cpu.keys(), ...mem.keys()]) universe.add(k);

  const rows: PodMetricsRow[] = [];
  for (const k of [...universe].sort()) {
    const [namespace, pod] = k.split('/') as [string, string];
    const row: PodMetricsRow = {
      namespace,
      pod,
      cpuRequestMillicores: Math.round((cpuReq.get(k) ?? 0) * 1000),
      memoryRequestBytes: memReq.get(k) ?? 0,
      cpuLimitMillicores: Math.round((cpuLim.get(k) ?? 0) * 1000),
      memoryLimitBytes: memLim.get(k) ?? 0,
    };
    const deployment = owner.get(k);
    if (deployment) row.deployment = deployment;
    if (ready.has(k)) row.ready = ready.get(k)! >= 1;
    if (restarts.has(k)) row.restarts = restarts.get(k)!;
    // Millicores keep one decimal: a rate over a short window is not an integer and rounding hides drift.
    if (cpu.has(k)) row.cpuMillicores = Math.round(cpu.get(k)! * 10_000) / 10;
    if (mem.has(k)) row.memoryBytes = mem.get(k)!;
    rows.push(row);
  }
  return rows;
}

export function sumByDeployment(rows: PodMetricsRow[]): DeploymentMetricsRow[] {
  const out = new Map<string, DeploymentMetricsRow>();
  for (const p of rows) {
    if (!p.deployment) continue;
    const k = key(p.namespace, p.deployment);
    let d = out.get(k);
    if (!d) {
      d = {
        namespace: p.namespace,
        deployment: p.deployment,
        pods: 0,
        cpuMillicores: 0,
        memoryBytes: 0,
        cpuRequestMillicores: 0,
        memoryRequestBytes: 0,
        cpuLimitMillicores: 0,
        memoryLimitBytes: 0,
        complete: true,
      };
      out.set(k, d);
    }
    d.pods++;
    d.cpuMillicores += p.cpuMillicores ?? 0;
    d.memoryBytes += p.memoryBytes ?? 0;
    d.cpuRequestMillicores += p.cpuRequestMillicores;
    d.memoryRequestBytes += p.memoryRequestBytes;
    d.cpuLimitMillicores += p.cpuLimitMillicores;
    d.memoryLimitBytes += p.memoryLimitBytes;
    if (p.cpuMillicores === undefined || p.memoryBytes === undefined) d.complete = false;
  }
  for (const d of out.values()) d.cpuMillicores = Math.round(d.cpuMillicores * 10) / 10;
  return [...out.values()].sort((a, b) => key(a.namespace, a.deployment).localeCompare(key(b.namespace, b.deployment)));
}
