import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/policy/findings.js';
import { type KnownLeaks, type MemoryTrack, knownLeaksOf, leakFindings, podLeak, trackMemory } from '../../src/policy/leak.js';
import { deployment, observation, pod, sec } from './builders.js';

const MiB = 2 ** 20;
const LIMIT = 128 * MiB;

/** Samples as [second, MiB, cpu millicores]. */
type Sample = [s: number, mib: number, cpu?: number];

function track(samples: Sample[], restarts = 0): MemoryTrack {
  return { restarts, samples: samples.map(([s, mib, cpu]) => ({ at: sec(s), bytes: mib * MiB, ...(cpu !== undefined ? { cpu } : {}) })) };
}

describe('podLeak: one pod, its kept samples plus the current one', () => {
  it.each<{
    name: string;
    kept: Sample[];
    now: Sample;
    restarts?: number;
    noLimit?: boolean;
    want?: { mibPerMinute: number; secondsToLimit?: number; trackedSeconds: number };
  }>([
    {
      name: 'steady rise with flat CPU → leak',
      kept: [
        [0, 60, 50],
        [60, 66, 50],
      ],
      now: [120, 72, 50],
      want: { mibPerMinute: 6, secondsToLimit: 560, trackedSeconds: 120 },
    },
    {
      name: 'CPU up by exactly ×1.2 still counts as flat',
      kept: [
        [0, 60, 50],
        [60, 66, 55],
      ],
      now: [120, 72, 60],
      want: { mibPerMinute: 6, secondsToLimit: 560, trackedSeconds: 120 },
    },
    {
      name: 'memory and CPU rising together (×1.4) → demand, not a leak',
      kept: [
        [0, 60, 50],
        [60, 72, 60],
      ],
      now: [120, 84, 70],
    },
    {
      name: 'small CPU: +5m is slack',
      kept: [
        [0, 60, 10],
        [60, 66, 12],
      ],
      now: [120, 72, 15],
      want: { mibPerMinute: 6, secondsToLimit: 560, trackedSeconds: 120 },
    },
    {
      name: 'small CPU: beyond +5m is demand',
      kept: [
        [0, 60, 10],
        [60, 66, 12],
      ],
      now: [120, 72, 16],
    },
    {
      name: 'flat memory → none',
      kept: [
        [0, 60, 50],
        [60, 60, 50],
      ],
      now: [120, 60, 50],
    },
    {
      name: 'noisy up-down-up → none',
      kept: [
        [0, 60, 50],
        [60, 70, 50],
      ],
      now: [120, 65, 50],
    },
    {
      name: 'up-down-up, then two rises: only the last three samples count',
      kept: [
        [0, 70, 50],
        [60, 60, 50],
        [120, 66, 50],
      ],
      now: [180, 72, 50],
      want: { mibPerMinute: 6, secondsToLimit: 560, trackedSeconds: 180 },
    },
    {
      name: 'growth below 5 % of the limit → none',
      kept: [
        [0, 60, 50],
        [60, 62, 50],
      ],
      now: [120, 64, 50],
    },
    {
      name: 'without a limit the request is the scale (4 MiB ≥ 5 % of 64 MiB) and there is no time to limit',
      kept: [
        [0, 60, 50],
        [60, 62, 50],
      ],
      now: [120, 64, 50],
      noLimit: true,
      want: { mibPerMinute: 2, trackedSeconds: 120 },
    },
    { name: 'only two samples → none', kept: [[0, 60, 50]], now: [60, 66, 50] },
    {
      name: 'current sample under 30 s after the last kept one is not counted → none',
      kept: [
        [0, 60, 50],
        [60, 66, 50],
      ],
      now: [80, 72, 50],
    },
    {
      name: 'the pod restarted since the samples → none',
      kept: [
        [0, 60, 50],
        [60, 66, 50],
      ],
      now: [120, 72, 50],
      restarts: 1,
    },
    {
      name: 'CPU per pod jumped once earlier in the rising stretch (a scale-down), flat since → leak at the recent rate',
      kept: [
        [0, 33, 50],
        [60, 37, 77],
        [120, 58, 78],
      ],
      now: [180, 79, 75],
      want: { mibPerMinute: 21, secondsToLimit: (49 / 21) * 60, trackedSeconds: 180 },
    },
  ])('$name', ({ kept, now, restarts, noLimit, want }) => {
    const [s, mib, cpu] = now;
    const p = pod({ name: 'web-1', memoryBytes: mib * MiB, cpuMillicores: cpu, restarts: restarts ?? 0, ...(noLimit ? { memoryLimitBytes: undefined } : {}) });
    const got = podLeak(track(kept), p, sec(s));
    if (!want) {
      expect(got).toBeUndefined();
      return;
    }
    expect(got).toEqual({
      pod: 'web-1',
      bytesPerSecond: expect.closeTo((want.mibPerMinute * MiB) / 60, 3),
      memoryBytes: mib * MiB,
      ...(want.secondsToLimit !== undefined ? { limitBytes: LIMIT, secondsToLimit: expect.closeTo(want.secondsToLimit, 6) } : {}),
      trackedSeconds: want.trackedSeconds,
    });
  });
});

