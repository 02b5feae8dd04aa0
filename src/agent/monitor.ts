/**
 * The monitor step: one call each of list_deployments, list_pods, list_nodes and get_metrics (per pod), mapped
 * onto the agent's Observation. Per-deployment metrics are aggregated here from the per-pod rows over the READY
 * pods, as the HPA does (a pod that is starting or failing idles and would drag utilization down).
 *
 * The tools report a pod's restart count but not when its container last died, so the monitor remembers each
 * pod's count between cycles: a count that rose is a crash seen now (`lastTerminatedAt`), and it stays "recent"
 * until a later check finds the pod ready with no new restart — which is what verifying a crash healed means.
 */
import { getMetricsTool } from '../../tools/get-metrics.js';
import { listDeploymentsTool } from '../../tools/list-deployments.js';
import { listNodesTool } from '../../tools/list-nodes.js';
import { listPodsTool } from '../../tools/list-pods.js';
import type { DeploymentMetrics, DeploymentView, NodeView, Observation, PodView } from '../policy/observation.js';
import { deploymentKey } from '../policy/observation.js';
import type { Result, ToolClient, ToolOutput } from './tool-client.js';

export interface MonitorOptions {
  /** Namespaces to look at; empty = all namespaces. */
  namespaces: string[];
}

/** Raised when the cluster itself could not be listed: the cycle has nothing to reason on. */
export class MonitorError extends Error {
  override readonly name = 'MonitorError';
}

export interface MonitorMemory {
  lastCheckAt: number | null;
  pods: Record<string, PodMemory>;
}

interface PodMemory {
  restarts: number;
  crashedAt?: number;
  /** The crash has been seen; the next check that finds the pod ready with no new restart clears it. */
  seenAt?: number;
}

/** The rows the four tools answer with, typed by their output schemas. */
export type PodRow = ToolOutput<typeof listPodsTool>['items'][number];
export type DeploymentRow = ToolOutput<typeof listDeploymentsTool>['items'][number];
export type NodeRow = ToolOutput<typeof listNodesTool>['items'][number];
export type MetricRow = ToolOutput<typeof getMetricsTool>['items'][number];

/** The tools answer null for "not known"; the observation leaves such fields out (and an empty string too). */
const opt = (v: string | null): string | undefined => v || undefined;
const time = (v: string | null): number | undefined => {
  const t = v === null ? NaN : Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
};

export class Monitor {
  private readonly pods = new Map<string, PodMemory>();
  private lastCheckAt: number | undefined;

  constructor(
    private readonly client: ToolClient,
    private readonly options: MonitorOptions,
  ) {}

  /** The restart counts remembered between checks, as JSON for the agent state (bounded by the pods seen). */
  memory(): MonitorMemory {
    return { lastCheckAt: this.lastCheckAt ?? null, pods: Object.fromEntries(this.pods) };
  }

  /** Continues from a memory saved by an earlier process: a restart count that rose meanwhile is a crash seen now. */
  restore(m: MonitorMemory): void {
    this.pods.clear();
    for (const [key, v] of Object.entries(m.pods ?? {})) if (typeof v?.restarts === 'number') this.pods.set(key, v);
    this.lastCheckAt = typeof m.lastCheckAt === 'number' ? m.lastCheckAt : undefined;
  }

