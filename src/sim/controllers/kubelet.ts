/**
 * The kubelet of every simulated node: Pending -> ContainerCreating -> Running -> Ready with seeded
 * delays, image pulls (ErrImagePull/ImagePullBackOff for missing images), crashes with upstream's
 * CrashLoopBackOff timing, OOM kills, and finishing graceful deletions. It keeps each pod's container
 * runtime in memory and renders `.status` from it, so every write is a complete, consistent status.
 *
 * Readiness probes run as the kubelet's prober does: first at initialDelaySeconds, then every
 * periodSeconds; `failureThreshold` consecutive failures make a Ready container unready, `successThreshold`
 * successes make it ready. Their answer comes from Behaviour.readiness (app boot, broken revision,
 * dependency down, a queue past the probe's timeout). A container without a readiness probe is ready as
 * soon as it runs, whether or not its app has booted — as in Kubernetes.
 *
 * Image pulls take the registry's round trip plus the image's size over the node's bandwidth; an image
 * already on the node (and not pullPolicy Always) is not pulled again.
 *
 * Back-off follows the kubelet's flowcontrol.Backoff: the first crash restarts at once, later ones wait
 * 10 s, 20 s, 40 s ... 300 s; a crash more than 10 minutes after the last back-off step starts over.
 */
import { createHash } from 'node:crypto';
import type { TimerHandle } from '../../base/clock.js';
import { R } from '../resources.js';
import type { KObject } from '../types.js';
import { isoSeconds, type SimContext } from './context.js';
import { STARTUP_ANNOTATION } from './behaviour.js';
import { deploymentKeyOfPod, podKey, setCondition, splitKey, type Condition } from './pods.js';
import { POD_CONDITION_ORDER } from './scheduler.js';

const INITIAL_BACKOFF_S = 10;
const MAX_BACKOFF_S = 300;
const BACKOFF_RESET_MS = 2 * MAX_BACKOFF_S * 1000;

interface Terminated {
  exitCode: number;
  reason: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
  message?: string;
}

interface ContainerRt {
  name: string;
  image: string;
  spec: Record<string, any>;
  state: 'waiting' | 'running' | 'terminated';
  reason?: string;
  message?: string;
  ready: boolean;
  restartCount: number;
  startedAt?: number;
  containerID?: string;
  current?: Terminated;
  last?: Terminated;
  /** Current crash back-off window in seconds; 0 before the first crash. */
  crashBackoff: number;
  lastBackoffAt?: number;
  pullBackoff: number;
  /** Exited for good (restartPolicy Never, or OnFailure with exit 0). */
  done: boolean;
  /** Consecutive readiness probe results of the current instance. */
  probeOk: number;
  probeFail: number;
}

interface ReadinessProbe {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
  httpGet?: { port?: number | string };
  tcpSocket?: { port?: number | string };
}

/** Pod annotation: the size of the pod's images in MB (default: a size derived from the image name, 20–80 MB). */
export const IMAGE_MB_ANNOTATION = 'sim.sentinelops.io/image-mb';

interface Pending {
  at: number;
  fn: () => void;
  handle?: TimerHandle;
}

interface PodRt {
  key: string;
  uid: string;
  node: string;
  containers: ContainerRt[];
  ip?: string;
  sandboxReady: boolean;
  startTime: number;
  terminating: boolean;
  timers: Map<string, Pending>;
}

const SOURCE = (node: string) => ({ component: 'kubelet', host: node });

export class Kubelet {
  private readonly pods = new Map<string, PodRt>();
  private readonly nodeImages = new Map<string, Set<string>>();
  private readonly paused = new Set<string>();
  private readonly ipSeq = new Map<string, number>();
  private unwatch?: () => void;

  constructor(private readonly ctx: SimContext) {}