describe('trackMemory: samples of the current run, at least 30 s apart', () => {
  const at = (tracks: Record<string, MemoryTrack> | undefined, p: Parameters<typeof pod>[0], s: number) =>
    trackMemory(tracks, observation({ pods: [pod({ name: 'web-1', ...p })] }), sec(s));

  it('first sight keeps one sample with memory and CPU', () => {
    expect(at(undefined, { memoryBytes: 60 * MiB, cpuMillicores: 50 }, 0)).toEqual({ 'demo/web-1': track([[0, 60, 50]]) });
  });

  it.each<{ s: number; want: Sample[] }>([
    {
      s: 80,
      want: [
        [0, 60, 50],
        [60, 66, 50],
      ],
    },
    {
      s: 89,
      want: [
        [0, 60, 50],
        [60, 66, 50],
      ],
    },
    {
      s: 90,
      want: [
        [0, 60, 50],
        [60, 66, 50],
        [90, 70, 50],
      ],
    },
  ])('a sample at $s s, after one at 60 s, is kept only 30 s or more after it', ({ s, want }) => {
    const got = at(
      {
        'demo/web-1': track([
          [0, 60, 50],
          [60, 66, 50],
        ]),
      },
      { memoryBytes: 70 * MiB, cpuMillicores: 50 },
      s,
    );
    expect(got).toEqual({ 'demo/web-1': track(want) });
  });

  it('a restart starts the run over with the current sample', () => {
    const prev = {
      'demo/web-1': track([
        [0, 60, 50],
        [60, 66, 50],
        [120, 72, 50],
      ]),
    };
    expect(at(prev, { memoryBytes: 30 * MiB, cpuMillicores: 50, restarts: 1 }, 180)).toEqual({ 'demo/web-1': track([[180, 30, 50]], 1) });
  });

  it('keeps the last ten samples', () => {
    const prev = { 'demo/web-1': track([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => [i * 60, 40 + i, 50] as Sample)) };
    const got = at(prev, { memoryBytes: 50 * MiB, cpuMillicores: 50 }, 600)['demo/web-1']!;
    expect(got.samples.map((x) => x.bytes / MiB)).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
  });

  it('a slow leak shows over the whole rising stretch: 3 MiB/min on a 128 MiB limit is too little for three samples, enough for four', () => {
    const p = (t: number) => pod({ name: 'web-1', memoryBytes: (40 + 0.05 * t) * MiB, cpuMillicores: 50 });
    const samples = (n: number) => track(Array.from({ length: n }, (_, i) => [i * 60, 40 + 3 * i, 50] as Sample));
    expect(podLeak(samples(2), p(120), sec(120))).toBeUndefined();
    const leak = podLeak(samples(3), p(180), sec(180));
    expect(leak).toMatchObject({ pod: 'web-1', trackedSeconds: 180 });
    expect((leak!.bytesPerSecond * 60) / MiB).toBeCloseTo(3, 6);
    expect(leak!.secondsToLimit).toBeCloseTo(((128 - 49) / 3) * 60, 3);
  });

  it('tracks only ready, running pods with a memory sample; gone pods are forgotten', () => {
    const prev = { 'demo/gone': track([[0, 60, 50]]) };
    const obs = observation({
      pods: [
        pod({ name: 'ok', memoryBytes: 60 * MiB }),
        pod({ name: 'unready', ready: false, memoryBytes: 60 * MiB }),
        pod({ name: 'stopping', reason: 'Terminating', memoryBytes: 60 * MiB }),
        pod({ name: 'no-sample', memoryBytes: undefined }),
      ],
    });
    expect(Object.keys(trackMemory(prev, obs, sec(60)))).toEqual(['demo/ok']);
  });
});

