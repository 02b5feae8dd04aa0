/**
 * The arithmetic of serving, pure: how a node's CPU is shared between the containers that want it, and
 * what a deployment's request queue does with the work its ready pods cannot serve at once.
 *
 * CPU sharing follows the Linux CFS as the kubelet configures it: every container is guaranteed its
 * request (cpu.shares ∝ request); when the node is saturated, what is left above the requests is split
 * in proportion to the requests (a container asking for little gets little of the spare), never above
 * what each one wants (its limit or its work). The node never hands out more than its capacity.
 *
 * The queue is one FIFO per deployment, counted in millicore-seconds of work: demand arrives, the
 * serving pods take what their CPU allows, the rest waits. Work older than the request timeout is
 * dropped (the client gave up), so the backlog is bounded by timeout × demand.
 */

export interface CpuConsumer {
  /** Guaranteed share (millicores). */
  request: number;
  /** What it would use on an idle node (millicores). */
  want: number;
}

/** Allocations (millicores) in the order of `consumers`; their sum never exceeds `capacity`. */
export function shareCpu(capacity: number, consumers: readonly CpuConsumer[]): number[] {
  const cap = Math.max(0, capacity);
  const alloc = consumers.map((c) => Math.max(0, Math.min(c.want, c.request)));
  const base = alloc.reduce((a, b) => a + b, 0);
  if (base >= cap) {
    const f = base > 0 ? cap / base : 0;
    return alloc.map((a) => a * f);
  }
  let rem = cap - base;
  // Water-filling of the spare, weighted by request (CFS gives a request-less container the minimum 2 shares).
  let active = consumers.map((_, i) => i).filter((i) => consumers[i]!.want > alloc[i]!);
  while (active.length && rem > 1e-9) {
    const weight = active.reduce((s, i) => s + Math.max(consumers[i]!.request, 2), 0);
    const satisfied: number[] = [];
    for (const i of active) {
      const share = (rem * Math.max(consumers[i]!.request, 2)) / weight;
      if (consumers[i]!.want - alloc[i]! <= share) satisfied.push(i);
    }
    if (satisfied.length === 0) {
      for (const i of active) alloc[i]! += (rem * Math.max(consumers[i]!.request, 2)) / weight;
      rem = 0;
      break;
    }
    for (const i of satisfied) {
      rem -= consumers[i]!.want - alloc[i]!;
      alloc[i] = consumers[i]!.want;
    }
    active = active.filter((i) => !satisfied.includes(i));
  }
  return alloc;
}

export interface QueueState {
  /** Work waiting, millicore-seconds. */
  backlog: number;
  /** Work dropped so far (timed out, or failed while a dependency was down), millicore-seconds. */
  dropped: number;
  /** Work served so far, millicore-seconds. */
  served: number;
  /** Work that arrived so far, millicore-seconds. */
  arrived: number;
}

export function emptyQueue(): QueueState {
  return { backlog: 0, dropped: 0, served: 0, arrived: 0 };
}

/**
 * One step of `dt` seconds: `demand` arrives (millicores), `served` millicores were served (at most
 * demand + backlog / dt), work beyond `timeoutSeconds × demand` is dropped; `failing` drops everything
 * (requests fail fast while a dependency is down). Mutates and returns the state.
 */
export function stepQueue(q: QueueState, demand: number, served: number, dt: number, timeoutSeconds: number, failing: boolean): QueueState {
  const arrived = demand * dt;
  q.arrived += arrived;
  if (failing) {
    q.dropped += arrived + q.backlog;
    q.backlog = 0;
    return q;
  }
  const done = Math.min(served * dt, q.backlog + arrived);
  q.served += done;
  q.backlog += arrived - done;
  const bound = timeoutSeconds * demand;
  if (q.backlog > bound) {
    q.dropped += q.backlog - bound;
    q.backlog = bound;
  }
  if (q.backlog < 1e-9) q.backlog = 0;
  return q;
}

/**
 * p95 latency (ms) of a deployment: the queue wait plus the service time inflated by utilization as in
 * an M/M/1 queue (sojourn time ∝ 1 / (1 - ρ)); `serviceMs` is the p95 of an idle pod.
 */
export function p95LatencyMs(serviceMs: number, utilization: number, waitSeconds: number): number {
  const rho = Math.min(Math.max(utilization, 0), 0.98);
  return serviceMs / (1 - rho) + waitSeconds * 1000;
}
