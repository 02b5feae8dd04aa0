/**
 * What every control loop shares: the store, the clock, seeded randomness, the event recorder, the
 * tunables, and the fault-driven behaviour switches the kubelet consults.
 */
import type { Clock } from '../../base/clock.js';
import type { Logger } from '../../base/log.js';
import type { Rng } from '../../base/random.js';
import type { ObjectStore } from '../store.js';
import type { Behaviour } from './behaviour.js';
import type { EventRecorder } from './events.js';

export interface KubeletTimings {
  /** Sandbox + first status after binding, seconds [min, max]. */
  sandboxSeconds: [number, number];
  /** Pulling an image that is not yet on the node: the registry round trip, plus its size over pullMBps. */
  pullSeconds: [number, number];
  /** The node's download bandwidth in MB/s (0: the size costs nothing). */
  pullMBps: number;
  /** Creating and starting a container once the image is present. */
  startSeconds: [number, number];
  /** Simulated grace before a deleted pod disappears (capped by its terminationGracePeriodSeconds). */
  terminationSeconds: number;
}

export interface SimConfig {
  seed: number;
  /** tolerationSeconds the simulator's admission gives pods for not-ready/unreachable nodes (upstream 300). */
  tolerationSeconds: number;
  /** How long a silent node stays Ready before the node controller marks it Unknown (upstream 40 s). */
  nodeMonitorGraceSeconds: number;
  kubelet: KubeletTimings;
}

export const DEFAULT_KUBELET_TIMINGS: KubeletTimings = {
  sandboxSeconds: [0.2, 0.6],
  pullSeconds: [0.5, 1.5],
  pullMBps: 40,
  startSeconds: [0.3, 0.8],
  terminationSeconds: 2,
};

export interface SimContext {
  store: ObjectStore;
  clock: Clock;
  rng: Rng;
  config: SimConfig;
  events: EventRecorder;
  behaviour: Behaviour;
  logger?: Logger;
}

/** RFC 3339 with seconds, as the API server writes timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function parseTime(ts: string | undefined | null): number | undefined {
  if (!ts) return undefined;
  const t = Date.parse(ts);
  return Number.isFinite(t) ? t : undefined;
}
