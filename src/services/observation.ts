/**
 * What the agent observes each cycle, computed next to the data (the watch-fed cache when synced, the API server
 * otherwise) so the cycle's cost follows the deployments that need a decision rather than the pods in the cluster:
 *
 *   - every deployment (as list_deployments summarizes it) and node;
 *   - per deployment, aggregates of its pods: how many, ready, terminating, unhealthy, the pod-template-hashes they
 *     run, the pods that have restarted (name, count, ready: the agent's crash memory), and CPU/memory usage against
 *     requests over the ready pods with a sample (what the HPA reasons on);
 *   - full pod rows (summary + requests, limits and usage) only for unhealthy pods, pods on NotReady nodes, bare pods
 *     that have restarted, and every pod of the deployments the caller names (`deployments`) — or of all (`allPods`).
 *
 * A healthy deployment of 100 pods is therefore one aggregate, not 100 rows through the wire and the schemas.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { cpuMillicores, memoryBytes } from '../base/quantity.js';
import type { ReadSource } from '../k8s/cache/index.js';
import { API_SOURCE, cachedAll, summarizeCachedPod } from './cached-reads.js';
import type { ServiceContext } from './context.js';
import { type DeploymentSummary, DeploymentSummarySchema } from './deployment-summary.js';
import { listDeployments } from './deployments.js';
import { listNodes, type NodeSummary, NodeSummarySchema } from './nodes.js';
import type { CuttablePage } from './paging.js';
import { isUnhealthy, type PodSummary, PodSummarySchema, summarizePod } from './pod-summary.js';

export const PodDetailSchema = PodSummarySchema.extend({
  cpuRequestMillicores: z.number().describe('summed over containers; 0 = none set (or the pod is not running)'),
  cpuLimitMillicores: z.number(),
  memoryRequestBytes: z.number(),
  memoryLimitBytes: z.number(),
  cpuMillicores: z.number().nullable().describe('usage from the metrics sample; null without one'),
  memoryBytes: z.number().nullable(),
});
export type PodDetail = z.infer<typeof PodDetailSchema>;

export const UsageAggregateSchema = z.object({
  cpuMillicores: z.number(),
  cpuRequestMillicores: z.number(),
  cpuLimitMillicores: z.number().nullable().describe('null when a measured pod has no limit'),
  memoryBytes: z.number(),
  memoryRequestBytes: z.number().nullable(),
  memoryLimitBytes: z.number().nullable(),
  cpuUtilization: z.number().describe('% of request'),
  memoryUtilization: z.number(),
  podsWithMetrics: z.number().int(),
  readyPods: z.number().int(),
  complete: z.boolean().describe('every ready pod had a sample'),
});
export type UsageAggregate = z.infer<typeof UsageAggregateSchema>;

export const PodGroupSchema = z.object({
  namespace: z.string(),
  name: z.string().describe('the owning deployment'),
  pods: z.number().int(),
  readyPods: z.number().int(),
  terminating: z.number().int(),
  unhealthy: z.number().int().describe('pods whose row is in `pods`: not ready, failing, pending, terminating'),
  hashes: z.array(z.string()).describe('distinct pod-template-hashes of its pods that are not terminating'),
  restarted: z.array(z.object({ pod: z.string(), restarts: z.number().int(), ready: z.boolean() })).describe('pods with at least one restart'),
  memoryBytes: z.number().describe('summed usage of the pods with a sample (ready or not)'),
  podsWithMemory: z.number().int(),
  metrics: UsageAggregateSchema.nullable().describe('over the ready pods with a sample; null without samples or CPU requests'),
});
export type PodGroup = z.infer<typeof PodGroupSchema>;

export const AgentObservationSchema = {
  deployments: z.array(DeploymentSummarySchema),
  groups: z.array(PodGroupSchema),
  nodes: z.array(NodeSummarySchema),
  pods: z.array(PodDetailSchema),
  totals: z.object({ pods: z.number().int(), readyPods: z.number().int() }),
  metricsAvailable: z.boolean(),
};

export interface AgentObservationInput {
  /** empty or absent = all namespaces */
  namespaces?: string[];
  /** `namespace/name` of deployments whose pods are all wanted in full */
  deployments?: string[];
  allPods?: boolean;
}

export interface AgentObservation {
  deployments: DeploymentSummary[];
  groups: PodGroup[];
  nodes: NodeSummary[];
  pods: PodDetail[];
  totals: { pods: number; readyPods: number };
  metricsAvailable: boolean;
  source: ReadSource;
}

