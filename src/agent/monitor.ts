/**
 * The monitor step: one agent_observation call (src/services/observation.ts) answers every deployment and node with
 * per-deployment pod aggregates, and full pod rows only where something is off; focus.ts then picks the deployments
 * the policy must look at, and a second call fetches all pods of those not already asked for (usually none: the
 * monitor asks for the ones still focused from earlier checks in the first call). The policy's Observation holds the
 * focused deployments with their pods; quiet ones are reported in the overview only.
 *
 * The tools report a pod's restart count but not when its container last died, so the monitor remembers the count
 * of every pod that has restarted (the server lists them per deployment): a count that rose is a crash seen now
 * (`lastTerminatedAt`), and it stays "recent" until a later check finds the pod ready with no new restart — which is
 * what verifying a crash healed means. A pod with no restart needs no memory: a first restart is a rise from none.
 */
import { agentObservationTool } from '../../tools/agent-observation.js';
import type { History } from '../policy/history.js';
import type { DeploymentMetrics, DeploymentView, NodeView, Observation, PodView } from '../policy/observation.js';
import { deploymentKey } from '../policy/observation.js';
import type { AgentPolicy } from '../policy/settings.js';
import { LINGER_MS, focusReason } from './focus.js';
import type { ToolClient, ToolOutput } from './tool-client.js';

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
  /** per deployment: when it was last focused, and its memory per pod at the last check */
  deployments?: Record<string, DeploymentMemory>;
}

interface PodMemory {
  restarts: number;
  crashedAt?: number;
  /** The crash has been seen; the next check that finds the pod ready with no new restart clears it. */
  seenAt?: number;
}

interface DeploymentMemory {
  focusedAt?: number;
  memoryPerPod?: number;
}

/** What the agent_observation tool answers, typed by its output schema. */
export type ObservationOutput = ToolOutput<typeof agentObservationTool>;
export type PodRow = ObservationOutput['pods'][number];
export type DeploymentRow = ObservationOutput['deployments'][number];
export type NodeRow = ObservationOutput['nodes'][number];
export type GroupRow = ObservationOutput['groups'][number];

/** Every deployment with its aggregate figures, focused or not: the cycle report's overview. */
export interface Overview {
  deployments: { view: DeploymentView; metrics?: DeploymentMetrics }[];
  pods: number;
  readyPods: number;
}

export interface Observed {
  /** What the policy reasons on: the focused deployments, their pods, the bare pods worth a look, every node. */
  obs: Observation;
  /** Deployments left out of `obs` this cycle because nothing about them needs a decision. */
  quiet: DeploymentView[];
  /** Why each focused deployment is focused (`namespace/name` → reason). */
  focus: Record<string, string>;
  overview: Overview;
}

/** What the policy's memory and settings say about focusing (focus.ts). */
export interface FocusContext {
  history: History;
  policy: AgentPolicy;
}

/** The tools answer null for "not known"; the observation leaves such fields out (and an empty string too). */
const opt = (v: string | null): string | undefined => v || undefined;
const time = (v: string | null): number | undefined => {
  const t = v === null ? NaN : Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
};

export class Monitor {
  private readonly pods = new Map<string, PodMemory>();
  private readonly deployments = new Map<string, DeploymentMemory>();
  private lastCheckAt: number | undefined;

  constructor(
    private readonly client: ToolClient,
    private readonly options: MonitorOptions,
  ) {}

  /** The restart counts and focus remembered between checks, as JSON for the agent state (bounded by what is off). */
  memory(): MonitorMemory {
    // Only the focused deployments' entries: one per deployment would outgrow the state document on a large cluster,
    // and a per-pod memory figure lost on restart only delays "memory rising" by one check.
    const focused = [...this.deployments].filter(([, m]) => m.focusedAt !== undefined);
    return { lastCheckAt: this.lastCheckAt ?? null, pods: Object.fromEntries(this.pods), deployments: Object.fromEntries(focused) };
  }

  /** Continues from a memory saved by an earlier process: a restart count that rose meanwhile is a crash seen now. */
  restore(m: MonitorMemory): void {
    this.pods.clear();
    this.deployments.clear();
    for (const [key, v] of Object.entries(m.pods ?? {})) if (typeof v?.restarts === 'number' && v.restarts > 0) this.pods.set(key, v);
    for (const [key, v] of Object.entries(m.deployments ?? {})) if (typeof v === 'object' && v !== null) this.deployments.set(key, v);
    this.lastCheckAt = typeof m.lastCheckAt === 'number' ? m.lastCheckAt : undefined;
  }

