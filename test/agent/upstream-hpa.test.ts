/**
 * The `hpa` baseline against upstream's semantics (kubernetes pkg/controller/podautoscaler). Each case names the
 * upstream behaviour it holds; the numbers are worked by hand from the documented algorithm.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { emptyHistory, recordActions } from '../../src/policy/history.js';
import { DEFAULT_POLICY, policyPreset } from '../../src/policy/settings.js';
import {
  type CalcPod,
  HPA_CPU_INITIALIZATION_SECONDS,
  groupPod,
  upstreamRateAndClamp,
  upstreamReplicas,
  upstreamStabilize,
} from '../../src/policy/upstream-hpa.js';
import { T0, deployment, observation, pod, sec } from './builders.js';

const ready = (usage: number, request = 100): CalcPod => ({ group: 'ready', usage, request });
const unready = (request = 100): CalcPod => ({ group: 'unready', usage: 0, request });
const missing = (request = 100): CalcPod => ({ group: 'missing', request });

describe('upstream replica calculation (replica_calculator.go GetResourceReplicas)', () => {
  it.each([
    // desired = ceil(current ready pods × utilization / target)
    { name: 'scale up by the ratio', pods: [ready(160), ready(160), ready(160)], want: 6, reason: 'Calculated' },
    { name: 'scale down by the ratio', pods: [ready(20), ready(20), ready(20), ready(20)], want: 1, reason: 'Calculated' },
    // |1 − ratio| ≤ 0.1 → no change: 88/80 = 1.1
    { name: 'within the 0.1 tolerance', pods: [ready(88), ready(88)], want: 2, reason: 'WithinTolerance' },
    // Unready pods count 0 % on scale-up: (200+200+0)/(3×100) = 133 % → ratio 1.67 → ceil(1.67×3) = 5
    { name: 'unready pods count as 0 % on scale-up', pods: [ready(200), ready(200), unready()], want: 5, reason: 'CalculatedConservatively' },
    // Unready pods are left out on scale-down: (20+20)/200 → ratio 0.25 → ceil(0.25 × 2 ready) = 1
    { name: 'unready pods are ignored on scale-down', pods: [ready(20), ready(20), unready()], want: 1, reason: 'Calculated' },
    // Missing pods count 100 % of request on scale-down: (20+20+100)/300 = 46.7 % → 0.58 → ceil(0.58×3) = 2
    { name: 'missing pods count as 100 % on scale-down', pods: [ready(20), ready(20), missing()], want: 2, reason: 'CalculatedConservatively' },
    // Missing pods count 0 % on scale-up: (200+200+0)/300 → 1.67 → ceil(1.67×3) = 5
    { name: 'missing pods count as 0 % on scale-up', pods: [ready(200), ready(200), missing()], want: 5, reason: 'CalculatedConservatively' },
    // The pessimistic re-run flipping direction keeps the count: (100 + 0 + 0)/300 = 33 % < 80 % while the raw said up.
    { name: 'no change when the pessimistic ratio points the other way', pods: [ready(100), unready(), missing()], want: 3, reason: 'ConservativeNoChange' },
    { name: 'a pod without a request stops the calculation', pods: [ready(100), { group: 'ready', usage: 50 } as CalcPod], want: 2, reason: 'MissingRequest' },
  ])('$name', ({ pods, want, reason }) => {
    const r = upstreamReplicas(pods.length, pods, 80);
    expect(r.value).toBe(want);
    expect(r.reason).toBe(reason);
  });
});

describe('upstream pod grouping for CPU (groupPods)', () => {
  const now = sec(1000);
  it.each([
    { name: 'Pending → unready', p: pod({ phase: 'Pending', ready: false, cpuMillicores: undefined }), readySince: undefined, want: 'unready' },
    { name: 'terminating → ignored', p: pod({ reason: 'Terminating', cpuMillicores: 50 }), readySince: undefined, want: 'ignored' },
    { name: 'Failed → ignored', p: pod({ phase: 'Failed', cpuMillicores: 50 }), readySince: undefined, want: 'ignored' },
    { name: 'no sample → missing', p: pod({ cpuMillicores: undefined }), readySince: undefined, want: 'missing' },
    // Within the 300 s CPU initialization period a sample counts only once a metric window passed since Ready.
    { name: 'young pod, ready 5 s ago → unready', p: pod({ createdAt: now - 60_000, cpuMillicores: 90 }), readySince: now - 5_000, want: 'unready' },
    { name: 'young pod, ready 40 s ago → ready', p: pod({ createdAt: now - 60_000, cpuMillicores: 90 }), readySince: now - 40_000, want: 'ready' },
    { name: 'young pod not ready → unready', p: pod({ createdAt: now - 60_000, ready: false, cpuMillicores: 90 }), readySince: undefined, want: 'unready' },
    {
      name: 'old pod ready → ready at once',
      p: pod({ createdAt: now - (HPA_CPU_INITIALIZATION_SECONDS + 1) * 1000, cpuMillicores: 90 }),
      readySince: now,
      want: 'ready',
    },
  ])('$name', ({ p, readySince, want }) => {
    expect(groupPod(p, readySince, now)).toBe(want);
  });
});

describe('upstream stabilization and rate limits (horizontal.go, autoscaling/v2 default behavior)', () => {
  it('scale-down takes the highest recommendation of the last 300 s', () => {
    const recs = [
      { at: sec(0), replicas: 8 },
      { at: sec(200), replicas: 5 },
    ];
    expect(upstreamStabilize(8, 2, sec(250), { recommendations: recs, events: [] })).toMatchObject({ value: 8, reason: 'ScaleDownStabilized' });
    expect(upstreamStabilize(8, 2, sec(301), { recommendations: recs, events: [] }).value).toBe(5);
    expect(upstreamStabilize(8, 2, sec(501), { recommendations: recs, events: [] }).value).toBe(2);
  });

  it('scale-up has no window: a burst is answered at once', () => {
    expect(upstreamStabilize(2, 9, sec(0), { recommendations: [{ at: sec(-10), replicas: 2 }], events: [] }).value).toBe(9);
  });

  it.each([
    // max(4 pods, 100 %) per 15 s: from 2 → max(6, 4) = 6; from 10 → max(14, 20) = 20 (then maxReplicas)
    { current: 2, desired: 30, max: 50, events: [], want: 6, reason: 'ScaleUpLimit' },
    { current: 10, desired: 30, max: 50, events: [], want: 20, reason: 'ScaleUpLimit' },
    { current: 10, desired: 30, max: 12, events: [], want: 12, reason: 'TooManyReplicas' },
    // The period starts from the count before this period's changes: 2 → 6 five seconds ago leaves 6 as the cap.
    { current: 6, desired: 30, max: 50, events: [{ at: sec(-5), from: 2, to: 6 }], want: 6, reason: 'ScaleUpLimit' },
    // ...and 15 s later the next step is allowed.
    { current: 6, desired: 30, max: 50, events: [{ at: sec(-15), from: 2, to: 6 }], want: 12, reason: 'ScaleUpLimit' },
    // Scale-down: 100 % per 15 s, so only minReplicas bounds it.
    { current: 8, desired: 1, max: 50, events: [], want: 2, reason: 'TooFewReplicas' },
  ])('$current → $desired gives $want ($reason)', ({ current, desired, max, events, want, reason }) => {
    expect(upstreamRateAndClamp(current, desired, sec(0), { recommendations: [], events }, 2, max)).toMatchObject({ value: want, reason });
  });
});

describe('the hpa preset decides with upstream-hpa.ts, not the sentinelops calculator', () => {
  const hpa = policyPreset('hpa', { ...DEFAULT_POLICY, scaling: { ...DEFAULT_POLICY.scaling, minReplicas: 1, maxReplicas: 10 } });

  it('scales an idle deployment down only after 300 s of low recommendations, and up at once under load', () => {
    const d = deployment({ replicas: 4 });
    const obsAt = (t: number, replicas: number, cpu: number) =>
      observation({
        at: sec(t),
        deployments: [{ ...d, replicas, readyReplicas: replicas }],
        pods: Array.from({ length: replicas }, () => pod({ cpuMillicores: cpu })),
      });
    let h = recordActions(emptyHistory(), [], T0);
    // The first sight of 4 idle pods: upstream recommends 1, and with no older recommendation stored it scales now.
    const first = decide([], obsAt(0, 4, 10), hpa, h, sec(0));
    expect(first[0]).toMatchObject({ action: 'scale', arguments: { replicas: 1 } });
    // With a busy recommendation of 4 in the window, the scale-down waits 300 s.
    h = recordActions(h, decide([], obsAt(0, 4, 80), hpa, h, sec(0)), sec(0));
    expect(decide([], obsAt(60, 4, 10), hpa, h, sec(60))[0]).toMatchObject({ action: 'none', reason: 'ScaleDownStabilized' });
    expect(decide([], obsAt(301, 4, 10), hpa, h, sec(301))[0]).toMatchObject({ action: 'scale', arguments: { replicas: 1 } });
    // 4 pods at 200 % of request: ceil(4 × 200/80) = 10.
    expect(decide([], obsAt(320, 4, 200), hpa, h, sec(320))[0]).toMatchObject({ action: 'scale', reason: 'ScaleUp', arguments: { replicas: 8 } });
  });

  it('heals nothing', () => {
    const d = deployment();
    const obs = observation({ deployments: [d], pods: [pod({ reason: 'CrashLoopBackOff', ready: false, restarts: 5, cpuMillicores: 50 })] });
    const decisions = decide(
      [{ type: 'crash_loop', severity: 'high', kind: 'deployment', namespace: 'demo', target: 'web', evidence: {}, message: 'x' }],
      obs,
      hpa,
      emptyHistory(),
      T0,
    );
    expect(decisions.filter((x) => x.action !== 'none' && x.action !== 'scale')).toEqual([]);
  });
});
