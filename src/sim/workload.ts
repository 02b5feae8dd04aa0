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
import { containerResources, type ContainerResources } from './controllers/quantity.js';
import { controllerOf, getCondition, splitKey } from './controllers/pods.js';
import { noise, noiseAt, noiseKey } from '../base/random.js';
import { R } from './resources.js';
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
  /** Running containers only. */
  containers: ContainerFacts[];
}

interface Instance {
  startedAt: number;
  lastAt: number;
  cpuSeconds: number;
  leakedBytes: number;
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

  /** Called on every tick with the containers whose memory reached their limit (to OOM-kill them). */
  onMemoryLimit(fn: (over: MemoryOverLimit[]) => void): void {
    this.listeners.push(fn);
  }

  private load(deployment: string): DeploymentLoad {
    let l = this.loads.get(deployment);
    if (!l) this.loads.set(deployment, (l = { modifiers: new Map(), leaks: new Map() }));
    return l;
  }

  /** Sets the Deployment's total CPU demand; undefined returns it to the default. */
  setDemand(deployment: string, millicores: number | undefined): void {
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
    this.load(deployment).curve = curve ? { curve: structuredClone(curve), startedAt: this.clock.now() } : undefined;
  }

  addModifier(deployment: string, mod: DemandModifier): number {
    const id = ++this.seq;
    this.load(deployment).modifiers.set(id, { ...mod });
    return id;
  }

  removeModifier(deployment: string, id: number): void {
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
    const f: PodFacts = {
      deployment: this.deploymentOf(pod),
      ready: getCondition(pod, 'Ready')?.status === 'True' && !pod.metadata.deletionTimestamp,
      containers,
    };
    this.facts.set(pod.metadata.uid!, { pod, facts: f, tick: this.tickNo });
    return f;
  }

  /**
   * One pass over the running containers with their CPU now (millicores) and counters, without
   * allocating per container: the tick runs this over every pod every 10 s.
   */
  private sample(visit: (pod: KObject, f: PodFacts, c: ContainerFacts, cpu: number, inst: Instance, leak: number) => void): void {
    const now = this.clock.now();
    const slot = Math.floor(now / this.tickMs);
    const pods = this.store.all(R.pods);
    const facts: PodFacts[] = new Array(pods.length);
    const readyCount = new Map<string, number>();
    for (let i = 0; i < pods.length; i++) {
      const f = (facts[i] = this.podFacts(pods[i]!));
      if (f.containers.length && f.deployment && f.ready) readyCount.set(f.deployment, (readyCount.get(f.deployment) ?? 0) + 1);
    }
    const share = new Map<string, number>();
    for (let i = 0; i < pods.length; i++) {
      const f = facts[i]!;
      if (f.containers.length === 0) continue;
      let podShare: number | undefined;
      if (f.deployment && f.ready) {
        podShare = share.get(f.deployment);
        if (podShare === undefined) share.set(f.deployment, (podShare = this.demand(f.deployment) / readyCount.get(f.deployment)!));
      }
      const leak = this.leakRate(f.deployment);
      for (const c of f.containers) {
        let cpu: number;
        if (podShare !== undefined) cpu = podShare * c.weight;
        else if (f.deployment)
          cpu = Math.max(1, 0.02 * c.res.cpuRequest); // running but not receiving traffic
        else cpu = Math.max(1, 0.1 * (c.res.cpuRequest || 100));
        if (this.noiseLevel > 0) cpu *= 1 + this.noiseLevel * (2 * noiseAt(c.cpuNoise, slot) - 1);
        if (c.res.cpuLimit !== undefined && cpu > c.res.cpuLimit) cpu = c.res.cpuLimit;
        visit(pods[i]!, f, c, cpu, this.instance(c, now), leak);
      }
    }
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
      const sinceTick = Math.max(0, now - inst.lastAt) / 1000;
      cur.containers.push({
        name: c.name,
        cpuMillicores: cpu,
        memoryBytes: Math.round(c.baselineMem + inst.leakedBytes + leak * sinceTick),
        cpuSecondsTotal: inst.cpuSeconds + (cpu / 1000) * sinceTick,
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

  /** Integrates usage since the last tick into the counters, then reports containers over their memory limit. */
  tick(): void {
    const now = this.clock.now();
    this.tickNo++;
    const over: MemoryOverLimit[] = [];
    this.sample((pod, _f, c, cpu, inst, leak) => {
      const dt = Math.max(0, now - inst.lastAt) / 1000;
      inst.cpuSeconds += (cpu / 1000) * dt;
      inst.leakedBytes += leak * dt;
      inst.lastAt = now;
      if (c.res.memLimit !== undefined && c.baselineMem + inst.leakedBytes >= c.res.memLimit) {
        over.push({ namespace: pod.metadata.namespace!, name: pod.metadata.name, container: c.name });
      }
    });
    for (const [k, inst] of this.instances) if (inst.seen !== this.tickNo) this.instances.delete(k);
    for (const [uid, e] of this.facts) if (e.tick !== this.tickNo) this.facts.delete(uid);
    this.lastTick = now;
    if (over.length) for (const fn of this.listeners) fn(over);
  }
}

function defaultDemand(d: KObject, utilization: number): number {
  const replicas = Math.max(1, Number(d.spec?.replicas ?? 1));
  let perPod = 0;
  for (const c of (d.spec?.template?.spec?.containers ?? []) as Record<string, any>[])
    perPod += cpuMillicores(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu);
  return replicas * (perPod || 100) * utilization;
}