/**
 * One deployment `web` checked at t = 120 s: each pod's series are its MiB at 0, 60 and 120 s (the last one is the
 * current observation; shorter series are younger pods). CPU is flat at 50m unless given.
 */
function leaksAt(series: number[][], o: { leaks?: KnownLeaks; cpu?: number[][]; unready?: number[] } = {}): Finding[] {
  const now = 120;
  const memory: Record<string, MemoryTrack> = {};
  const pods = series.map((mibs, i) => {
    const name = `web-${i + 1}`;
    const cpu = o.cpu?.[i] ?? mibs.map(() => 50);
    const start = now - (mibs.length - 1) * 60;
    memory[`demo/${name}`] = track(mibs.slice(0, -1).map((m, j) => [start + j * 60, m, cpu[j]] as Sample));
    return pod({ name, memoryBytes: mibs.at(-1)! * MiB, cpuMillicores: cpu.at(-1), ready: !o.unready?.includes(i) });
  });
  const obs = observation({ deployments: [deployment({ replicas: pods.length })], pods });
  return leakFindings({ memory, leaks: o.leaks }, obs, sec(now));
}

describe('leakFindings: a deployment leaks when at least half its ready pods with samples do', () => {
  it('all pods rising with flat CPU → one high finding with the median rate and each pod’s time to its limit', () => {
    const fs = leaksAt([
      [60, 64, 68],
      [60, 66, 72],
      [60, 72, 84],
    ]);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      type: 'memory_leak',
      severity: 'high',
      kind: 'deployment',
      namespace: 'demo',
      target: 'web',
      pods: ['web-1', 'web-2', 'web-3'],
      evidence: {
        mibPerMinute: 6,
        leakingPods: 3,
        readyPods: 3,
        leaks: [
          { pod: 'web-1', mibPerMinute: 4, secondsToLimit: 900 },
          { pod: 'web-2', mibPerMinute: 6, secondsToLimit: 560 },
          { pod: 'web-3', mibPerMinute: 12, secondsToLimit: 220 },
        ],
      },
    });
    expect(fs[0]!.evidence.leakingSince).toBeUndefined();
    expect(fs[0]!.message).toContain('pod web-3 reaches its limit in about 220s');
  });

  it.each<{ name: string; series: number[][]; cpu?: number[][]; unready?: number[]; want: string[] }>([
    {
      name: '2 of 3 leaking → finding',
      series: [
        [60, 66, 72],
        [60, 66, 72],
        [60, 60, 60],
      ],
      want: ['web-1', 'web-2'],
    },
    {
      name: '2 of 4 leaking (half) → finding',
      series: [
        [60, 66, 72],
        [60, 66, 72],
        [60, 60, 60],
        [60, 61, 60],
      ],
      want: ['web-1', 'web-2'],
    },
    {
      name: '1 of 3 leaking (minority) → none',
      series: [
        [60, 66, 72],
        [60, 60, 60],
        [60, 60, 60],
      ],
      want: [],
    },
    {
      name: 'memory rising with CPU rising as much → none (demand)',
      series: [
        [60, 72, 84],
        [60, 72, 84],
        [60, 72, 84],
      ],
      cpu: [
        [50, 60, 70],
        [50, 60, 70],
        [50, 60, 70],
      ],
      want: [],
    },
    {
      name: 'flat memory → none',
      series: [
        [60, 60, 60],
        [60, 60, 60],
        [60, 60, 60],
      ],
      want: [],
    },
    {
      name: 'growth below 5 % of the limit → none',
      series: [
        [60, 62, 64],
        [60, 62, 64],
        [60, 62, 64],
      ],
      want: [],
    },
    {
      name: 'young pods (two samples) of a deployment not known to leak → none',
      series: [
        [60, 68],
        [60, 68],
        [60, 68],
      ],
      want: [],
    },
    {
      name: 'an unready pod is not counted: 1 leaking of 2 ready → finding',
      series: [
        [60, 66, 72],
        [60, 60, 60],
        [60, 60, 60],
      ],
      unready: [2],
      want: ['web-1'],
    },
  ])('$name', ({ series, cpu, unready, want }) => {
    const fs = leaksAt(series, { cpu, unready });
    expect(fs.map((f) => f.pods)).toEqual(want.length ? [want] : []);
  });
});

