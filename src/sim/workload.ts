/**
 * The workload model: what the applications in the simulated cluster consume.
 *
 * Each Deployment has a CPU demand in millicores for all its pods together. By default it is 40% of the
 * CPU its replicas requested when the model first saw it, and it stays there when the Deployment is
 * scaled, so scaling out lowers per-pod utilization as it would for real traffic. Demand can be set,
 * follow a load curve (points with linear interpolation, or a diurnal cosine), and be multiplied or
 * raised by spikes. A pod's usage is its share of the demand across the Deployment's READY pods,
 * capped at each container's CPU limit; running pods that are not ready idle. Memory per container is a
 * baseline from its request plus whatever a leak has added since the container started.
 *
 * Usage is integrated on a tick (default 10 s) into per-container CPU seconds and leaked bytes, which
 * reset when the container restarts, like a cgroup's counters.
 */
import type { Clock, TimerHandle } from '../base/clock.js';
import { cpuMillicores } from '../base/quantity.js';
import { STARTUP_ANNOTATION } from './controllers/behaviour.js';
import { containerResources, type ContainerResources } from './controllers/quantity.js';
import { controllerOf, getCondition, splitKey } from './controllers/pods.js';
import { noise, noiseAt, noiseKey } from '../base/random.js';
import { R } from './resources.js';
import { type CpuConsumer, type QueueState, emptyQueue, p95LatencyMs, shareCpu, stepQueue } from './serving.js';
import type { ObjectStore } from './store.js';
import type { KObject } from './types.js';

export type LoadCurve =
  | { type: 'points'; points: { atSeconds: number; millicores: number }[] }
  | { type: 'diurnal'; min: number; max: number; periodSeconds?: number; peakAtSeconds?: number };

export interface DemandModifier {
  multiply?: number;
  add?: number;
}

export interface ContainerUsage {
  name: string;
  cpuMillicores: number;
  memoryBytes: number;
  /** Cumulative CPU seconds of this container instance (resets on restart). */
  cpuSecondsTotal: number;
  startedAt: number;
  cpuLimitMillicores?: number;
  memoryLimitBytes?: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  uid: string;
  node?: string;
  deployment?: string;
  containers: ContainerUsage[];
}

export interface WorkloadOptions {
  seed?: number;
  /** Default demand as a fraction of the Deployment's total CPU requests. */
  defaultUtilization?: number;
  /** Relative per-tick jitter on CPU usage (0 turns it off). */
  noise?: number;
  tickSeconds?: number;
}

/** Deployment annotation: p95 latency (ms) of an idle pod. Default 100. */
export const SERVICE_MS_ANNOTATION = 'sim.sentinelops.io/service-ms';
/** Deployment annotation: seconds a request waits before its client gives up (dropped work). Default 30. */
export const TIMEOUT_ANNOTATION = 'sim.sentinelops.io/request-timeout-seconds';
/** CPU the node's system daemons use outside pods (millicores); part of the node's usage. */
export const NODE_SYSTEM_CPU_M = 60;

/** What a deployment's users see now (as of the last tick). */
export interface ServiceStatus {
  demandMillicores: number;
  servedMillicores: number;
  /** What the serving pods could serve now (limits, less what a saturated node withholds). */
  capacityMillicores: number;
  servingPods: number;
  /** Work waiting, millicore-seconds, and how long the newest request will wait for it. */
  backlog: number;
  queueWaitSeconds: number;
  p95LatencyMs: number;
  /** Cumulative millicore-seconds: arrived, served, dropped (timed out or failed). */
  arrived: number;
  served: number;
  dropped: number;
  /** A dependency is down: requests fail. */
  failing: boolean;
}

/** Hooks the workload reads from the rest of the simulator. */
export interface WorkloadWorld {
  isNodeDown(node: string): boolean;
  /** The deployment's requests fail (a dependency is down). */
  isFailing(deployment: string): boolean;
}

interface Hog {
  node: string;
  millicores: number;
  request: number;
}

