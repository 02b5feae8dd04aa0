/**
 * Memory leaks, told apart from memory demand. One snapshot cannot do it: a pod at 90 % of its limit may be busy
 * or leaking. A leak is memory that keeps rising over the container's run while the work it does (CPU) does not;
 * demand rises with the work. Scaling out does not slow a leak — every new pod leaks too — so a leaking deployment
 * is not scaled on memory; instead the pod about to hit its limit is replaced before the OOM killer takes it,
 * one at a time and only while the others can carry the load (the OOM kill would lose in-flight work, grow the
 * kubelet's back-off, and tends to take lockstep pods down together). The leak itself needs a fix: it is escalated.
 *
 * Pure: the samples live in History (`memory`), folded in by `trackMemory`; `leakFindings` reads them plus the
 * current observation.
 */
import type { Finding } from './findings.js';
import { type Observation, type PodView, deploymentKey, isTerminating, podsOf } from './observation.js';
import { isoAt } from '../base/iso.js';

export interface MemorySample {
  at: number;
  bytes: number;
  cpu?: number;
}

/** One container run of a pod: samples reset when the pod restarts (a restart frees the leaked memory). */
export interface MemoryTrack {
  restarts: number;
  samples: MemorySample[];
}

export interface LeakOptions {
  /** Samples closer together than this are not kept (triggered cycles can come seconds apart). */
  minSampleGapSeconds: number;
  /** Consecutive rising samples that make a trend (2 rises = 3 samples). */
  risingSamples: number;
  /** The rise over those samples must be at least this share of the limit (or request): noise stays out. */
  minGrowthShare: number;
  /** CPU per pod may rise by at most this factor over the same samples; more is demand, not a leak. */
  maxCpuGrowth: number;
  /**
   * A deployment found leaking stays a known leaker this long: its fresh pods (too young for the full evidence) are
   * judged on two rising samples, and the incident stays open until a pod with a full window shows flat memory.
   */
  knownLeakSeconds: number;
}

export const DEFAULT_LEAK_OPTIONS: LeakOptions = { minSampleGapSeconds: 30, risingSamples: 3, minGrowthShare: 0.05, maxCpuGrowth: 1.2, knownLeakSeconds: 900 };

/** `namespace/deployment` → when its leak was first and last seen (History.leaks). */
export type KnownLeaks = Record<string, { since: number; lastSeenAt: number }>;

export function knownLeaksOf(prev: KnownLeaks | undefined, findings: readonly Finding[], now: number, o: LeakOptions = DEFAULT_LEAK_OPTIONS): KnownLeaks {
  const out: KnownLeaks = {};
  for (const [k, v] of Object.entries(prev ?? {})) if (now - v.lastSeenAt <= o.knownLeakSeconds * 1000) out[k] = v;
  for (const f of findings) {
    if (f.type !== 'memory_leak' || f.kind !== 'deployment') continue;
    const k = `${f.namespace}/${f.target}`;
    out[k] = { since: out[k]?.since ?? now, lastSeenAt: now };
  }
  return out;
}

/** A pod whose memory can be trended: ready, staying, with a sample. */
function measured(p: PodView): p is PodView & { memoryBytes: number } {
  return p.ready && !isTerminating(p) && p.memoryBytes !== undefined;
}

/** Samples kept per pod run: at 60 s checks, a leak of 5 % of the limit per 9 minutes still shows. */
const KEEP = 10;

export function trackMemory(
  tracks: Record<string, MemoryTrack> | undefined,
  obs: Observation,
  now: number,
  o: LeakOptions = DEFAULT_LEAK_OPTIONS,
): Record<string, MemoryTrack> {
  const out: Record<string, MemoryTrack> = {};
  for (const p of obs.pods) {
    if (!measured(p)) continue;
    const key = `${p.namespace}/${p.name}`;
    const prev = tracks?.[key];
    const samples = prev && prev.restarts === p.restarts ? prev.samples : [];
    const last = samples.at(-1);
    const sample: MemorySample = { at: now, bytes: p.memoryBytes, ...(p.cpuMillicores !== undefined ? { cpu: p.cpuMillicores } : {}) };
    out[key] = {
      restarts: p.restarts,
      samples: last && now - last.at < o.minSampleGapSeconds * 1000 ? samples : [...samples, sample].slice(-KEEP),
    };
  }
  return out;
}

