/**
 * Switches that faults flip and the kubelet reads: which images cannot be pulled, which containers
 * crash, and what a readiness probe answers. Kept apart from both so that neither imports the other.
 */
import type { KObject } from '../types.js';

/** A pod template annotation that makes its containers exit this many seconds after each start. */
export const CRASH_AFTER_ANNOTATION = 'sim.sentinelops.io/crash-after-seconds';

/** Pod template annotation: seconds an app needs after its container starts before it can serve (and pass its probe). */
export const STARTUP_ANNOTATION = 'sim.sentinelops.io/startup-seconds';

/** A pod template annotation whose value `fail` makes every readiness probe of its pods fail (a broken revision). */
export const READINESS_ANNOTATION = 'sim.sentinelops.io/readiness';

/** What a readiness probe sees besides the switches: the app's boot and its deployment's load. */
export interface ProbeContext {
  now: number;
  /** When the container started (ms) and the app's boot time after it (ms). */
  startedAt: number;
  bootMs: number;
  /** The probe's timeoutSeconds (default 1). */
  timeoutSeconds: number;
  /** Queue wait the deployment's requests see now (seconds); the probe waits in the same queue. */
  queueWaitSeconds: number;
  /** The container is ready, so it receives traffic: only then does the queue stand before its probe. */
  ready: boolean;
}

export interface CrashRule {
  afterSeconds: number;
  exitCode: number;
  /** Which fault (or the template) causes it, for logs and the termination message. */
  cause: string;
}

export class Behaviour {
  /** Exact image references that fail to pull, besides the built-in patterns. */
  readonly missingImages = new Set<string>();
  /** Crash loops by deployment key `ns/name`. */
  private readonly crashLoops = new Map<string, CrashRule[]>();
  /** Deployments whose dependency is down, with how many faults hold it so. */
  private readonly dependencyDown = new Map<string, number>();

  /** The queue wait (seconds) a deployment's requests see now; the simulator wires it to the workload. */
  queueWait: (deploymentKey: string) => number = () => 0;

  constructor(private readonly missingTagPatterns: readonly string[] = ['does-not-exist', 'missing']) {}

  /** An image is missing when its tag contains one of the patterns, or a fault marked it. */
  isImageMissing(image: string): boolean {
    if (this.missingImages.has(image)) return true;
    const slash = image.lastIndexOf('/');
    const colon = image.lastIndexOf(':');
    const tag = colon > slash ? image.slice(colon + 1) : '';
    return this.missingTagPatterns.some((p) => tag.includes(p));
  }

  addCrashLoop(deploymentKey: string, rule: CrashRule): void {
    const rules = this.crashLoops.get(deploymentKey) ?? [];
    rules.push(rule);
    this.crashLoops.set(deploymentKey, rules);
  }

  removeCrashLoop(deploymentKey: string, rule: CrashRule): void {
    const rules = (this.crashLoops.get(deploymentKey) ?? []).filter((r) => r !== rule);
    if (rules.length) this.crashLoops.set(deploymentKey, rules);
    else this.crashLoops.delete(deploymentKey);
  }

  setDependencyDown(deploymentKey: string, down: boolean): void {
    const n = (this.dependencyDown.get(deploymentKey) ?? 0) + (down ? 1 : -1);
    if (n > 0) this.dependencyDown.set(deploymentKey, n);
    else this.dependencyDown.delete(deploymentKey);
  }

  isDependencyDown(deploymentKey: string | undefined): boolean {
    return deploymentKey !== undefined && this.dependencyDown.has(deploymentKey);
  }

  /**
   * The readiness probe's answer: undefined when it succeeds, else the kubelet's message for the failure.
   * A pod fails while its app boots (connection refused), when its revision is broken or a dependency is
   * down (HTTP 503), and, while it receives traffic, when its deployment's queue makes the probe wait past its
   * timeout (an unready pod gets no traffic, so its probe answers again: overloaded pods flap).
   */
  readiness(pod: KObject, deploymentKey: string | undefined, ip: string, port: number, p: ProbeContext): string | undefined {
    const url = `http://${ip}:${port}/healthz`;
    if (p.now < p.startedAt + p.bootMs) return `Readiness probe failed: Get "${url}": dial tcp ${ip}:${port}: connect: connection refused`;
    if (pod.metadata.annotations?.[READINESS_ANNOTATION] === 'fail' || this.isDependencyDown(deploymentKey))
      return 'Readiness probe failed: HTTP probe failed with statuscode: 503';
    if (p.ready && p.queueWaitSeconds > p.timeoutSeconds)
      return `Readiness probe failed: Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
    return undefined;
  }

  /** When (if at all) a container that starts now will crash. */
  crashPlan(pod: KObject, deploymentKey: string | undefined): CrashRule | undefined {
    const rule = deploymentKey ? this.crashLoops.get(deploymentKey)?.[0] : undefined;
    if (rule) return { ...rule };
    const fromTemplate = Number(pod.metadata.annotations?.[CRASH_AFTER_ANNOTATION]);
    if (Number.isFinite(fromTemplate) && fromTemplate >= 0 && pod.metadata.annotations?.[CRASH_AFTER_ANNOTATION] !== undefined) {
      return { afterSeconds: fromTemplate, exitCode: 1, cause: 'the pod template' };
    }
    return undefined;
  }
}
