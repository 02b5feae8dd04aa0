import { describe, expect, it } from 'vitest';
import { type PodUsage, UPSTREAM_SCALE_DOWN, UPSTREAM_SCALE_UP, calcReplicas, clamp, rateLimit, stabilize } from '../../src/policy/hpa.js';

const ready = (usage: number | undefined, request = 100): PodUsage => ({ ready: true, usage, request });
const unready = (usage: number | undefined, request = 100): PodUsage => ({ ready: false, usage, request });
const pending = (request = 100): PodUsage => ({ ready: false, usage: undefined, request, pending: true });

/** What each reason's message states: the measured utilization and the outcome, or why there is none. */
const SAYS: Record<string, (want: number, target: number) => RegExp> = {
  Calculated: (w, t) => new RegExp(`^utilization \\d+\\.\\d% of request \\(target ${t}%\\) over \\d+ ready pods → ${w}$`),
  CalculatedConservatively: (w, t) =>
    new RegExp(`^utilization \\d+\\.\\d% of request \\(target ${t}%\\); with \\d+ pod\\(s\\) missing metrics and \\d+ unready counted pessimistically → ${w}$`),
  WithinTolerance: (_, t) => new RegExp(`^utilization \\d+\\.\\d% of request \\(target ${t}%\\) is within tolerance 0\\.1$`),
  ConservativeNoChange: (_, t) => new RegExp(`^utilization \\d+\\.\\d% of request \\(target ${t}%\\)[,;] `),
  NoPods: () => /^no pods to take metrics from$/,
  MissingRequest: () => /^some pods have no resource request, so utilization is undefined$/,
  NoMetrics: () => /^no ready pod has a metrics sample$/,
};

describe('calcReplicas (after replica_calculator_test.go)', () => {
  it.each([
    { name: 'scale up', pods: [ready(160), ready(160), ready(160)], target: 80, want: 6, reason: 'Calculated' },
    { name: 'scale down', pods: [ready(20), ready(20), ready(20), ready(20)], target: 80, want: 1, reason: 'Calculated' },
    { name: 'within tolerance → no change', pods: [ready(85), ready(85), ready(85)], target: 80, want: 3, reason: 'WithinTolerance' },
    { name: 'just outside tolerance scales', pods: [ready(90), ready(90), ready(90)], target: 80, want: 4, reason: 'Calculated' },
    // Unready pods count as 0 % on scale-up: 2×200 + 2×0 over 4 pods = 100 % of request → ceil(4 × 100/80) = 5, not 10.
    { name: 'unready pods less scale', pods: [ready(200), ready(200), unready(300), unready(300)], target: 80, want: 5, reason: 'CalculatedConservatively' },
    { name: 'unready pods do not block scale-down', pods: [ready(10), ready(10), unready(500)], target: 80, want: 1, reason: 'Calculated' },
    // Missing samples on scale-down count as 100 % of request: (20+20+100+100)/400 = 60 % → ceil(4 × 0.75) = 3 (not 1).
    {
      name: 'missing metrics scale-down conservative',
      pods: [ready(20), ready(20), ready(undefined), ready(undefined)],
      target: 80,
      want: 3,
      reason: 'CalculatedConservatively',
    },
    // Missing samples on scale-up count as 0 %: (200+200)/400 = 100 % → ceil(4 × 1.25) = 5.
    {
      name: 'missing metrics scale-up conservative',
      pods: [ready(200), ready(200), ready(undefined), ready(undefined)],
      target: 80,
      want: 5,
      reason: 'CalculatedConservatively',
    },
    // The pessimistic fill flips the direction (60 % → 110 % of an 80 % target is within tolerance) → no change.
    {
      name: 'missing metrics that flip direction → no change',
      pods: [ready(60), ready(undefined), ready(undefined), ready(undefined)],
      target: 80,
      want: 4,
      reason: 'ConservativeNoChange',
    },
    // Pending (starting) pods are unready, not missing: left out on scale-down, 2×10 % of request → ceil(2 × 10/80) = 1.
    {
      name: 'pending starting pods ignored on scale-down',
      pods: [ready(10), ready(10), pending(), pending()],
      target: 80,
      current: 4,
      want: 1,
      reason: 'Calculated',
    },
    // ...and counted at 0 % on scale-up: 2×200 over 4 requests = 100 % → ceil(4 × 1.25) = 5.
    {
      name: 'pending starting pods count as 0 % on scale-up',
      pods: [ready(200), ready(200), pending(), pending()],
      target: 80,
      current: 4,
      want: 5,
      reason: 'CalculatedConservatively',
    },
    // A running, not-ready pod without a sample is missing (100 % on scale-down): (10+10+100)/300 = 40 % → ceil(3 × 0.5) = 2.
    {
      name: 'running unready pod without a sample counts as busy on scale-down',
      pods: [ready(10), ready(10), unready(undefined)],
      target: 80,
      want: 2,
      reason: 'CalculatedConservatively',
    },
    { name: 'no pods', pods: [], target: 80, current: 4, want: 4, reason: 'NoPods' },
    { name: 'missing request', pods: [ready(50, 0)], target: 80, current: 4, want: 4, reason: 'MissingRequest' },
    { name: 'no ready pod with a sample', pods: [unready(50), ready(undefined)], target: 80, current: 4, want: 4, reason: 'NoMetrics' },
  ] as Array<{ name: string; pods: PodUsage[]; target: number; current?: number; want: number; reason: string }>)(
    '$name',
    ({ pods, target, current, want, reason }) => {
      const r = calcReplicas({ currentReplicas: current ?? pods.length, pods, targetUtilization: target, tolerance: 0.1 });
      expect(r.value).toBe(want);
      expect(r.reason).toBe(reason);
      expect(r.message).toMatch(SAYS[reason]!(want, target));
    },
  );
});