export interface PodLeak {
  pod: string;
  bytesPerSecond: number;
  memoryBytes: number;
  limitBytes?: number;
  /** Projected seconds until the limit at the current rate (absent without a limit). */
  secondsToLimit?: number;
  /** Seconds the container has been tracked in this run. */
  trackedSeconds: number;
}

/**
 * The pod's memory trend over its last `rising` samples (the current one appended when far enough from the last
 * kept): `leak` — strictly rising over the last `rising` samples with CPU flat over them, the whole rising stretch
 * having grown by at least minGrowthShare of the limit (half of it for a two-sample stretch); the rate is the
 * recent window's; `steady` — no higher at the end of the window than at its start; `unknown` — too few samples, a rise with a
 * dip (garbage collection) or too small to call, or CPU rising with it (demand, or a leak under load: not proof).
 */
export type Trend = { kind: 'leak'; leak: PodLeak } | { kind: 'steady' } | { kind: 'unknown' };

export function podTrend(track: MemoryTrack | undefined, p: PodView, now: number, o: LeakOptions = DEFAULT_LEAK_OPTIONS, rising = o.risingSamples): Trend {
  const unknown: Trend = { kind: 'unknown' };
  const mem = p.memoryBytes;
  if (mem === undefined) return unknown;
  const samples = samplesNow(track, p, now, o);
  const window = samples.slice(-rising);
  if (window.length < rising || rising < 2) return unknown;
  const first = window[0]!;
  const end = window.at(-1)!;
  if (end.bytes <= first.bytes) return { kind: 'steady' };
  // The whole strictly rising stretch that ends now counts toward the growth: a slow leak needs more samples to
  // show than a fast one. Rate and CPU are judged on the recent window: a scale-down earlier in the stretch moved
  // CPU per pod once, which says nothing about now.
  let from = samples.length - 1;
  while (from > 0 && samples[from - 1]!.bytes < samples[from]!.bytes) from--;
  if (samples.length - from < rising) return unknown;
  const scale = p.memoryLimitBytes ?? p.memoryRequestBytes;
  const steps = Math.min(1, (samples.length - from - 1) / Math.max(1, o.risingSamples - 1));
  if (!scale || end.bytes - samples[from]!.bytes < o.minGrowthShare * scale * steps) return unknown;
  if (first.cpu !== undefined && end.cpu !== undefined && end.cpu > Math.max(first.cpu * o.maxCpuGrowth, first.cpu + 5)) return unknown;
  const bytesPerSecond = (end.bytes - first.bytes) / ((end.at - first.at) / 1000);
  const limitBytes = p.memoryLimitBytes;
  return {
    kind: 'leak',
    leak: {
      pod: p.name,
      bytesPerSecond,
      memoryBytes: mem,
      ...(limitBytes !== undefined ? { limitBytes, secondsToLimit: Math.max(0, (limitBytes - mem) / bytesPerSecond) } : {}),
      trackedSeconds: (now - samples[0]!.at) / 1000,
    },
  };
}

/** The pod's leak, when its trend is one. */
export function podLeak(
  track: MemoryTrack | undefined,
  p: PodView,
  now: number,
  o: LeakOptions = DEFAULT_LEAK_OPTIONS,
  rising = o.risingSamples,
): PodLeak | undefined {
  const t = podTrend(track, p, now, o, rising);
  return t.kind === 'leak' ? t.leak : undefined;
}

/**
 * Whether enough of a deployment's ready pods have been watched for a full window to tell a leak from demand: until
 * then memory is no reason to scale (a leak scaled is replicas spent for nothing).
 */