export async function agentObservation(ctx: ServiceContext, input: AgentObservationInput): Promise<AgentObservation> {
  const namespaces = input.namespaces ?? [];
  const ns = namespaces.length === 1 ? namespaces[0] : undefined;
  const keep = (namespace: string | undefined) => namespaces.length <= 1 || namespaces.includes(namespace ?? '');
  const cached = cachedAll(ctx, 'pods', ns);
  const [podList, sample, deployments, nodes] = await Promise.all([
    cached ? cached.items : ctx.cluster.listPods(ns).then((p) => p.items),
    // A metrics pipeline that fails is `metricsAvailable: false` (the agent escalates it), never a failed observation:
    // healing must not stop because metrics-server is down.
    ctx.metrics.podUsage(ns).catch(() => undefined),
    everyPage((c) => listDeployments(ctx, { namespace: ns, continue: c })),
    everyPage((c) => listNodes(ctx, { continue: c })),
  ]);
  const summarize = cached ? summarizeCachedPod : summarizePod;
  const usage = usageIndex(sample?.pods ?? []);
  const notReadyNodes = new Set(nodes.filter((n) => !n.ready).map((n) => n.name));
  const wanted = new Set(input.deployments ?? []);
  const groups = new Map<string, GroupBuilder>();
  const pods: PodDetail[] = [];
  let ready = 0;
  let total = 0;
  for (const raw of podList) {
    if (!keep(raw.metadata?.namespace)) continue;
    const p = summarize(raw);
    total++;
    if (p.ready) ready++;
    // Requests, limits and usage count for running pods only, as get_metrics counts them.
    const running = p.phase === 'Running' && !raw.metadata?.deletionTimestamp;
    const res = running ? resourcesOf(raw) : NO_RESOURCES;
    const u = running ? usage.get(`${p.namespace}/${p.name}`) : undefined;
    const unhealthy = isUnhealthy(p) || p.reason !== null || p.phase !== 'Running';
    if (p.ownerDeployment) {
      const key = `${p.namespace}/${p.ownerDeployment}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = new GroupBuilder(p.namespace, p.ownerDeployment)));
      g.add(p, res, u, unhealthy);
    }
    const onDownNode = p.node !== null && notReadyNodes.has(p.node);
    const inWanted = p.ownerDeployment !== null && wanted.has(`${p.namespace}/${p.ownerDeployment}`);
    // A bare pod that restarted may have crashed since the last cycle: no aggregate speaks for it.
    const bareRestarted = p.ownerDeployment === null && p.restarts > 0;
    if (input.allPods || unhealthy || onDownNode || inWanted || bareRestarted)
      pods.push({ ...p, ...res, cpuMillicores: u?.cpuMillicores ?? null, memoryBytes: u?.memoryBytes ?? null });
  }
  return {
    deployments: deployments.filter((d) => keep(d.namespace)),
    groups: [...groups.values()].map((g) => g.build()),
    nodes,
    pods,
    totals: { pods: total, readyPods: ready },
    metricsAvailable: sample !== undefined,
    source: cached?.source ?? API_SOURCE,
  };
}

type Resources = Pick<PodDetail, 'cpuRequestMillicores' | 'cpuLimitMillicores' | 'memoryRequestBytes' | 'memoryLimitBytes'>;
type Usage = { cpuMillicores: number; memoryBytes: number };

const NO_RESOURCES: Resources = { cpuRequestMillicores: 0, cpuLimitMillicores: 0, memoryRequestBytes: 0, memoryLimitBytes: 0 };

/** A pod's spec never changes (a cached pod is replaced, not mutated), so its summed requests are parsed once. */
const resources = new WeakMap<V1Pod, Resources>();

function resourcesOf(raw: V1Pod): Resources {
  let r = resources.get(raw);
  if (r) return r;
  const containers = raw.spec?.containers ?? [];
  const sum = (f: (c: (typeof containers)[number]) => number) => containers.reduce((n, c) => n + f(c), 0);
  r = {
    cpuRequestMillicores: sum((c) => cpuMillicores(c.resources?.requests?.cpu)),
    cpuLimitMillicores: sum((c) => cpuMillicores(c.resources?.limits?.cpu)),
    memoryRequestBytes: sum((c) => memoryBytes(c.resources?.requests?.memory)),
    memoryLimitBytes: sum((c) => memoryBytes(c.resources?.limits?.memory)),
  };
  resources.set(raw, r);
  return r;
}

/** The metrics sample is kept for metrics.sampleSeconds: its index by pod is built once per sample. */
const usageIndexes = new WeakMap<readonly { namespace: string; pod: string }[], Map<string, Usage>>();

function usageIndex(pods: readonly (Usage & { namespace: string; pod: string })[]): Map<string, Usage> {
  let index = usageIndexes.get(pods);
  if (!index) {
    index = new Map(pods.map((u) => [`${u.namespace}/${u.pod}`, u]));
    usageIndexes.set(pods, index);
  }
  return index;
}

class GroupBuilder {
  private pods = 0;
  private ready = 0;
  private terminating = 0;
  private unhealthy = 0;
  private memory = 0;
  private memoryPods = 0;
  private readonly hashes = new Set<string>();
  private readonly restarted: PodGroup['restarted'] = [];
  /** Over the ready, staying pods with a CPU sample: what the HPA averages over. */
  private readonly sums = new UsageSums();
  private readyStaying = 0;

  constructor(
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  add(p: PodSummary, res: Resources, u: Usage | undefined, unhealthy: boolean): void {
    this.pods++;
    if (p.ready) this.ready++;
    if (unhealthy) this.unhealthy++;
    const leaving = p.reason === 'Terminating';
    if (leaving) this.terminating++;
    else if (p.podTemplateHash) this.hashes.add(p.podTemplateHash);
    if (p.restarts > 0) this.restarted.push({ pod: p.name, restarts: p.restarts, ready: p.ready });
    if (u) {
      this.memory += u.memoryBytes;
      this.memoryPods++;
    }
    if (!p.ready || leaving) return;
    this.readyStaying++;
    if (u) this.sums.add(res, u);
  }

  build(): PodGroup {
    return {
      namespace: this.namespace,
      name: this.name,
      pods: this.pods,
      readyPods: this.ready,
      terminating: this.terminating,
      unhealthy: this.unhealthy,
      hashes: [...this.hashes].sort(),
      restarted: this.restarted,
      memoryBytes: this.memory,
      podsWithMemory: this.memoryPods,
      metrics: this.sums.aggregate(this.readyStaying),
    };
  }
}

/**
 * Usage against requests over the ready pods with a sample, as the HPA does (a starting or failing pod idles and
 * would drag utilization down). A request or limit of 0 means none set; a limit sum is given only when every
 * measured pod has one.
 */
export class UsageSums {
  private n = 0;
  private cpu = 0;
  private mem = 0;
  private cpuRequest = 0;
  private memRequest = 0;
  private cpuLimit: number | null = 0;
  private memLimit: number | null = 0;

  add(res: Resources, u: Usage): void {
    this.n++;
    this.cpu += u.cpuMillicores;
    this.mem += u.memoryBytes;
    this.cpuRequest += res.cpuRequestMillicores;
    this.memRequest += res.memoryRequestBytes;
    this.cpuLimit = this.cpuLimit !== null && res.cpuLimitMillicores > 0 ? this.cpuLimit + res.cpuLimitMillicores : null;
    this.memLimit = this.memLimit !== null && res.memoryLimitBytes > 0 ? this.memLimit + res.memoryLimitBytes : null;
  }

  aggregate(readyPods: number): UsageAggregate | null {
    if (this.n === 0 || this.cpuRequest <= 0) return null;
    return {
      cpuMillicores: this.cpu,
      cpuRequestMillicores: this.cpuRequest,
      cpuLimitMillicores: this.cpuLimit,
      memoryBytes: this.mem,
      memoryRequestBytes: this.memRequest || null,
      memoryLimitBytes: this.memLimit,
      cpuUtilization: (this.cpu / this.cpuRequest) * 100,
      memoryUtilization: this.memRequest > 0 ? (this.mem / this.memRequest) * 100 : 0,
      podsWithMetrics: this.n,
      readyPods,
      complete: this.n === readyPods,
    };
  }
}

/** Every item of a paged service read (the cache answers in one page; the API in pages of safety.maxListItems). */
async function everyPage<T>(read: (cont: string | undefined) => Promise<CuttablePage<T>>): Promise<T[]> {
  const out: T[] = [];
  let cont: string | undefined;
  do {
    const page = await read(cont);
    const { items, continue: next } = page.cut(page.size);
    out.push(...items);
    cont = next;
  } while (cont);
  return out;
}
