/** Issue 20: CPU within the HPA tolerance of the target is not an overload. */
import { describe, expect, it } from 'vitest';
import { cpuOverloadThreshold } from '../../src/policy/cpu-tolerance.js';
import { analyze } from '../../src/policy/analyze.js';
import { DEFAULT_POLICY } from '../../src/policy/settings.js';
import { T0, loaded, metrics, observation } from './builders.js';

describe('cpu overload honours the HPA tolerance', () => {
  it('the default policy (target 80 %, tolerance 10 %) calls overload above 88 %', () => {
    expect(DEFAULT_POLICY.scaling.targetCpuUtilization).toBe(80);
    expect(cpuOverloadThreshold(DEFAULT_POLICY)).toBeCloseTo(88);
  });

  it.each([
    { cpu: 80.1, overload: false },
    { cpu: 87.9, overload: false },
    { cpu: 88.5, overload: true },
    { cpu: 120, overload: true },
  ])('$cpu % of request → overload: $overload', ({ cpu, overload }) => {
    const l = loaded(3, cpu);
    const obs = observation({ deployments: [l.deployment], pods: l.pods, metrics: { 'demo/web': metrics(3, cpu) } });
    expect(analyze(obs, T0).some((f) => f.type === 'cpu_overload')).toBe(overload);
  });

  it('a threshold above target × (1 + tolerance) still rules', () => {
    expect(cpuOverloadThreshold({ thresholds: { ...DEFAULT_POLICY.thresholds, cpuHigh: 95 }, scaling: DEFAULT_POLICY.scaling })).toBe(95);
  });
});