describe('leakFindings: a known leaker', () => {
  const known = (lastSeenSecondsAgo: number): KnownLeaks => ({ 'demo/web': { since: sec(120 - 600), lastSeenAt: sec(120 - lastSeenSecondsAgo) } });

  it('fresh pods with two rising samples → finding, with the time the leak was first seen', () => {
    const fs = leaksAt(
      [
        [60, 68],
        [60, 68],
        [60, 68],
      ],
      { leaks: known(60) },
    );
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      type: 'memory_leak',
      pods: ['web-1', 'web-2', 'web-3'],
      evidence: { mibPerMinute: 8, leakingPods: 3, readyPods: 3, leakingSince: new Date(sec(-480)).toISOString() },
    });
    expect(fs[0]!.evidence.leaks).toEqual(['web-1', 'web-2', 'web-3'].map((pod) => ({ pod, mibPerMinute: 8, secondsToLimit: 450 })));
  });

  it('pods too young to measure keep the incident open', () => {
    const fs = leaksAt([[60], [60], [60]], { leaks: known(60) });
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ pods: [], evidence: { leakingPods: 0, readyPods: 3 } });
    expect(fs[0]!.message).toContain('too young to measure');
  });

  it('a pod with a full window of non-rising memory clears it, even while young pods rise', () => {
    expect(
      leaksAt(
        [
          [60, 68],
          [60, 68],
          [60, 60, 60],
        ],
        { leaks: known(60) },
      ),
    ).toEqual([]);
  });

  it('a full window that rose overall with a dip (garbage collection) does not clear it; one that ended lower does', () => {
    expect(
      leaksAt(
        [
          [60, 68],
          [60, 68],
          [60, 66, 64, 70],
        ],
        { leaks: known(60) },
      ).map((f) => f.pods),
    ).toEqual([['web-1', 'web-2']]);
    expect(
      leaksAt(
        [
          [60, 68],
          [60, 68],
          [70, 60, 68],
        ],
        { leaks: known(60) },
      ),
    ).toEqual([]);
  });

  it.each([
    { lastSeen: 900, want: 1 },
    { lastSeen: 901, want: 0 },
  ])('last seen $lastSeen s ago (knownLeakSeconds 900) → $want finding(s) on two rising samples', ({ lastSeen, want }) => {
    expect(
      leaksAt(
        [
          [60, 68],
          [60, 68],
          [60, 68],
        ],
        { leaks: known(lastSeen) },
      ),
    ).toHaveLength(want);
  });
});

describe('knownLeaksOf', () => {
  const leak = { type: 'memory_leak', severity: 'high', kind: 'deployment', namespace: 'demo', target: 'web', evidence: {}, message: '' } satisfies Finding;

  it('records a new leak, keeps its first-seen time while seen again, and forgets it knownLeakSeconds after it was last seen', () => {
    const first = knownLeaksOf(undefined, [leak], sec(0));
    expect(first).toEqual({ 'demo/web': { since: sec(0), lastSeenAt: sec(0) } });
    const again = knownLeaksOf(first, [leak], sec(60));
    expect(again).toEqual({ 'demo/web': { since: sec(0), lastSeenAt: sec(60) } });
    expect(knownLeaksOf(again, [], sec(960))).toEqual(again);
    expect(knownLeaksOf(again, [], sec(961))).toEqual({});
  });

  it('ignores other findings', () => {
    expect(knownLeaksOf(undefined, [{ ...leak, type: 'memory_pressure' }], sec(0))).toEqual({});
  });
});
