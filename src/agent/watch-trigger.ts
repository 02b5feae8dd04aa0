/**
 * Event-triggered cycles: client-node watches on pods, deployments and nodes; an event that shows a failure
 * (a container restarted or terminated, a waiting reason like CrashLoopBackOff, a pod the scheduler cannot place,
 * a deployment past its progress deadline, a node not Ready) asks the runner for a cycle at
 * once. Events within `debounceMs` of the first make one trigger, so a crashing ReplicaSet is one cycle, not ten.
 * Watches end (server timeouts, restarts); they are reopened after `reconnectMs`.
 *
 * The watch only says "look now": the cycle itself observes through the MCP tools like any other cycle.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Clock, TimerHandle } from '../base/clock.js';
import type { Logger } from '../base/log.js';

export interface WatchTriggerOptions {
  kubeConfig: KubeConfig;
  clock: Clock;
  logger: Logger;
  /** Empty = all namespaces. */
  namespaces: string[];
  onFailure: (reason: string) => void;
  debounceMs?: number;
  reconnectMs?: number;
}

type Obj = Record<string, any>;

const FAILING_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

function restartsOf(pod: Obj): number {
  return ((pod.status?.containerStatuses ?? []) as Obj[]).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/** Why this watch event shows a failure, or undefined. `prevRestarts`: the pod's restart count last seen. */
export function podFailure(pod: Obj, prevRestarts: number | undefined): string | undefined {
  const name = `pod ${pod.metadata?.namespace}/${pod.metadata?.name}`;
  if (pod.metadata?.deletionTimestamp) return undefined;
  if (prevRestarts !== undefined && restartsOf(pod) > prevRestarts) return `${name} restarted`;
  for (const c of (pod.status?.containerStatuses ?? []) as Obj[]) {
    const waiting = c.state?.waiting?.reason;
    if (waiting && FAILING_WAITING.has(waiting)) return `${name} ${waiting}`;
    const terminated = c.state?.terminated?.reason;
    if (terminated && terminated !== 'Completed') return `${name} ${terminated}`;
  }
  const sched = ((pod.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'PodScheduled');
  if (sched?.status === 'False' && sched.reason === 'Unschedulable') return `${name} Unschedulable`;
  if (pod.status?.phase === 'Failed') return `${name} Failed`;
  return undefined;
}

/** A stalled rollout (progress deadline exceeded) or a ReplicaSet that cannot create pods; pod trouble shows on pods. */
export function deploymentFailure(d: Obj): string | undefined {
  const name = `deployment ${d.metadata?.namespace}/${d.metadata?.name}`;
  const bad = ((d.status?.conditions ?? []) as Obj[]).find(
    (c) => (c.type === 'Progressing' || c.type === 'ReplicaFailure') && c.status === (c.type === 'Progressing' ? 'False' : 'True'),
  );
  return bad ? `${name} ${bad.reason ?? bad.type}` : undefined;
}

export function nodeFailure(n: Obj): string | undefined {
  const ready = ((n.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'Ready');
  return ready && ready.status !== 'True' ? `node ${n.metadata?.name} NotReady` : undefined;
}

/**
 * Judges a stream of watch events: pods are compared with their last seen restart count, so a restart is a
 * failure even when the pod is Running again by the time the event arrives. Shared by the client-node watch and
 * the rehearsal, which watches the simulator's store directly.
 */
export class FailureJudge {
  private readonly restarts = new Map<string, number>();

  pod(type: string, pod: Obj): string | undefined {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    if (type === 'DELETED') {
      this.restarts.delete(key);
      return undefined;
    }
    const prev = this.restarts.get(key);
    this.restarts.set(key, restartsOf(pod));
    return podFailure(pod, prev);
  }
}

export class WatchTrigger {
  private readonly aborts = new Set<AbortController>();
  private readonly judge = new FailureJudge();
  private readonly reconnects = new Set<TimerHandle>();
  private debounce: TimerHandle | undefined;
  private reasons: string[] = [];
  private running = false;
  private readonly watch: Watch;

  constructor(private readonly o: WatchTriggerOptions) {
    this.watch = new Watch(o.kubeConfig);
  }

  async start(): Promise<void> {
    this.running = true;
    const scopes = this.o.namespaces.length ? this.o.namespaces.map((ns) => `namespaces/${ns}/`) : [''];
    const opens: Promise<void>[] = [this.open('/api/v1/nodes', (_, n) => nodeFailure(n))];
    for (const s of scopes) {
      opens.push(this.open(`/api/v1/${s}pods`, (type, p) => this.judge.pod(type, p)));
      opens.push(this.open(`/apis/apps/v1/${s}deployments`, (_, d) => deploymentFailure(d)));
    }
    await Promise.all(opens);
  }

  stop(): void {
    this.running = false;
    for (const a of this.aborts) a.abort();
    this.aborts.clear();
    for (const t of this.reconnects) this.o.clock.clearTimeout(t);
    this.reconnects.clear();
    this.o.clock.clearTimeout(this.debounce);
    this.debounce = undefined;
  }

  private async open(path: string, judge: (type: string, obj: Obj) => string | undefined): Promise<void> {
    if (!this.running) return;
    try {
      const abort = await this.watch.watch(
        path,
        { allowWatchBookmarks: false },
        (type, obj) => {
          const why = type === 'BOOKMARK' || type === 'ERROR' ? undefined : judge(type, obj as Obj);
          if (why) this.fire(why);
        },
        (err) => {
          this.aborts.delete(abort);
          if (err && this.running) this.o.logger.debug({ err: String(err), path }, 'watch ended; reopening');
          this.reopen(path, judge);
        },
      );
      this.aborts.add(abort);
      if (!this.running) abort.abort();
    } catch (err) {
      this.o.logger.warn({ err: String(err), path }, 'watch could not start; retrying');
      this.reopen(path, judge);
    }
  }

  private reopen(path: string, judge: (type: string, obj: Obj) => string | undefined): void {
    if (!this.running) return;
    const t = this.o.clock.setTimeout(() => {
      this.reconnects.delete(t);
      void this.open(path, judge);
    }, this.o.reconnectMs ?? 1000);
    this.reconnects.add(t);
  }

  private fire(reason: string): void {
    this.reasons.push(reason);
    if (this.debounce) return;
    this.debounce = this.o.clock.setTimeout(() => {
      this.debounce = undefined;
      const reasons = this.reasons;
      this.reasons = [];
      this.o.onFailure(`watch: ${reasons[0]}${reasons.length > 1 ? ` (+${reasons.length - 1} more)` : ''}`);
    }, this.o.debounceMs ?? 250);
  }
}