  start(): void {
    this.unwatch = this.ctx.store.watch(R.pods, {}, (ev) => {
      const key = podKey(ev.object);
      const rt = this.pods.get(key);
      if (ev.type === 'DELETED') {
        if (rt && rt.uid === ev.object.metadata.uid) this.forget(rt);
        return;
      }
      const pod = ev.object;
      if (rt && rt.uid !== pod.metadata.uid) this.forget(rt);
      const current = this.pods.get(key);
      if (!current) {
        if (pod.spec?.nodeName && !isFinished(pod) && this.ctx.store.get(R.nodes, undefined, pod.spec.nodeName)) this.admit(pod);
        return;
      }
      if (pod.metadata.deletionTimestamp && !current.terminating) this.beginTermination(current);
    });
  }

  stop(): void {
    this.unwatch?.();
    for (const rt of [...this.pods.values()]) this.forget(rt);
  }

  /** The node's kubelet stops (node down): nothing progresses on it until `resumeNode`. */
  pauseNode(node: string): void {
    if (this.paused.has(node)) return;
    this.paused.add(node);
    for (const rt of this.pods.values()) {
      if (rt.node !== node) continue;
      for (const p of rt.timers.values()) {
        this.ctx.clock.clearTimeout(p.handle);
        p.handle = undefined;
      }
    }
  }

  resumeNode(node: string): void {
    if (!this.paused.delete(node)) return;
    for (const rt of [...this.pods.values()]) {
      if (rt.node !== node) continue;
      const pod = this.get(rt);
      if (!pod) continue;
      if (pod.metadata.deletionTimestamp) {
        rt.terminating = false;
        this.beginTermination(rt);
        continue;
      }
      for (const [name, p] of rt.timers) this.arm(rt, name, p);
      this.render(rt);
    }
  }

  isNodePaused(node: string): boolean {
    return this.paused.has(node);
  }

  /**
   * Kills a running container as its process dying would. Returns false when the pod, container or a
   * running instance is not there (or its node is down).
   */
  kill(namespace: string, name: string, container: string | undefined, exitCode: number, reason: string): boolean {
    const rt = this.pods.get(`${namespace}/${name}`);
    if (!rt || rt.terminating || this.paused.has(rt.node)) return false;
    const c = container ? rt.containers.find((x) => x.name === container) : rt.containers.find((x) => x.state === 'running');
    if (c?.state !== 'running') return false;
    if (reason === 'OOMKilled') {
      const pod = this.get(rt);
      if (pod)
        this.ctx.events.warning(
          pod,
          'OOMKilling',
          `Memory cgroup out of memory: Killed process ${1000 + c.restartCount} (${c.name})`,
          SOURCE(rt.node),
          `spec.containers{${c.name}}`,
        );
    }
    this.crash(rt, c, exitCode, reason);
    return true;
  }

  /** Makes the pod's running containers exit `afterSeconds` from now (a crash loop starting). */
  scheduleCrash(namespace: string, name: string, afterSeconds: number, exitCode: number): boolean {
    const rt = this.pods.get(`${namespace}/${name}`);
    if (!rt || rt.terminating) return false;
    let any = false;
    for (const c of rt.containers) {
      if (c.state !== 'running') continue;
      any = true;
      this.after(rt, `${c.name}:crash`, afterSeconds * 1000, () => this.crash(rt, c, exitCode, 'Error'));
    }
    return any;
  }

  /** Cancels crashes planned for the pod's running containers (a crash loop cleared). */
  cancelCrashes(namespace: string, name: string): void {
    const rt = this.pods.get(`${namespace}/${name}`);
    if (!rt) return;
    for (const c of rt.containers) this.cancel(rt, `${c.name}:crash`);
  }

  private get(rt: PodRt): KObject | undefined {
    const [ns, name] = splitKey(rt.key);
    const pod = this.ctx.store.get(R.pods, ns, name);
    return pod && pod.metadata.uid === rt.uid ? pod : undefined;
  }

  private forget(rt: PodRt): void {
    for (const p of rt.timers.values()) this.ctx.clock.clearTimeout(p.handle);
    rt.timers.clear();
    this.pods.delete(rt.key);
  }

  private jitterMs([min, max]: [number, number]): number {
    return Math.round(this.ctx.rng.range(min, max) * 1000);
  }

  /** Runs `fn` after `ms` unless the node is down, in which case it waits for the node to come back. */
  private after(rt: PodRt, name: string, ms: number, fn: () => void): void {
    this.cancel(rt, name);
    const p: Pending = { at: this.ctx.clock.now() + ms, fn };
    rt.timers.set(name, p);
    if (!this.paused.has(rt.node)) this.arm(rt, name, p);
  }