export function memoryTrendKnown(
  history: { memory?: Record<string, MemoryTrack> },
  obs: Observation,
  d: { namespace: string; name: string },
  now: number,
  o: LeakOptions = DEFAULT_LEAK_OPTIONS,
): boolean {
  const pods = podsOf(obs, d).filter(measured);
  const watched = pods.filter((p) => samplesNow(history.memory?.[`${p.namespace}/${p.name}`], p, now, o).length >= o.risingSamples);
  return pods.length > 0 && watched.length * 2 >= pods.length;
}

/** The run's samples with the current one appended when it is far enough from the last one kept. */
function samplesNow(track: MemoryTrack | undefined, p: PodView, now: number, o: LeakOptions): MemorySample[] {
  if (!track || track.restarts !== p.restarts || p.memoryBytes === undefined) return [];
  const last = track.samples.at(-1);
  const current: MemorySample = { at: now, bytes: p.memoryBytes, cpu: p.cpuMillicores };
  return last && now - last.at < o.minSampleGapSeconds * 1000 ? track.samples : [...track.samples, current];
}

const MIB = 1024 * 1024;

/**
 * A `memory_leak` finding per deployment where most ready pods with samples leak — or, for a known leaker, where
 * no pod with a full window of samples shows memory that stopped rising (its fresh pods are too young to tell).
 */
export function leakFindings(
  history: { memory?: Record<string, MemoryTrack>; leaks?: KnownLeaks },
  obs: Observation,
  now: number,
  o: LeakOptions = DEFAULT_LEAK_OPTIONS,
): Finding[] {
  const out: Finding[] = [];
  for (const d of obs.deployments) {
    const pods = podsOf(obs, d).filter(measured);
    if (pods.length === 0) continue;
    const known = history.leaks?.[deploymentKey(d)];
    const isKnown = known !== undefined && now - known.lastSeenAt <= o.knownLeakSeconds * 1000;
    const track = (p: PodView) => history.memory?.[`${p.namespace}/${p.name}`];
    // A known leaker's fresh pods are judged on two samples; a full window always speaks for itself.
    const trends = pods.map((p) => podTrend(track(p), p, now, o, isKnown && samplesNow(track(p), p, now, o).length < o.risingSamples ? 2 : o.risingSamples));
    const leaks = trends.flatMap((t) => (t.kind === 'leak' ? [t.leak] : []));
    if (isKnown) {
      if (trends.some((t) => t.kind === 'steady')) continue;
    } else if (leaks.length === 0 || leaks.length * 2 < pods.length) continue;
    const rates = leaks.map((l) => l.bytesPerSecond).sort((a, b) => a - b);
    const mibPerMinute = rates.length ? (rates[Math.floor(rates.length / 2)]! * 60) / MIB : 0;
    const soonest = leaks.filter((l) => l.secondsToLimit !== undefined).sort((a, b) => a.secondsToLimit! - b.secondsToLimit!)[0];
    out.push({
      type: 'memory_leak',
      severity: 'high',
      kind: 'deployment',
      namespace: d.namespace,
      target: d.name,
      pods: leaks.map((l) => l.pod),
      evidence: {
        mibPerMinute: Number(mibPerMinute.toFixed(2)),
        ...(isKnown ? { leakingSince: isoAt(known.since) } : {}),
        leakingPods: leaks.length,
        readyPods: pods.length,
        leaks: leaks.map((l) => ({
          pod: l.pod,
          mibPerMinute: Number(((l.bytesPerSecond * 60) / MIB).toFixed(2)),
          secondsToLimit: l.secondsToLimit === undefined ? undefined : Math.round(l.secondsToLimit),
        })),
      },
      message:
        (leaks.length
          ? `memory of ${leaks.length}/${pods.length} ready pod(s) of deployment ${deploymentKey(d)} rises steadily (about ${mibPerMinute.toFixed(1)} MiB/min each) while their CPU does not: a leak`
          : `deployment ${deploymentKey(d)} has been leaking memory since ${isoAt(known!.since)}; its pods are too young to measure again`) +
        (soonest ? `; pod ${soonest.pod} reaches its limit in about ${Math.round(soonest.secondsToLimit!)}s` : '') +
        '. Scaling out will not help; the fix is in the code (heap profile), a higher limit only buys time',
    });
  }
  return out;
}