  async observe(now: number, focus: FocusContext): Promise<Observed> {
    const namespaces = this.options.namespaces;
    const lingering = [...this.deployments].filter(([, m]) => m.focusedAt !== undefined && now - m.focusedAt < LINGER_MS).map(([k]) => k);
    const answer = await this.read({ namespaces, ...(lingering.length ? { deployments: lingering } : {}) });
    const rows = new Map(answer.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
    const groups = new Map(answer.groups.map((g) => [`${g.namespace}/${g.name}`, g]));
    const crashedPods = this.trackRestarts(answer, now);
    const views = answer.deployments.map(toDeploymentView);
    const metrics: Record<string, DeploymentMetrics> = {};
    if (answer.metricsAvailable) for (const g of answer.groups) if (g.metrics) metrics[`${g.namespace}/${g.name}`] = toMetrics(g.metrics);

    const reasons: Record<string, string> = {};
    const quiet: DeploymentView[] = [];
    for (const [i, d] of views.entries()) {
      const key = deploymentKey(d);
      const row = answer.deployments[i]!;
      const g = groups.get(key);
      const mem = this.deployments.get(key) ?? {};
      const reason =
        focusReason({
          d,
          pods: g,
          metrics: metrics[key],
          metricsAvailable: answer.metricsAvailable,
          currentHash: row.revisionHashes.find((h) => String(h.revision) === d.revision)?.podTemplateHash,
          crashed: g?.restarted.some((r) => crashedPods.has(`${d.namespace}/${r.pod}`)) ?? false,
          previousMemoryPerPod: mem.memoryPerPod,
          history: focus.history,
          policy: focus.policy,
          now,
        }) ?? (mem.focusedAt !== undefined && now - mem.focusedAt < LINGER_MS ? 'lingering' : undefined);
      // A reason restarts the linger.
      const next: DeploymentMemory = { focusedAt: reason && reason !== 'lingering' ? now : mem.focusedAt };
      if (next.focusedAt !== undefined && now - next.focusedAt >= LINGER_MS) next.focusedAt = undefined;
      if (g?.podsWithMemory) next.memoryPerPod = g.memoryBytes / g.podsWithMemory;
      this.deployments.set(key, next);
      if (reason) reasons[key] = reason;
      else quiet.push(d);
    }
    for (const key of [...this.deployments.keys()]) if (!groups.has(key) && !views.some((d) => deploymentKey(d) === key)) this.deployments.delete(key);

    // The focused deployments not asked for in full by the first call.
    const asked = new Set(lingering);
    const missing = Object.keys(reasons).filter((k) => !asked.has(k) && (groups.get(k)?.pods ?? 0) > 0);
    if (missing.length > 0) {
      const more = await this.read({ namespaces, deployments: missing });
      for (const p of more.pods) rows.set(`${p.namespace}/${p.name}`, p);
    }

    // In the API's order (namespace, then name), whichever call brought a row.
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const focusedRows = [...rows.values()]
      .filter((p) => p.ownerDeployment === null || reasons[`${p.namespace}/${p.ownerDeployment}`] !== undefined)
      .sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
    const hashes = revisionByHash(answer.deployments);
    const pods = focusedRows.map((r) => {
      const p = toPodView(r);
      applyUsage(p, r);
      const rev = r.podTemplateHash && p.ownerDeployment ? hashes.get(`${p.namespace}/${p.ownerDeployment}/${r.podTemplateHash}`) : undefined;
      if (rev !== undefined) p.revision = rev;
      const crashedAt = this.pods.get(`${p.namespace}/${p.name}`)?.crashedAt;
      if (crashedAt !== undefined) p.lastTerminatedAt = crashedAt;
      return p;
    });
    this.lastCheckAt = now;
    const focused = views.filter((d) => reasons[deploymentKey(d)] !== undefined);
    return {
      obs: {
        at: now,
        namespaces: namespaces.length ? [...namespaces] : [...new Set(views.map((d) => d.namespace))].sort(),
        deployments: focused,
        pods,
        nodes: answer.nodes.map(toNodeView),
        metrics: Object.fromEntries(focused.filter((d) => metrics[deploymentKey(d)]).map((d) => [deploymentKey(d), metrics[deploymentKey(d)]!])),
        metricsAvailable: answer.metricsAvailable,
      },
      quiet,
      focus: reasons,
      overview: {
        deployments: views.map((view) => ({ view, metrics: metrics[deploymentKey(view)] })),
        pods: answer.totals.pods,
        readyPods: answer.totals.readyPods,
      },
    };
  }

  private async read(args: { namespaces: string[]; deployments?: string[]; allPods?: boolean }): Promise<ObservationOutput> {
    const r = await this.client.call(agentObservationTool, args);
    if (!r.ok) throw new MonitorError(`${agentObservationTool.name}: ${r.error}`);
    return r.value;
  }

  /** Updates the restart memory from the restarted pods the server listed; answers the pods with a recent crash. */
  private trackRestarts(answer: ObservationOutput, now: number): Set<string> {
    const seen = new Set<string>();
    const crashed = new Set<string>();
    const restarted = [
      ...answer.groups.flatMap((g) => g.restarted.map((r) => ({ key: `${g.namespace}/${r.pod}`, restarts: r.restarts, ready: r.ready }))),
      ...answer.pods
        .filter((p) => p.ownerDeployment === null && p.restarts > 0)
        .map((p) => ({ key: `${p.namespace}/${p.name}`, restarts: p.restarts, ready: p.ready })),
    ];
    for (const p of restarted) {
      seen.add(p.key);
      const prev = this.pods.get(p.key);
      const mem: PodMemory = { restarts: p.restarts, crashedAt: prev?.crashedAt, seenAt: prev?.seenAt };
      // A pod that was not there (or had not restarted) at the last check and has restarted now crashed in between.
      const rose = prev ? p.restarts > prev.restarts : this.lastCheckAt !== undefined;
      if (rose) {
        mem.crashedAt = now;
        mem.seenAt = now;
      } else if (mem.crashedAt !== undefined && p.ready && mem.seenAt !== undefined && mem.seenAt < now) {
        mem.crashedAt = undefined;
        mem.seenAt = undefined;
      }
      this.pods.set(p.key, mem);
      if (mem.crashedAt !== undefined) crashed.add(p.key);
    }
    for (const key of [...this.pods.keys()]) if (!seen.has(key)) this.pods.delete(key);
    return crashed;
  }
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

/** A request or limit of 0 means "none set" (the server sums containers, and an unset one counts 0). */
function applyUsage(p: PodView, row: PodRow): void {
  const positive = (n: number) => (n > 0 ? n : undefined);
  p.cpuRequestMillicores = positive(row.cpuRequestMillicores);
  p.cpuLimitMillicores = positive(row.cpuLimitMillicores);
  p.memoryRequestBytes = positive(row.memoryRequestBytes);
  p.memoryLimitBytes = positive(row.memoryLimitBytes);
  if (row.cpuMillicores !== null) p.cpuMillicores = row.cpuMillicores;
  if (row.memoryBytes !== null) p.memoryBytes = row.memoryBytes;
}

/**
 * Each pod's revision, from its pod-template-hash and its deployment's ReplicaSets: which pods of a rollout are
 * old and still serving is the evidence that the previous revision is healthy, even for an agent that just started.
 */
function revisionByHash(deploymentRows: readonly DeploymentRow[]): Map<string, string> {
  const byHash = new Map<string, string>();
  for (const d of deploymentRows) for (const h of d.revisionHashes) byHash.set(`${d.namespace}/${d.name}/${h.podTemplateHash}`, String(h.revision));
  return byHash;
}

function toMetrics(m: NonNullable<GroupRow['metrics']>): DeploymentMetrics {
  return {
    cpuMillicores: m.cpuMillicores,
    cpuRequestMillicores: m.cpuRequestMillicores,
    cpuLimitMillicores: m.cpuLimitMillicores ?? undefined,
    cpuUtilization: m.cpuUtilization,
    memoryBytes: m.memoryBytes,
    memoryRequestBytes: m.memoryRequestBytes ?? undefined,
    memoryLimitBytes: m.memoryLimitBytes ?? undefined,
    memoryUtilization: m.memoryUtilization,
    podsWithMetrics: m.podsWithMetrics,
    readyPods: m.readyPods,
    complete: m.complete,
  };
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
