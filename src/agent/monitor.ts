/**
 * The monitor step: one call each of list_deployments, list_pods, list_nodes and get_metrics (per pod), mapped
 * onto the agent's Observation. Per-deployment metrics are aggregated here from the per-pod rows over the READY
 * pods, as the HPA does (a pod that is starting or failing idles and would drag utilization down).
 *
 * The tools report a pod's restart count but not when its container last died, so the monitor remembers each
 * pod's count between cycles: a count that rose is a crash seen now (`lastTerminatedAt`), and it stays "recent"
 * until a later check finds the pod ready with no new restart — which is what verifying a crash healed means.
 */
import type { DeploymentCondition, DeploymentMetrics, DeploymentView, NodeView, Observation, PodView } from '../policy/observation.js';
import { deploymentKey } from '../policy/observation.js';
import type { ToolClient } from './tool-client.js';

export interface MonitorOptions {
  /** Namespaces to look at; empty = all namespaces. */
  namespaces: string[];
}

/** Raised when the cluster itself could not be listed: the cycle has nothing to reason on. */
export class MonitorError extends Error {
  override readonly name = 'MonitorError';
}

interface PodMemory {
  restarts: number;
  crashedAt?: number;
  /** The crash has been seen; the next check that finds the pod ready with no new restart clears it. */
  seenAt?: number;
}

type Row = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const time = (v: unknown): number | undefined => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : undefined;
};

export class Monitor {
  private readonly pods = new Map<string, PodMemory>();
  private lastCheckAt: number | undefined;

  constructor(
    private readonly client: ToolClient,
    private readonly options: MonitorOptions,
  ) {}

  async observe(now: number): Promise<Observation> {
    const ns = this.options.namespaces.length === 1 ? { namespace: this.options.namespaces[0] } : {};
    const [deployments, pods, nodes, metrics] = await Promise.all([
      this.listAll('list_deployments', ns),
      this.listAll('list_pods', ns),
      this.listAll('list_nodes', {}),
      this.client.call('get_metrics', { ...ns, scope: 'pod' }),
    ]);
    const keep = (r: Row) => this.options.namespaces.length <= 1 || this.options.namespaces.includes(String(r.namespace));
    const podRows = pods.filter(keep);
    const podViews = this.trackRestarts(podRows.map(toPodView), now);
    const usage = new Map<string, Row>();
    if (metrics.ok) for (const r of (metrics.value.items as Row[]) ?? []) usage.set(`${r.namespace}/${r.name}`, r);
    for (const p of podViews) applyUsage(p, usage.get(`${p.namespace}/${p.name}`));
    const deploymentRows = deployments.filter(keep);
    const deploymentViews = deploymentRows.map(toDeploymentView);
    applyRevisions(podViews, podRows, deploymentRows);
    this.lastCheckAt = now;
    return {
      at: now,
      namespaces: this.options.namespaces.length ? [...this.options.namespaces] : [...new Set(deploymentViews.map((d) => d.namespace))].sort(),
      deployments: deploymentViews,
      pods: podViews,
      nodes: nodes.map(toNodeView),
      metrics: metrics.ok ? aggregate(deploymentViews, podViews) : {},
      metricsAvailable: metrics.ok,
    };
  }

  /** Follows `continue` so a large cluster is seen whole; usually one page. */
  private async listAll(tool: string, args: Record<string, unknown>): Promise<Row[]> {
    const items: Row[] = [];
    let token: string | undefined;
    do {
      const r = await this.client.call(tool, token ? { ...args, continue: token } : args);
      if (!r.ok) throw new MonitorError(`${tool}: ${r.error}`);
      items.push(...((r.value.items as Row[]) ?? []));
      token = str(r.value.continue);
    } while (token);
    return items;
  }

  private trackRestarts(pods: PodView[], now: number): PodView[] {
    const seen = new Set<string>();
    for (const p of pods) {
      const key = `${p.namespace}/${p.name}`;
      seen.add(key);
      const prev = this.pods.get(key);
      const mem: PodMemory = { restarts: p.restarts, crashedAt: prev?.crashedAt, seenAt: prev?.seenAt };
      // A pod that was not there at the last check and has restarted already crashed in between, too.
      const rose = prev ? p.restarts > prev.restarts : this.lastCheckAt !== undefined && p.restarts > 0;
      if (rose) {
        mem.crashedAt = now;
        mem.seenAt = now;
      } else if (mem.crashedAt !== undefined && p.ready && mem.seenAt !== undefined && mem.seenAt < now) {
        mem.crashedAt = undefined;
        mem.seenAt = undefined;
      }
      this.pods.set(key, mem);
      if (mem.crashedAt !== undefined) p.lastTerminatedAt = mem.crashedAt;
    }
    for (const key of [...this.pods.keys()]) if (!seen.has(key)) this.pods.delete(key);
    return pods;
  }
}