interface DeploymentLoad {
  uid?: string;
  defaultBase?: number;
  base?: number;
  curve?: { curve: LoadCurve; startedAt: number };
  modifiers: Map<number, DemandModifier>;
  leaks: Map<number, number>;
}

interface ContainerFacts {
  name: string;
  /** `uid/container`: the key of its counters. */
  key: string;
  startedAt: number;
  res: ContainerResources;
  /** Share of the pod's CPU, by request. */
  weight: number;
  cpuNoise: number;
  baselineMem: number;
  inst?: Instance;
}

interface PodFacts {
  deployment?: string;
  ready: boolean;
  node?: string;
  terminating: boolean;
  /** App boot time after each container start, ms. */
  bootMs: number;
  /** Running containers only. */
  containers: ContainerFacts[];
}

interface Instance {
  startedAt: number;
  lastAt: number;
  cpuSeconds: number;
  leakedBytes: number;
  /** CPU (millicores) in effect since `lastAt`: the counters integrate it up to the next observation. */
  rate?: number;
  /** The tick that last saw it; older ones belong to gone containers and are dropped. */
  seen: number;
}

export interface MemoryOverLimit {
  namespace: string;
  name: string;
  container: string;
}

const MIB = 1024 * 1024;

export function validateCurve(curve: LoadCurve): string | undefined {
  if (curve.type === 'points') {
    if (!Array.isArray(curve.points) || curve.points.length === 0) return 'points must be a non-empty list';
    let last = -Infinity;
    for (const p of curve.points) {
      if (!Number.isFinite(p.atSeconds) || !Number.isFinite(p.millicores) || p.millicores < 0) return 'each point needs atSeconds and millicores >= 0';
      if (p.atSeconds < last) return 'points must be in time order';
      last = p.atSeconds;
    }
    return undefined;
  }
  if (curve.type === 'diurnal') {
    if (!(curve.min >= 0) || !(curve.max >= curve.min)) return 'diurnal needs 0 <= min <= max';
    if (curve.periodSeconds !== undefined && !(curve.periodSeconds > 0)) return 'periodSeconds must be > 0';
    return undefined;
  }
  return `unknown curve type "${(curve as { type?: unknown }).type}"`;
}

export function curveValue(curve: LoadCurve, elapsedSeconds: number, nowMs: number): number {
  if (curve.type === 'points') {
    const pts = curve.points;
    if (elapsedSeconds <= pts[0]!.atSeconds) return pts[0]!.millicores;
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]!;
      const b = pts[i]!;
      if (elapsedSeconds <= b.atSeconds) {
        const span = b.atSeconds - a.atSeconds;
        return span === 0 ? b.millicores : a.millicores + ((b.millicores - a.millicores) * (elapsedSeconds - a.atSeconds)) / span;
      }
    }
    return pts[pts.length - 1]!.millicores;
  }
  // Diurnal: a cosine over the clock's time of day, highest at peakAtSeconds after midnight UTC.
  const period = curve.periodSeconds ?? 86_400;
  const peak = curve.peakAtSeconds ?? 14 * 3600;
  const t = (nowMs / 1000) % period;
  return curve.min + ((curve.max - curve.min) * (1 + Math.cos((2 * Math.PI * (t - peak)) / period))) / 2;
}