describe('stabilize', () => {
  const now = 1_000_000;
  it.each([
    {
      name: 'scale-down window keeps the max',
      current: 6,
      desired: 2,
      recs: [
        { at: now - 200_000, replicas: 5 },
        { at: now - 100_000, replicas: 3 },
      ],
      want: 5,
      reason: 'ScaleDownStabilized',
    },
    {
      name: 'recommendations older than the window are forgotten',
      current: 6,
      desired: 2,
      recs: [{ at: now - 301_000, replicas: 6 }],
      want: 2,
      reason: 'ReadyForNewScale',
    },
    { name: 'scale-up is immediate with a 0 s window', current: 3, desired: 8, recs: [{ at: now - 10_000, replicas: 3 }], want: 8, reason: 'ReadyForNewScale' },
    { name: 'never above current on a scale-down', current: 4, desired: 2, recs: [{ at: now - 10_000, replicas: 9 }], want: 4, reason: 'ScaleDownStabilized' },
    // Upstream: an empty window holds nothing back, so the current recommendation stands.
    { name: 'an empty history lets the recommendation stand', current: 6, desired: 2, recs: [], want: 2, reason: 'ReadyForNewScale' },
  ])('$name', ({ current, desired, recs, want, reason }) => {
    const r = stabilize({ current, desired, now, recommendations: recs, scaleUpWindowSeconds: 0, scaleDownWindowSeconds: 300 });
    expect(r).toMatchObject({ value: want, reason });
  });

  it('a scale-up window keeps the min', () => {
    const r = stabilize({
      current: 3,
      desired: 9,
      now,
      recommendations: [{ at: now - 30_000, replicas: 5 }],
      scaleUpWindowSeconds: 60,
      scaleDownWindowSeconds: 300,
    });
    expect(r).toMatchObject({ value: 5, reason: 'ScaleUpStabilized' });
  });
});

describe('rateLimit (upstream default behavior)', () => {
  const now = 1_000_000;
  it.each([
    { name: 'small deployments may add 4 pods', current: 2, desired: 20, events: [], want: 6, reason: 'ScaleUpLimit' },
    { name: 'large deployments may double', current: 10, desired: 50, events: [], want: 20, reason: 'ScaleUpLimit' },
    { name: 'within the limit passes', current: 4, desired: 7, events: [], want: 7, reason: 'DesiredWithinRate' },
    {
      name: 'a scale-up earlier in the period counts',
      current: 8,
      desired: 30,
      events: [{ at: now - 5_000, from: 4, to: 8 }],
      want: 8,
      reason: 'ScaleUpLimit',
    },
    {
      name: 'events outside the period are ignored',
      current: 8,
      desired: 30,
      events: [{ at: now - 20_000, from: 4, to: 8 }],
      want: 16,
      reason: 'ScaleUpLimit',
    },
    { name: 'scale-down 100 % per period allows any drop', current: 8, desired: 1, events: [], want: 1, reason: 'DesiredWithinRate' },
  ])('$name', ({ current, desired, events, want, reason }) => {
    expect(rateLimit({ current, desired, now, events, up: UPSTREAM_SCALE_UP, down: UPSTREAM_SCALE_DOWN })).toMatchObject({ value: want, reason });
  });

  it('a Pods scale-down policy limits the drop', () => {
    const down = { stabilizationWindowSeconds: 300, selectPolicy: 'Max' as const, policies: [{ type: 'Pods' as const, value: 1, periodSeconds: 60 }] };
    expect(rateLimit({ current: 8, desired: 2, now, events: [], up: UPSTREAM_SCALE_UP, down })).toMatchObject({ value: 7, reason: 'ScaleDownLimit' });
  });
});

describe('clamp', () => {
  it.each([
    { name: 'above max', mode: 'enforce' as const, current: 8, desired: 14, want: 10, reason: 'TooManyReplicas' },
    { name: 'below min', mode: 'enforce' as const, current: 3, desired: 1, want: 2, reason: 'TooFewReplicas' },
    { name: 'enforce pulls an out-of-range deployment in', mode: 'enforce' as const, current: 1, desired: 1, want: 2, reason: 'TooFewReplicas' },
    {
      name: 'bound-changes leaves an owner-chosen 1 replica alone',
      mode: 'bound-changes' as const,
      current: 1,
      desired: 1,
      want: 1,
      reason: 'DesiredWithinRange',
    },
    { name: 'bound-changes never scales further out of range', mode: 'bound-changes' as const, current: 12, desired: 15, want: 12, reason: 'TooManyReplicas' },
    { name: 'within range', mode: 'enforce' as const, current: 3, desired: 5, want: 5, reason: 'DesiredWithinRange' },
  ])('$name', ({ mode, current, desired, want, reason }) => {
    expect(clamp({ current, desired, min: 2, max: 10, mode })).toMatchObject({ value: want, reason });
  });
});
