/**
 * Scheduler: binds pending pods to nodes by CPU/memory requests against allocatable minus what is
 * already bound, skipping NotReady, cordoned and untolerated-tainted nodes, preferring the least
 * allocated node. When nothing fits the pod gets PodScheduled=False/Unschedulable with upstream's
 * "0/3 nodes are available: ..." message and a FailedScheduling event, and is retried when the cluster
 * changes (a pod goes, a node changes) or every 30 s.
 */
import type { TimerHandle } from '../../base/clock.js';
import { R } from '../resources.js';
import type { KObject } from '../types.js';
import type { SimContext } from './context.js';
import { getCondition, podKey, setCondition, splitKey } from './pods.js';
import { cpuMillicores, memoryBytes } from '../../base/quantity.js';
import { podRequests } from './quantity.js';
import { WorkQueue } from './queue.js';

const SOURCE = { component: 'default-scheduler' };
const RETRY_MS = 30_000;
export const POD_CONDITION_ORDER = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'DisruptionTarget'];

interface Usage {
  cpu: number;
  mem: number;
  pods: number;
}

/** What scheduling needs of a node, parsed once per node change instead of once per pod and node. */
interface NodeFacts {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  taints: Taint[];
  labels: Record<string, string>;
  cpu: number;
  mem: number;
  pods: number;
}

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export class Scheduler {
  private readonly queue: WorkQueue;
  private readonly usage = new Map<string, Usage>();
  private readonly accounted = new Map<string, { node: string; cpu: number; mem: number }>();
  private readonly unschedulable = new Set<string>();
  private readonly unwatch: (() => void)[] = [];
  private retryTimer?: TimerHandle;
  /** Nodes in name order; dropped on any node event (1,000 nodes x 100,000 pods made re-reading them the bring-up's cost). */
  private nodeFacts?: NodeFacts[];

  constructor(private readonly ctx: SimContext) {
    this.queue = new WorkQueue(ctx.clock, 'scheduler', (k) => this.schedule(k), ctx.logger);
  }

  start(): void {
    const { store, clock } = this.ctx;
    this.unwatch.push(
      store.watch(R.pods, {}, (ev) => {
        const key = podKey(ev.object);
        if (ev.type === 'DELETED') {
          this.unaccount(key);
          this.unschedulable.delete(key);
          this.wakeUnschedulable();
          return;
        }
        this.account(key, ev.object);
        if (this.wantsScheduling(ev.object) && !this.unschedulable.has(key)) this.queue.add(key);
      }),
      store.watch(R.nodes, {}, () => {
        this.nodeFacts = undefined;
        this.wakeUnschedulable();
      }),
    );
    const retry = (): void => {
      this.wakeUnschedulable();
      this.retryTimer = clock.setTimeout(retry, RETRY_MS);
    };
    this.retryTimer = clock.setTimeout(retry, RETRY_MS);
  }

  stop(): void {
    for (const u of this.unwatch) u();
    this.ctx.clock.clearTimeout(this.retryTimer);
    this.queue.stop();
  }

  /** Requests bound to a node so far (for tests and node metrics). */
  nodeUsage(node: string): Usage {
    return { ...(this.usage.get(node) ?? { cpu: 0, mem: 0, pods: 0 }) };
  }

  private wantsScheduling(pod: KObject): boolean {
    return !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && (pod.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler';
  }

  private wakeUnschedulable(): void {
    for (const key of this.unschedulable) this.queue.add(key);
    this.unschedulable.clear();
  }

  private account(key: string, pod: KObject): void {
    const node = pod.spec?.nodeName as string | undefined;
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    const prev = this.accounted.get(key);
    if (prev && (prev.node !== node || finished)) this.unaccount(key);
    if (!node || finished || this.accounted.has(key)) return;
    const req = podRequests(pod);
    this.accounted.set(key, { node, cpu: req.cpu, mem: req.mem });
    const u = this.usage.get(node) ?? { cpu: 0, mem: 0, pods: 0 };
    this.usage.set(node, { cpu: u.cpu + req.cpu, mem: u.mem + req.mem, pods: u.pods + 1 });
  }

  private unaccount(key: string): void {
    const prev = this.accounted.get(key);
    if (!prev) return;
    this.accounted.delete(key);
    const u = this.usage.get(prev.node);
    if (u) this.usage.set(prev.node, { cpu: u.cpu - prev.cpu, mem: u.mem - prev.mem, pods: u.pods - 1 });
  }

  private schedule(key: string): void {
    const { store, clock } = this.ctx;
    const [ns, name] = splitKey(key);
    const pod = store.get(R.pods, ns, name);
    if (!pod || !this.wantsScheduling(pod)) return;
    const req = podRequests(pod);
    const nodes = this.nodes();
    const reasons = new Map<string, number>();
    const note = (r: string): void => {
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    };
    let best: { node: string; score: number } | undefined;
    for (const node of nodes) {
      const why = this.unfit(node, pod, req);
      if (why.length) {
        why.forEach(note);
        continue;
      }
      const u = this.usage.get(node.name) ?? { cpu: 0, mem: 0, pods: 0 };
      const cpuFree = 1 - (u.cpu + req.cpu) / Math.max(1, node.cpu);
      const memFree = 1 - (u.mem + req.mem) / Math.max(1, node.mem);
      const score = (cpuFree + memFree) / 2;
      if (!best || score > best.score) best = { node: node.name, score };
    }
    const now = clock.now();
    if (!best) {
      const parts = [...reasons.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, n]) => `${n} ${r}`);
      const total = nodes.length;
      const message =
        total === 0
          ? 'no nodes available to schedule pods'
          : `0/${total} nodes are available: ${parts.join(', ')}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
      store.mutate(
        R.pods,
        ns,
        name,
        (p) => {
          p.status ??= { phase: 'Pending' };
          p.status.phase ??= 'Pending';
          p.status.conditions = setCondition(
            p.status.conditions ?? [],
            { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null },
            now,
            POD_CONDITION_ORDER,
          );
        },
        { subresource: 'status' },
      );
      // Every failed attempt is an event; the recorder aggregates repeats into one with a count.
      this.ctx.events.warning(pod, 'FailedScheduling', message, SOURCE);
      this.unschedulable.add(key);
      return;
    }
    const nodeName = best.node;
    store.mutate(R.pods, ns, name, (p) => {
      p.spec.nodeName = nodeName;
      p.status ??= { phase: 'Pending' };
      p.status.conditions = setCondition(p.status.conditions ?? [], { type: 'PodScheduled', status: 'True', lastProbeTime: null }, now, POD_CONDITION_ORDER);
    });
    this.ctx.events.normal(pod, 'Scheduled', `Successfully assigned ${ns}/${name} to ${nodeName}`, SOURCE);
  }

  private nodes(): NodeFacts[] {
    this.nodeFacts ??= this.ctx.store
      .all(R.nodes)
      .slice()
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
      .map((node) => {
        const alloc = node.status?.allocatable ?? {};
        return {
          name: node.metadata.name,
          ready: getCondition(node, 'Ready')?.status === 'True',
          unschedulable: Boolean(node.spec?.unschedulable),
          taints: ((node.spec?.taints ?? []) as Taint[]).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
          labels: node.metadata.labels ?? {},
          cpu: cpuMillicores(alloc.cpu),
          mem: memoryBytes(alloc.memory),
          pods: Number(alloc.pods ?? 110),
        };
      });
    return this.nodeFacts;
  }

  /** Why a node cannot take the pod, in upstream's wording; empty when it fits. */
  private unfit(node: NodeFacts, pod: KObject, req: { cpu: number; mem: number }): readonly string[] {
    if (node.unschedulable) return ['node(s) were unschedulable'];
    if (node.taints.length) {
      const tolerations = (pod.spec?.tolerations ?? []) as Toleration[];
      const blocking = node.taints.filter((t) => !tolerations.some((tol) => tolerates(tol, t)));
      if (blocking.length) return [`node(s) had untolerated taint {${blocking[0]!.key}: ${blocking[0]!.value ?? ''}}`];
    }
    if (!node.ready) return ['node(s) were not ready'];
    const selector = pod.spec?.nodeSelector as Record<string, string> | undefined;
    if (selector) for (const k in selector) if (node.labels[k] !== selector[k]) return ["node(s) didn't match Pod's node affinity/selector"];
    const u = this.usage.get(node.name) ?? ZERO;
    const out: string[] = [];
    if (u.pods + 1 > node.pods) out.push('Too many pods');
    if (req.cpu > 0 && u.cpu + req.cpu > node.cpu) out.push('Insufficient cpu');
    if (req.mem > 0 && u.mem + req.mem > node.mem) out.push('Insufficient memory');
    return out.length ? out : NONE;
  }
}

/** Shared "fits" answer and empty usage: this runs nodes x pods times, so it allocates nothing when a node fits. */
const NONE: readonly string[] = [];
const ZERO: Usage = { cpu: 0, mem: 0, pods: 0 };

export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.operator === 'Exists') return !tol.key || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? '') === (taint.value ?? '');
}