  async observe(now: number): Promise<Observation> {
    const ns = this.options.namespaces.length === 1 ? { namespace: this.options.namespaces[0] } : {};
    const [deployments, pods, nodes, metrics] = await Promise.all([
      listAll(listDeploymentsTool.name, (page) => this.client.call(listDeploymentsTool, { ...ns, ...page })),
      listAll(listPodsTool.name, (page) => this.client.call(listPodsTool, { ...ns, ...page })),
      listAll(listNodesTool.name, (page) => this.client.call(listNodesTool, page)),
      this.client.call(getMetricsTool, { ...ns, scope: 'pod' }),
    ]);
    const keep = (r: { namespace: string }) => this.options.namespaces.length <= 1 || this.options.namespaces.includes(r.namespace);
    const podRows = pods.filter(keep);
    const podViews = this.trackRestarts(podRows.map(toPodView), now);
    const usage = new Map<string, MetricRow>();
    if (metrics.ok) for (const r of metrics.value.items) usage.set(`${r.namespace}/${r.name}`, r);
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

/** Follows `continue` so a large cluster is seen whole; usually one page. */
async function listAll<T>(tool: string, page: (p: { continue?: string }) => Promise<Result<{ items: T[]; continue?: string }>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const r = await page(token ? { continue: token } : {});
    if (!r.ok) throw new MonitorError(`${tool}: ${r.error}`);
    items.push(...r.value.items);
    token = r.value.continue || undefined;
  } while (token);
  return items;
}

export function toPodView(r: PodRow): PodView {
  return {
    namespace: r.namespace,
    name: r.name,
    ownerDeployment: opt(r.ownerDeployment),
    phase: (opt(r.phase) ?? 'Unknown') as PodView['phase'],
    ready: r.ready,
    node: opt(r.node),
    restarts: r.restarts,
    reason: opt(r.reason),
    message: opt(r.message),
    lastTerminationReason: opt(r.lastTerminationReason),
    lastRunSeconds: r.lastRunSeconds ?? undefined,
    scheduled: r.scheduled,
    unschedulableMessage: opt(r.unschedulableMessage),
    createdAt: time(r.createdAt) ?? 0,
  };
}

function applyUsage(p: PodView, row: MetricRow | undefined): void {
  if (!row) return;
  // A request or limit of 0 means "none set" (the tool sums containers, and an unset one counts 0).
  const positive = (n: number) => (n > 0 ? n : undefined);
  p.cpuRequestMillicores = positive(row.cpuRequestMillicores);
  p.cpuLimitMillicores = positive(row.cpuLimitMillicores);
  p.memoryRequestBytes = positive(row.memoryRequestBytes);
  p.memoryLimitBytes = positive(row.memoryLimitBytes);
  if (row.podsWithMetrics === 1) {
    p.cpuMillicores = row.cpuMillicores;
    p.memoryBytes = row.memoryBytes;
  }
}

/**
 * Each pod's revision, from its pod-template-hash and its deployment's ReplicaSets: which pods of a rollout are
 * old and still serving is the evidence that the previous revision is healthy, even for an agent that just started.
 */
export function applyRevisions(pods: PodView[], podRows: readonly PodRow[], deploymentRows: readonly DeploymentRow[]): void {
  const byHash = new Map<string, string>();
  for (const d of deploymentRows) for (const h of d.revisionHashes) byHash.set(`${d.namespace}/${d.name}/${h.podTemplateHash}`, String(h.revision));
  pods.forEach((p, i) => {
    const hash = opt(podRows[i]?.podTemplateHash ?? null);
    const rev = hash && p.ownerDeployment ? byHash.get(`${p.namespace}/${p.ownerDeployment}/${hash}`) : undefined;
    if (rev !== undefined) p.revision = rev;
  });
}

export function toDeploymentView(r: DeploymentRow): DeploymentView {
  return {
    namespace: r.namespace,
    name: r.name,
    replicas: r.replicas,
    readyReplicas: r.readyReplicas,
    updatedReplicas: r.updatedReplicas,
    availableReplicas: r.availableReplicas,
    revision: r.revision !== null ? String(r.revision) : undefined,
    previousRevision: r.previousRevision !== null ? String(r.previousRevision) : undefined,
    images: r.images,
    rolloutStartedAt: time(r.rolloutStartedAt),
    hpaControlled: r.hpaControlled,
    replicasOwner: opt(r.replicasOwner),
    replicasSetBy: opt(r.replicasSetBy),
    scaleDownOptIn: r.scaleDownOptIn,
    paused: r.paused,
    conditions: r.conditions.map((c) => ({ type: c.type, status: c.status, reason: opt(c.reason), message: opt(c.message) })),
  };
}

export function toNodeView(r: NodeRow): NodeView {
  return { name: r.name, ready: r.ready, unschedulable: r.unschedulable };
}

/** Per-deployment figures over its ready pods that have a sample; deployments without any are left out. */
export function aggregate(deployments: readonly DeploymentView[], pods: readonly PodView[]): Record<string, DeploymentMetrics> {
  const out: Record<string, DeploymentMetrics> = {};
  // One pass over the pods, not one per deployment: 100 deployments x 10k pods was a million comparisons a cycle.
  const readyByDeployment = new Map<string, PodView[]>();
  for (const p of pods) {
    if (!p.ownerDeployment || !p.ready || p.reason === 'Terminating') continue;
    const key = `${p.namespace}/${p.ownerDeployment}`;
    const list = readyByDeployment.get(key);
    if (list) list.push(p);
    else readyByDeployment.set(key, [p]);
  }
  for (const d of deployments) {
    const ready = readyByDeployment.get(`${d.namespace}/${d.name}`) ?? [];
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