  private arm(rt: PodRt, name: string, p: Pending): void {
    p.handle = this.ctx.clock.setTimeout(
      () => {
        rt.timers.delete(name);
        if (this.pods.get(rt.key) === rt) p.fn();
      },
      Math.max(0, p.at - this.ctx.clock.now()),
    );
  }

  private cancel(rt: PodRt, name: string): void {
    const p = rt.timers.get(name);
    if (p) this.ctx.clock.clearTimeout(p.handle);
    rt.timers.delete(name);
  }

  private cancelContainer(rt: PodRt, c: ContainerRt): void {
    for (const name of [...rt.timers.keys()]) if (name.startsWith(`${c.name}:`)) this.cancel(rt, name);
  }

  private admit(pod: KObject): void {
    const rt: PodRt = {
      key: podKey(pod),
      uid: pod.metadata.uid!,
      node: pod.spec.nodeName,
      containers: ((pod.spec?.containers ?? []) as Record<string, any>[]).map((spec) => ({
        name: String(spec.name),
        image: String(spec.image ?? ''),
        spec,
        state: 'waiting',
        reason: 'ContainerCreating',
        ready: false,
        restartCount: 0,
        crashBackoff: 0,
        pullBackoff: 0,
        done: false,
        probeOk: 0,
        probeFail: 0,
      })),
      sandboxReady: false,
      startTime: this.ctx.clock.now(),
      terminating: false,
      timers: new Map(),
    };
    this.pods.set(rt.key, rt);
    this.render(rt);
    if (pod.metadata.deletionTimestamp) return this.beginTermination(rt);
    this.after(rt, 'sandbox', this.jitterMs(this.ctx.config.kubelet.sandboxSeconds), () => {
      rt.sandboxReady = true;
      rt.ip = this.allocateIp(rt.node);
      for (const c of rt.containers) this.pull(rt, c);
      this.render(rt);
    });
  }

  private allocateIp(node: string): string {
    const n = (this.ipSeq.get(node) ?? 1) + 1;
    this.ipSeq.set(node, n > 254 ? 2 : n);
    const m = /(\d+)$/.exec(node);
    const third = m ? Number(m[1]) % 256 : 250;
    return `10.244.${third}.${n > 254 ? 2 : n}`;
  }

  private event(rt: PodRt, c: ContainerRt | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const pod = this.get(rt);
    if (pod) this.ctx.events.record(pod, type, reason, message, SOURCE(rt.node), c ? `spec.containers{${c.name}}` : undefined);
  }