export class WorkloadModel {
  private readonly loads = new Map<string, DeploymentLoad>();
  private readonly instances = new Map<string, Instance>();
  private readonly rsToDeployment = new Map<string, string | undefined>();
  /** Facts per pod uid, valid while the stored pod object is the one they were computed from. */
  private readonly facts = new Map<string, { pod: KObject; facts: PodFacts; tick: number }>();
  private tickNo = 0;
  private readonly listeners: ((over: MemoryOverLimit[]) => void)[] = [];
  private readonly seed: number;
  private readonly utilization: number;
  private readonly noiseLevel: number;
  readonly tickMs: number;
  private timer?: TimerHandle;
  private lastTick: number;
  private seq = 0;
  private readonly queues = new Map<string, QueueState>();
  private readonly status = new Map<string, ServiceStatus>();
  private readonly hogs = new Map<number, Hog>();
  private world: WorkloadWorld = { isNodeDown: () => false, isFailing: () => false };
  /** Per-deployment serving totals of the last pass (sample), read by tick() for the queue. */
  private lastPass = new Map<string, { served: number; capacity: number; pods: number }>();
  private hogUse = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: Clock,
    opts: WorkloadOptions = {},
  ) {
    this.seed = opts.seed ?? 1;
    this.utilization = opts.defaultUtilization ?? 0.4;
    this.noiseLevel = opts.noise ?? 0.05;
    this.tickMs = (opts.tickSeconds ?? 10) * 1000;
    this.lastTick = clock.now();
  }

  start(): void {
    const tick = (): void => {
      this.tick();
      this.timer = this.clock.setTimeout(tick, this.tickMs);
    };
    this.timer = this.clock.setTimeout(tick, this.tickMs);
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
  }

  /** Connects the workload to node health and dependency faults (the simulator wires it at start). */
  attach(world: WorkloadWorld): void {
    this.world = world;
  }

  /** A process on the node outside our pods that wants `millicores` with `request` guaranteed (a noisy neighbour). */
  addHog(node: string, millicores: number, request: number): number {
    if (!(millicores > 0) || !(request >= 0)) throw new RangeError('a hog needs millicores > 0 and request >= 0');
    const id = ++this.seq;
    this.hogs.set(id, { node, millicores, request });
    return id;
  }

  removeHog(id: number): void {
    this.hogs.delete(id);
  }

  /** What the deployment's users see, as of the last tick (undefined before its first tick). */
  service(deployment: string): ServiceStatus | undefined {
    const s = this.status.get(deployment);
    return s && { ...s };
  }

  /** Called on every tick with the containers whose memory reached their limit (to OOM-kill them). */
  onMemoryLimit(fn: (over: MemoryOverLimit[]) => void): void {
    this.listeners.push(fn);
  }

  private load(deployment: string): DeploymentLoad {
    let l = this.loads.get(deployment);
    if (!l) this.loads.set(deployment, (l = { modifiers: new Map(), leaks: new Map() }));
    return l;
  }

  /** Brings every counter up to now at the old rates, so a demand change counts from the moment it happens. */
  private settle(): void {
    this.usage();
  }

  /** Sets the Deployment's total CPU demand; undefined returns it to the default. */
  setDemand(deployment: string, millicores: number | undefined): void {
    this.settle();
    if (millicores !== undefined && !(Number.isFinite(millicores) && millicores >= 0))
      throw new RangeError(`demand must be >= 0 millicores, got ${millicores}`);
    const l = this.load(deployment);
    l.base = millicores;
    l.curve = undefined;
  }

  /** Makes demand follow a curve from now on (points are seconds from now); undefined removes it. */
  setCurve(deployment: string, curve: LoadCurve | undefined): void {
    if (curve) {
      const bad = validateCurve(curve);
      if (bad) throw new RangeError(bad);
    }
    this.settle();
    this.load(deployment).curve = curve ? { curve: structuredClone(curve), startedAt: this.clock.now() } : undefined;
  }

  addModifier(deployment: string, mod: DemandModifier): number {
    this.settle();
    const id = ++this.seq;
    this.load(deployment).modifiers.set(id, { ...mod });
    return id;
  }

  removeModifier(deployment: string, id: number): void {
    this.settle();
    this.loads.get(deployment)?.modifiers.delete(id);
  }

  /** Starts a memory leak in every container of the Deployment's pods; returns a handle to stop it. */
  addLeak(deployment: string, mibPerMinute: number): number {
    if (!(Number.isFinite(mibPerMinute) && mibPerMinute > 0)) throw new RangeError(`mibPerMinute must be > 0, got ${mibPerMinute}`);
    const id = ++this.seq;
    this.load(deployment).leaks.set(id, (mibPerMinute * MIB) / 60);
    return id;
  }

  removeLeak(deployment: string, id: number): void {
    this.loads.get(deployment)?.leaks.delete(id);
  }

  /** The Deployment's total CPU demand now, in millicores. */
  demand(deployment: string): number {
    const l = this.load(deployment);
    const [ns, name] = splitKey(deployment);
    const d = this.store.get(R.deployments, ns, name);
    if (d && l.uid !== d.metadata.uid) {
      l.uid = d.metadata.uid;
      l.defaultBase = defaultDemand(d, this.utilization);
    }
    let v: number;
    if (l.curve) v = curveValue(l.curve.curve, (this.clock.now() - l.curve.startedAt) / 1000, this.clock.now());
    else v = l.base ?? l.defaultBase ?? 0;
    for (const m of l.modifiers.values()) v = v * (m.multiply ?? 1) + (m.add ?? 0);
    return Math.max(0, v);
  }

  private leakRate(deployment: string | undefined): number {
    if (!deployment) return 0;
    let r = 0;
    for (const x of this.loads.get(deployment)?.leaks.values() ?? []) r += x;
    return r;
  }

  private deploymentOf(pod: KObject): string | undefined {
    const ref = controllerOf(pod);
    if (ref?.kind !== 'ReplicaSet') return undefined;
    if (this.rsToDeployment.has(ref.uid)) return this.rsToDeployment.get(ref.uid);
    const rs = this.store.get(R.replicasets, pod.metadata.namespace, ref.name);
    if (!rs) return undefined;
    const dRef = controllerOf(rs);
    const key = dRef?.kind === 'Deployment' ? `${pod.metadata.namespace}/${dRef.name}` : undefined;
    this.rsToDeployment.set(ref.uid, key);
    return key;
  }

  /**
   * What a pod's usage depends on besides time and demand, computed once per stored version of the pod
   * (stored objects never change in place, so the object itself is the cache key).
   */
  private podFacts(pod: KObject): PodFacts {
    const hit = this.facts.get(pod.metadata.uid!);
    if (hit && hit.pod === pod) {
      hit.tick = this.tickNo;
      return hit.facts;
    }
    const specs = (pod.spec?.containers ?? []) as Record<string, any>[];
    const statuses = (pod.status?.containerStatuses ?? []) as { name: string; state?: { running?: { startedAt?: string } } }[];
    const res = specs.map((c) => containerResources(c));
    const podCpuRequest = res.reduce((a, r) => a + r.cpuRequest, 0);
    const uid = pod.metadata.uid!;
    const containers: ContainerFacts[] = [];
    specs.forEach((spec, i) => {
      const startedAtIso = statuses.find((s) => s.name === spec.name)?.state?.running?.startedAt;
      if (!startedAtIso) return;
      const r = res[i]!;
      containers.push({
        name: spec.name,
        key: `${uid}/${spec.name}`,
        startedAt: Date.parse(startedAtIso),
        res: r,
        weight: podCpuRequest > 0 ? r.cpuRequest / podCpuRequest : 1 / specs.length,
        cpuNoise: noiseKey(this.seed, uid, spec.name, 'cpu'),
        baselineMem: (r.memRequest > 0 ? 0.5 * r.memRequest : 16 * MIB) * (0.95 + 0.1 * noise(this.seed, uid, spec.name, 'mem')),
      });
    });
    const boot = Number(pod.metadata.annotations?.[STARTUP_ANNOTATION] ?? 0);
    const f: PodFacts = {
      deployment: this.deploymentOf(pod),
      ready: getCondition(pod, 'Ready')?.status === 'True' && !pod.metadata.deletionTimestamp,
      node: pod.spec?.nodeName,
      terminating: !!pod.metadata.deletionTimestamp,
      bootMs: Number.isFinite(boot) && boot > 0 ? boot * 1000 : 0,
      containers,
    };
    this.facts.set(pod.metadata.uid!, { pod, facts: f, tick: this.tickNo });
    return f;
  }

  /**
   * One pass over the running containers with their CPU now (millicores) and counters: the work of each
   * deployment split across its serving pods, capped at limits, then each node's CPU shared (serving.ts).
   * Runs every tick over every pod, so it keeps allocation small.
   */
  private sample(visit: (pod: KObject, f: PodFacts, c: ContainerFacts, cpu: number, inst: Instance, leak: number) => void): void {
    const now = this.clock.now();
    const slot = Math.floor(now / this.tickMs);
    const pods = this.store.all(R.pods);
    const facts: PodFacts[] = new Array(pods.length);
    const serving: boolean[] = new Array(pods.length);
    const servingCount = new Map<string, number>();
    for (let i = 0; i < pods.length; i++) {
      const f = (facts[i] = this.podFacts(pods[i]!));
      serving[i] = this.serves(f, now);
      if (serving[i]) servingCount.set(f.deployment!, (servingCount.get(f.deployment!) ?? 0) + 1);
    }
    const share = new Map<string, number>();
    const tickSeconds = this.tickMs / 1000;
    // Wants per container, grouped by node for the CPU share.
    const wants: number[][] = new Array(pods.length);
    const byNode = new Map<string, { consumers: CpuConsumer[]; at: [number, number][] }>();
    for (let i = 0; i < pods.length; i++) {
      const f = facts[i]!;
      if (f.containers.length === 0) continue;
      let podShare: number | undefined;
      if (serving[i]) {
        podShare = share.get(f.deployment!);
        if (podShare === undefined) {
          // Offered work: what arrives now plus the backlog, which the pods drain as fast as they can.
          const offered = this.demand(f.deployment!) + (this.queues.get(f.deployment!)?.backlog ?? 0) / tickSeconds;
          share.set(f.deployment!, (podShare = offered / servingCount.get(f.deployment!)!));
        }
      }
      const w: number[] = (wants[i] = new Array(f.containers.length));
      const group = f.node ? byNode.get(f.node) : undefined;
      const g = f.node ? (group ?? { consumers: [], at: [] }) : undefined;
      if (f.node && !group) byNode.set(f.node, g!);
      f.containers.forEach((c, k) => {
        let cpu: number;
        if (podShare !== undefined) cpu = podShare * c.weight;
        else if (f.deployment)
          cpu = Math.max(1, 0.02 * c.res.cpuRequest); // running but not receiving traffic
        else cpu = Math.max(1, 0.1 * (c.res.cpuRequest || 100));
        if (this.noiseLevel > 0) cpu *= 1 + this.noiseLevel * (2 * noiseAt(c.cpuNoise, slot) - 1);
        if (c.res.cpuLimit !== undefined && cpu > c.res.cpuLimit) cpu = c.res.cpuLimit;
        w[k] = cpu;
        if (g) {
          g.consumers.push({ request: c.res.cpuRequest, want: cpu });
          g.at.push([i, k]);
        }
      });
    }
    // Each node's CPU shared between what runs on it; hogs (noisy neighbours) compete too.
    const pass = new Map<string, { served: number; capacity: number; pods: number }>();
    const headroom: number[][] = new Array(pods.length);
    const hogUse = new Map<string, number>();
    for (const [node, g] of byNode) {
      const hogs = [...this.hogs.values()].filter((h) => h.node === node);
      const consumers = hogs.length ? [...g.consumers, ...hogs.map((h) => ({ request: h.request, want: h.millicores }))] : g.consumers;
      const capacity = this.nodeCpu(node);
      const alloc = shareCpu(capacity, consumers);
      let hogCpu = 0;
      for (let n = g.consumers.length; n < alloc.length; n++) hogCpu += alloc[n]!;
      hogUse.set(node, hogCpu);
      let used = 0;
      for (const a of alloc) used += a;
      let wanted = 0;
      for (const c of consumers) wanted += c.want;
      const spare = wanted > capacity ? 0 : capacity - used;
      g.at.forEach(([i, k], n) => {
        wants[i]![k] = alloc[n]!;
        const lim = facts[i]!.containers[k]!.res.cpuLimit;
        (headroom[i] ??= [])[k] = lim === undefined ? alloc[n]! + spare : Math.min(lim, alloc[n]! + spare);
      });
    }
    for (let i = 0; i < pods.length; i++) {
      const f = facts[i]!;
      if (f.containers.length === 0) continue;
      let served = 0;
      let capacity = 0;
      f.containers.forEach((c, k) => {
        const cpu = wants[i]![k]!;
        if (serving[i]) {
          served += cpu;
          capacity += headroom[i]?.[k] ?? c.res.cpuLimit ?? cpu;
        }
        visit(pods[i]!, f, c, cpu, this.instance(c, now), this.leakRate(f.deployment));
      });
      if (serving[i]) {
        const p = pass.get(f.deployment!) ?? { served: 0, capacity: 0, pods: 0 };
        p.served += served;
        p.capacity += capacity;
        p.pods++;
        pass.set(f.deployment!, p);
      }
    }
    this.lastPass = pass;
    this.hogUse = hogUse;
  }

  /** CPU (millicores) the node's noisy neighbours got in the last pass: part of the node's usage, not of any pod's. */
  hogUsage(node: string): number {
    return this.hogUse.get(node) ?? 0;
  }

  /** A pod serves when it is Ready, booted, on a live node, not terminating, and its dependency is up. */
  private serves(f: PodFacts, now: number): boolean {
    if (!f.deployment || !f.ready || f.terminating || f.containers.length === 0) return false;
    if (f.node && this.world.isNodeDown(f.node)) return false;
    if (this.world.isFailing(f.deployment)) return false;
    if (f.bootMs > 0) for (const c of f.containers) if (now < c.startedAt + f.bootMs) return false;
    return true;
  }

  private readonly nodeCpuCache = new Map<string, { node: KObject; cpu: number }>();

  /** CPU a node's pods can use: allocatable less the system daemons. */
  private nodeCpu(name: string): number {
    const node = this.store.get(R.nodes, undefined, name);
    if (!node) return Number.POSITIVE_INFINITY;
    const hit = this.nodeCpuCache.get(name);
    if (hit && hit.node === node) return hit.cpu;
    const cpu = Math.max(0, cpuMillicores(node.status?.allocatable?.cpu ?? node.status?.capacity?.cpu ?? '0') - NODE_SYSTEM_CPU_M);
    this.nodeCpuCache.set(name, { node, cpu });
    return cpu;
  }

  /** Usage of every pod with a running container, now. */
  usage(): PodUsage[] {
    const now = this.clock.now();
    const out: PodUsage[] = [];
    let last: PodUsage | undefined;
    this.sample((pod, f, c, cpu, inst, leak) => {
      let cur: PodUsage;
      if (last && last.uid === pod.metadata.uid) cur = last;
      else {
        cur = {
          namespace: pod.metadata.namespace!,
          name: pod.metadata.name,
          uid: pod.metadata.uid!,
          node: pod.spec?.nodeName,
          deployment: f.deployment,
          containers: [],
        };
        out.push(cur);
        last = cur;
      }
      advance(inst, now, cpu, leak);
      cur.containers.push({
        name: c.name,
        cpuMillicores: cpu,
        memoryBytes: Math.round(c.baselineMem + inst.leakedBytes),
        cpuSecondsTotal: inst.cpuSeconds,
        startedAt: c.startedAt,
        ...(c.res.cpuLimit !== undefined ? { cpuLimitMillicores: c.res.cpuLimit } : {}),
        ...(c.res.memLimit !== undefined ? { memoryLimitBytes: c.res.memLimit } : {}),
      });
    });
    return out;
  }

  /** One pod's usage now; undefined when none of its containers runs. */
  podUsage(namespace: string, name: string): PodUsage | undefined {
    return this.usage().find((u) => u.namespace === namespace && u.name === name);
  }

  private instance(c: ContainerFacts, now: number): Instance {
    // A cached instance stays valid: it is only dropped when its pod went unseen, and then so did these facts.
    let inst = c.inst;
    if (!inst) {
      inst = this.instances.get(c.key);
      if (!inst || inst.startedAt !== c.startedAt) {
        inst = { startedAt: c.startedAt, lastAt: Math.min(now, Math.max(c.startedAt, this.lastTick)), cpuSeconds: 0, leakedBytes: 0, seen: this.tickNo };
        this.instances.set(c.key, inst);
      }
      c.inst = inst;
    }
    inst.seen = this.tickNo;
    return inst;
  }

  /** Moves every deployment's queue on by `dt` seconds with what the last pass served, and records its status. */
  private stepQueues(dt: number): void {
    for (const d of this.store.all(R.deployments)) {
      const key = `${d.metadata.namespace}/${d.metadata.name}`;
      const demand = this.demand(key);
      const q = this.queues.get(key) ?? emptyQueue();
      this.queues.set(key, q);
      const pass = this.lastPass.get(key) ?? { served: 0, capacity: 0, pods: 0 };
      const failing = this.world.isFailing(key);
      const timeout = annotationNumber(d, TIMEOUT_ANNOTATION, 30);
      if (dt > 0) stepQueue(q, demand, pass.served, dt, timeout, failing);
      const drain = Math.max(pass.capacity, pass.served);
      const wait = q.backlog <= 0 ? 0 : drain > 0 ? Math.min(timeout, q.backlog / drain) : timeout;
      const utilization = pass.capacity > 0 ? pass.served / pass.capacity : demand > 0 ? 1 : 0;
      this.status.set(key, {
        demandMillicores: demand,
        servedMillicores: pass.served,
        capacityMillicores: pass.capacity,
        servingPods: pass.pods,
        backlog: q.backlog,
        queueWaitSeconds: wait,
        p95LatencyMs: failing ? timeout * 1000 : p95LatencyMs(annotationNumber(d, SERVICE_MS_ANNOTATION, 100), utilization, wait),
        arrived: q.arrived,
        served: q.served,
        dropped: q.dropped,
        failing,
      });
    }
  }

  /** Integrates usage since the last tick into the counters, then reports containers over their memory limit. */
  tick(): void {
    const now = this.clock.now();
    this.tickNo++;
    const over: MemoryOverLimit[] = [];
    this.sample((pod, _f, c, cpu, inst, leak) => {
      advance(inst, now, cpu, leak);
      if (c.res.memLimit !== undefined && c.baselineMem + inst.leakedBytes >= c.res.memLimit) {
        over.push({ namespace: pod.metadata.namespace!, name: pod.metadata.name, container: c.name });
      }
    });
    this.stepQueues(Math.max(0, now - this.lastTick) / 1000);
    for (const [k, inst] of this.instances) if (inst.seen !== this.tickNo) this.instances.delete(k);
    for (const [uid, e] of this.facts) if (e.tick !== this.tickNo) this.facts.delete(uid);
    this.lastTick = now;
    if (over.length) for (const fn of this.listeners) fn(over);
  }
}

/**
 * Moves a container's counters to `now` at the rate in effect since the last observation, then makes
 * `cpu` the rate from now on. Integrating the rate seen now over the time before it (back to the last
 * tick) made the counter jump on a demand step and run backwards when demand fell, so metrics-server's
 * rate between two scrapes read several times the real usage, or 0.
 */
function advance(inst: Instance, now: number, cpu: number, leak: number): void {
  const dt = Math.max(0, now - inst.lastAt) / 1000;
  inst.cpuSeconds += ((inst.rate ?? cpu) / 1000) * dt;
  inst.leakedBytes += leak * dt;
  inst.lastAt = Math.max(inst.lastAt, now);
  inst.rate = cpu;
}

function annotationNumber(o: KObject | undefined, key: string, fallback: number): number {
  const v = Number(o?.metadata.annotations?.[key]);
  return o?.metadata.annotations?.[key] !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
}

function defaultDemand(d: KObject, utilization: number): number {
  const replicas = Math.max(1, Number(d.spec?.replicas ?? 1));
  let perPod = 0;
  for (const c of (d.spec?.template?.spec?.containers ?? []) as Record<string, any>[])
    perPod += cpuMillicores(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu);
  return replicas * (perPod || 100) * utilization;
}
