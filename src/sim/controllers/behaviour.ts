/**
 * Switches that faults flip and the kubelet reads: which images cannot be pulled and which containers
 * crash. Kept apart from both so that neither imports the other.
 */
import type { KObject } from '../types.js';

/** A pod template annotation that makes its containers exit this many seconds after each start. */
export const CRASH_AFTER_ANNOTATION = 'sim.sentinelops.io/crash-after-seconds';

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
