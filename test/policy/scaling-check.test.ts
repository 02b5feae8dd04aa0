import { describe, expect, it } from 'vitest';
import { type DeploymentLoad, overloadWake } from '../../src/policy/scaling-check.js';
import { DEFAULT_POLICY, policyPreset } from '../../src/policy/settings.js';

const load = (o: Partial<DeploymentLoad> = {}): DeploymentLoad => ({
  namespace: 'demo',
  name: 'web',
  pods: 3,
  podsWithMetrics: 3,
  cpuMillicores: 240,
  cpuLimitMillicores: 600,
  cpuUtilization: 80,
  ...o,
});

describe('overloadWake (the check between cycles)', () => {
  it('wakes a cycle only above both the scale-up trigger and the ratio tolerance (80 % target, 10 %: above 88 %)', () => {
    expect(overloadWake([load({ cpuUtilization: 88 })], DEFAULT_POLICY)).toBeUndefined();
    expect(overloadWake([load({ cpuUtilization: 89, cpuMillicores: 267 })], DEFAULT_POLICY)).toMatch(/demo\/web CPU 89% .* > 88%/);
  });

  it('wakes on pods burning their CPU limit, whatever the ratio says', () => {
    const limited = { ...DEFAULT_POLICY, thresholds: { ...DEFAULT_POLICY.thresholds, cpuHigh: 500 } };
    expect(overloadWake([load({ cpuUtilization: 290, cpuMillicores: 580 })], limited)).toMatch(/at its limit/);
    expect(overloadWake([load({ cpuUtilization: 250, cpuMillicores: 500 })], limited)).toBeUndefined();
  });

  it('never wakes for what the cycle could not scale up: at maxReplicas, a protected namespace, no metrics', () => {
    const hot = { cpuUtilization: 200, cpuMillicores: 600 };
    expect(overloadWake([load({ ...hot, pods: DEFAULT_POLICY.scaling.maxReplicas })], DEFAULT_POLICY)).toBeUndefined();
    expect(overloadWake([load({ ...hot, namespace: 'kube-system' })], DEFAULT_POLICY)).toBeUndefined();
    expect(overloadWake([load({ ...hot, podsWithMetrics: 0, cpuUtilization: null })], DEFAULT_POLICY)).toBeUndefined();
    // ...but another deployment that is overloaded still wakes it.
    expect(overloadWake([load({ ...hot, namespace: 'kube-system' }), load({ ...hot, name: 'api' })], DEFAULT_POLICY)).toMatch(/demo\/api/);
  });

  it('is off for the baselines: the seed loop, the upstream HPA (its own 15 s sync), none', () => {
    const hot = [load({ cpuUtilization: 200, cpuMillicores: 600 })];
    for (const name of ['threshold', 'hpa', 'none'] as const) expect(overloadWake(hot, policyPreset(name))).toBeUndefined();
    expect(overloadWake(hot, { ...DEFAULT_POLICY, scaling: { ...DEFAULT_POLICY.scaling, overloadCheckSeconds: 0 } })).toBeUndefined();
  });
});