export function toPodView(r: Row): PodView {
  return {
    namespace: String(r.namespace),
    name: String(r.name),
    ownerDeployment: str(r.ownerDeployment),
    phase: (str(r.phase) ?? 'Unknown') as PodView['phase'],
    ready: r.ready === true,
    node: str(r.node),
    restarts: num(r.restarts) ?? 0,
    reason: str(r.reason),
    message: str(r.message),
    lastTerminationReason: str(r.lastTerminationReason),
    lastRunSeconds: num(r.lastRunSeconds),
    scheduled: r.scheduled !== false,
    unschedulableMessage: str(r.unschedulableMessage),
    createdAt: time(r.createdAt) ?? 0,
  };
}

function applyUsage(p: PodView, row: Row | undefined): void {
  if (!row) return;
  const positive = (v: unknown) => {
    const n = num(v);
    return n !== undefined && n > 0 ? n : undefined;
  };
  p.cpuRequestMillicores = positive(row.cpuRequestMillicores);
  p.cpuLimitMillicores = positive(row.cpuLimitMillicores);
  p.memoryRequestBytes = positive(row.memoryRequestBytes);
  p.memoryLimitBytes = positive(row.memoryLimitBytes);
  if (num(row.podsWithMetrics) === 1) {
    p.cpuMillicores = num(row.cpuMillicores);
    p.memoryBytes = num(row.memoryBytes);
  }
}

/**
 * Each pod's revision, from its pod-template-hash and its deployment's ReplicaSets: which pods of a rollout are
 * old and still serving is the evidence that the previous revision is healthy, even for an agent that just started.
 */
export function applyRevisions(pods: PodView[], podRows: readonly Row[], deploymentRows: readonly Row[]): void {
  const byHash = new Map<string, string>();
  for (const d of deploymentRows) {
    for (const h of (Array.isArray(d.revisionHashes) ? d.revisionHashes : []) as Row[])
      byHash.set(`${d.namespace}/${d.name}/${h.podTemplateHash}`, String(h.revision));
  }
  pods.forEach((p, i) => {
    const hash = str(podRows[i]?.podTemplateHash);
    const rev = hash && p.ownerDeployment ? byHash.get(`${p.namespace}/${p.ownerDeployment}/${hash}`) : undefined;
    if (rev !== undefined) p.revision = rev;
  });
}

export function toDeploymentView(r: Row): DeploymentView {
  const rev = num(r.revision);
  const prev = num(r.previousRevision);
  return {
    namespace: String(r.namespace),
    name: String(r.name),
    replicas: num(r.replicas) ?? 0,
    readyReplicas: num(r.readyReplicas) ?? 0,
    updatedReplicas: num(r.updatedReplicas) ?? 0,
    availableReplicas: num(r.availableReplicas) ?? 0,
    revision: rev !== undefined ? String(rev) : undefined,
    previousRevision: prev !== undefined ? String(prev) : undefined,
    images: Array.isArray(r.images) ? r.images.map(String) : [],
    rolloutStartedAt: time(r.rolloutStartedAt),
    hpaControlled: r.hpaControlled === true,
    paused: r.paused === true,
    conditions: (Array.isArray(r.conditions) ? (r.conditions as Row[]) : []).map(
      (c): DeploymentCondition => ({ type: String(c.type), status: String(c.status), reason: str(c.reason), message: str(c.message) }),
    ),
  };
}

export function toNodeView(r: Row): NodeView {
  return { name: String(r.name), ready: r.ready === true, unschedulable: r.unschedulable === true };
}

/** Per-deployment figures over its ready pods that have a sample; deployments without any are left out. */
export function aggregate(deployments: readonly DeploymentView[], pods: readonly PodView[]): Record<string, DeploymentMetrics> {
  const out: Record<string, DeploymentMetrics> = {};
  for (const d of deployments) {
    const ready = pods.filter((p) => p.namespace === d.namespace && p.ownerDeployment === d.name && p.ready && p.reason !== 'Terminating');
    const measured = ready.filter((p) => p.cpuMillicores !== undefined);
    const sum = (f: (p: PodView) => number | undefined) => measured.reduce((n, p) => n + (f(p) ?? 0), 0);
    const cpuRequest = sum((p) => p.cpuRequestMillicores);
    if (measured.length === 0 || cpuRequest <= 0) continue;
    const memRequest = sum((p) => p.memoryRequestBytes);
    const cpuLimit = measured.every((p) => p.cpuLimitMillicores) ? sum((p) => p.cpuLimitMillicores) : undefined;
    const memLimit = measured.every((p) => p.memoryLimitBytes) ? sum((p) => p.memoryLimitBytes) : undefined;
    const cpu = sum((p) => p.cpuMillicores);
    const mem = sum((p) => p.memoryBytes);
    out[deploymentKey(d)] = {
      cpuMillicores: cpu,
      cpuRequestMillicores: cpuRequest,
      cpuLimitMillicores: cpuLimit,
      cpuUtilization: (cpu / cpuRequest) * 100,
      memoryBytes: mem,
      memoryRequestBytes: memRequest || undefined,
      memoryLimitBytes: memLimit,
      memoryUtilization: memRequest > 0 ? (mem / memRequest) * 100 : 0,
      podsWithMetrics: measured.length,
      readyPods: ready.length,
      complete: measured.length === ready.length,
    };
  }
  return out;
}