  private pull(rt: PodRt, c: ContainerRt): void {
    const { config, behaviour } = this.ctx;
    const images = this.nodeImages.get(rt.node) ?? new Set<string>();
    this.nodeImages.set(rt.node, images);
    const present = images.has(c.image) && c.spec.imagePullPolicy !== 'Always';
    if (present && !behaviour.isImageMissing(c.image)) {
      this.event(rt, c, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
      this.after(rt, `${c.name}:start`, this.jitterMs(config.kubelet.startSeconds), () => this.startContainer(rt, c));
      return;
    }
    this.event(rt, c, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
    const bytes = this.imageBytes(rt, c.image);
    const ms = this.jitterMs(config.kubelet.pullSeconds) + (config.kubelet.pullMBps > 0 ? Math.round((bytes / 1e6 / config.kubelet.pullMBps) * 1000) : 0);
    this.after(rt, `${c.name}:pull`, ms, () => {
      if (behaviour.isImageMissing(c.image)) return this.pullFailed(rt, c);
      images.add(c.image);
      const secs = (ms / 1000).toFixed(3);
      this.event(rt, c, 'Normal', 'Pulled', `Successfully pulled image "${c.image}" in ${secs}s (${secs}s including waiting). Image size: ${bytes} bytes.`);
      this.after(rt, `${c.name}:start`, this.jitterMs(config.kubelet.startSeconds), () => this.startContainer(rt, c));
    });
  }

  private imageBytes(rt: PodRt, image: string): number {
    const mb = Number(this.get(rt)?.metadata.annotations?.[IMAGE_MB_ANNOTATION]);
    return Number.isFinite(mb) && mb > 0 ? Math.round(mb * 1e6) : imageSize(image);
  }

  private pullFailed(rt: PodRt, c: ContainerRt): void {
    const ref = fullImage(c.image);
    const why = `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
    const message = `Failed to pull image "${c.image}": rpc error: code = NotFound desc = ${why}`;
    this.event(rt, c, 'Warning', 'Failed', message);
    this.event(rt, c, 'Warning', 'Failed', 'Error: ErrImagePull');
    Object.assign(c, { state: 'waiting', reason: 'ErrImagePull', message });
    c.pullBackoff = c.pullBackoff === 0 ? INITIAL_BACKOFF_S : Math.min(c.pullBackoff * 2, MAX_BACKOFF_S);
    this.render(rt);
    const backoff = c.pullBackoff;
    this.after(rt, `${c.name}:pullbackoff`, 1000, () => {
      Object.assign(c, { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` });
      this.event(rt, c, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`);
      this.event(rt, c, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      this.render(rt);
      this.after(rt, `${c.name}:pull`, backoff * 1000 - 1000, () => this.pull(rt, c));
    });
  }

  private startContainer(rt: PodRt, c: ContainerRt): void {
    const pod = this.get(rt);
    if (!pod) return;
    const now = this.ctx.clock.now();
    c.containerID = `containerd://${this.ctx.rng.hex(64)}`;
    this.event(rt, c, 'Normal', 'Created', `Created container: ${c.name}`);
    this.event(rt, c, 'Normal', 'Started', `Started container ${c.name}`);
    Object.assign(c, { state: 'running', reason: undefined, message: undefined, startedAt: now, current: undefined });
    const probe = c.spec.readinessProbe as ReadinessProbe | undefined;
    c.ready = !probe;
    c.probeOk = 0;
    c.probeFail = 0;
    if (probe) {
      // The prober's worker starts with a random offset within the first period, as upstream's does.
      const period = Math.max(1, probe.periodSeconds ?? 10);
      const delay = (probe.initialDelaySeconds ?? 0) * 1000 + this.jitterMs([0, Math.min(period, 2)]);
      this.after(rt, `${c.name}:probe`, delay, () => this.probe(rt, c, probe));
    }
    const plan = this.ctx.behaviour.crashPlan(pod, deploymentKeyOfPod(this.ctx.store, pod));
    if (plan) {
      this.after(rt, `${c.name}:crash`, plan.afterSeconds * 1000, () => {
        if (c.spec.livenessProbe) {
          this.event(rt, c, 'Warning', 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500');
          this.event(rt, c, 'Normal', 'Killing', `Container ${c.name} failed liveness probe, will be restarted`);
        }
        this.crash(rt, c, c.spec.livenessProbe ? 137 : plan.exitCode, 'Error');
      });
    }
    this.render(rt);
  }

  /** One readiness probe of a running container, then the next one a period later. */
  private probe(rt: PodRt, c: ContainerRt, probe: ReadinessProbe): void {
    const pod = this.get(rt);
    if (!pod || c.state !== 'running' || rt.terminating) return;
    const deployment = deploymentKeyOfPod(this.ctx.store, pod);
    const boot = Number(pod.metadata.annotations?.[STARTUP_ANNOTATION] ?? 0);
    const port = Number(probe.httpGet?.port ?? probe.tcpSocket?.port ?? c.spec.ports?.[0]?.containerPort ?? 80) || 80;
    const failure = this.ctx.behaviour.readiness(pod, deployment, rt.ip ?? '', port, {
      now: this.ctx.clock.now(),
      startedAt: c.startedAt ?? this.ctx.clock.now(),
      bootMs: Number.isFinite(boot) && boot > 0 ? boot * 1000 : 0,
      timeoutSeconds: probe.timeoutSeconds ?? 1,
      queueWaitSeconds: deployment ? this.ctx.behaviour.queueWait(deployment) : 0,
      ready: c.ready,
    });
    if (failure === undefined) {
      c.probeFail = 0;
      c.probeOk++;
      if (!c.ready && c.probeOk >= (probe.successThreshold ?? 1)) {
        c.ready = true;
        this.render(rt);
      }
    } else {
      c.probeOk = 0;
      c.probeFail++;
      this.event(rt, c, 'Warning', 'Unhealthy', failure);
      if (c.ready && c.probeFail >= (probe.failureThreshold ?? 3)) {
        c.ready = false;
        this.render(rt);
      }
    }
    this.after(rt, `${c.name}:probe`, Math.max(1, probe.periodSeconds ?? 10) * 1000, () => this.probe(rt, c, probe));
  }

  private crash(rt: PodRt, c: ContainerRt, exitCode: number, reason: string): void {
    const now = this.ctx.clock.now();
    this.cancelContainer(rt, c);
    const terminated: Terminated = { exitCode, reason, startedAt: c.startedAt ?? now, finishedAt: now, containerID: c.containerID ?? '' };
    c.ready = false;
    const pod = this.get(rt);
    const policy = pod?.spec?.restartPolicy ?? 'Always';
    if (policy === 'Never' || (policy === 'OnFailure' && exitCode === 0)) {
      Object.assign(c, { state: 'terminated', current: terminated, done: true });
      this.render(rt);
      return;
    }
    c.last = terminated;
    c.restartCount++;
    if (c.lastBackoffAt !== undefined && now - c.lastBackoffAt > BACKOFF_RESET_MS) c.crashBackoff = 0;
    if (c.crashBackoff === 0) {
      // No back-off entry yet: the kubelet restarts on its next sync and starts the 10 s window.
      Object.assign(c, { state: 'terminated', current: terminated, crashBackoff: INITIAL_BACKOFF_S });
      this.render(rt);
      this.after(rt, `${c.name}:restart`, 1000, () => {
        c.lastBackoffAt = this.ctx.clock.now();
        this.pull(rt, c);
      });
      return;
    }
    const wait = c.crashBackoff;
    const podRef = `${splitKey(rt.key)[1]}_${splitKey(rt.key)[0]}(${rt.uid})`;
    Object.assign(c, {
      state: 'waiting',
      reason: 'CrashLoopBackOff',
      message: `back-off ${goDuration(wait)} restarting failed container=${c.name} pod=${podRef}`,
      current: undefined,
    });
    this.event(rt, c, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podRef}`);
    this.render(rt);
    this.after(rt, `${c.name}:restart`, wait * 1000, () => {
      c.crashBackoff = Math.min(c.crashBackoff * 2, MAX_BACKOFF_S);
      c.lastBackoffAt = this.ctx.clock.now();
      this.pull(rt, c);
    });
  }

  private beginTermination(rt: PodRt): void {
    rt.terminating = true;
    if (this.paused.has(rt.node)) return; // finished when the node comes back
    const pod = this.get(rt);
    if (!pod) return;
    for (const name of [...rt.timers.keys()]) this.cancel(rt, name);
    for (const c of rt.containers) if (c.state === 'running') this.event(rt, c, 'Normal', 'Killing', `Stopping container ${c.name}`);
    const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30);
    const ms = Math.min(grace, this.ctx.config.kubelet.terminationSeconds) * 1000;
    this.after(rt, 'terminate', ms, () => {
      const [ns, name] = splitKey(rt.key);
      if (this.get(rt)) this.ctx.store.delete(R.pods, ns, name, { uid: rt.uid });
    });
  }

  /** Writes the pod's complete status from the runtime state. */
  private render(rt: PodRt): void {
    const now = this.ctx.clock.now();
    const [ns, name] = splitKey(rt.key);
    const node = this.ctx.store.get(R.nodes, undefined, rt.node);
    const hostIP = (node?.status?.addresses as { type: string; address: string }[] | undefined)?.find((a) => a.type === 'InternalIP')?.address;
    this.ctx.store.mutate(
      R.pods,
      ns,
      name,
      (pod) => {
        if (pod.metadata.uid !== rt.uid) return;
        const statuses = rt.containers.map((c) => containerStatus(c));
        const allDone = rt.containers.length > 0 && rt.containers.every((c) => c.done);
        let phase: string;
        if (allDone) phase = rt.containers.every((c) => c.current!.exitCode === 0) ? 'Succeeded' : 'Failed';
        else if (rt.containers.some((c) => c.state === 'waiting' && c.restartCount === 0)) phase = 'Pending';
        else phase = 'Running';
        const unready = rt.containers.filter((c) => !c.ready).map((c) => c.name);
        const ready: Condition =
          phase === 'Succeeded' || phase === 'Failed'
            ? { type: 'Ready', status: 'False', reason: 'PodCompleted' }
            : unready.length
              ? { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }
              : { type: 'Ready', status: 'True' };
        let conds = (pod.status?.conditions ?? []) as Condition[];
        conds = setCondition(
          conds,
          { type: 'PodReadyToStartContainers', status: rt.sandboxReady ? 'True' : 'False', lastProbeTime: null },
          now,
          POD_CONDITION_ORDER,
        );
        conds = setCondition(conds, { type: 'Initialized', status: 'True', lastProbeTime: null }, now, POD_CONDITION_ORDER);
        conds = setCondition(conds, { ...ready, lastProbeTime: null }, now, POD_CONDITION_ORDER);
        conds = setCondition(conds, { ...ready, type: 'ContainersReady', lastProbeTime: null }, now, POD_CONDITION_ORDER);
        pod.status = {
          ...(pod.status ?? {}),
          phase,
          conditions: conds,
          ...(hostIP ? { hostIP, hostIPs: [{ ip: hostIP }] } : {}),
          ...(rt.ip ? { podIP: rt.ip, podIPs: [{ ip: rt.ip }] } : {}),
          startTime: isoSeconds(rt.startTime),
          containerStatuses: statuses,
        };
      },
      { subresource: 'status' },
    );
  }
}

function isFinished(pod: KObject): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function terminatedStatus(t: Terminated): Record<string, unknown> {
  return {
    exitCode: t.exitCode,
    reason: t.reason,
    ...(t.message ? { message: t.message } : {}),
    startedAt: isoSeconds(t.startedAt),
    finishedAt: isoSeconds(t.finishedAt),
    containerID: t.containerID,
  };
}

function containerStatus(c: ContainerRt): Record<string, unknown> {
  let state: Record<string, unknown>;
  if (c.state === 'running') state = { running: { startedAt: isoSeconds(c.startedAt!) } };
  else if (c.state === 'terminated' && c.current) state = { terminated: terminatedStatus(c.current) };
  else state = { waiting: { reason: c.reason ?? 'ContainerCreating', ...(c.message ? { message: c.message } : {}) } };
  const everStarted = c.startedAt !== undefined;
  return {
    name: c.name,
    state,
    lastState: c.last ? { terminated: terminatedStatus(c.last) } : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: fullImage(c.image),
    imageID: everStarted ? imageId(c.image) : '',
    ...(c.containerID && c.state !== 'waiting' ? { containerID: c.containerID } : {}),
    started: c.state === 'running',
  };
}

/** `nginx:1.27` -> `docker.io/library/nginx:1.27`, as containerd reports it. */
export function fullImage(image: string): string {
  let ref = image;
  const firstSlash = ref.indexOf('/');
  const first = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  if (firstSlash < 0) ref = `docker.io/library/${ref}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') ref = `docker.io/${ref}`;
  const lastSlash = ref.lastIndexOf('/');
  if (!ref.slice(lastSlash).includes(':') && !ref.includes('@')) ref += ':latest';
  return ref;
}

function imageId(image: string): string {
  const ref = fullImage(image);
  const repo = ref.slice(0, ref.lastIndexOf(':') > ref.lastIndexOf('/') ? ref.lastIndexOf(':') : ref.length);
  return `${repo}@sha256:${createHash('sha256').update(ref).digest('hex')}`;
}

function imageSize(image: string): number {
  return 20_000_000 + (createHash('sha256').update(image).digest().readUInt32BE(0) % 60_000_000);
}

/** Go's time.Duration String for whole seconds: 10s, 1m20s, 5m0s. */
export function goDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m}m${s}s` : `${s}s`;
}
