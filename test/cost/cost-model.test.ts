import { describe, expect, it } from 'vitest';
import { podCost } from '../../src/services/cost-model.js';
import { savingsOf } from '../../src/services/cost-savings.js';

const prices = { cpuHourly: 0.031611, gbHourly: 0.004237, hoursPerMonth: 730 };
const H = 3_600_000;

describe('podCost', () => {
  it.each([
    [
      'request above usage: request billed, the gap idle',
      { cpuRequestMillicores: 1000, memoryRequestBytes: 2 ** 30, cpuMillicores: 250, memoryBytes: 2 ** 29 },
      0.031611 + 0.004237,
      0.75 * 0.031611 + 0.5 * 0.004237,
    ],
    [
      'usage above request: usage billed, nothing idle',
      { cpuRequestMillicores: 100, memoryRequestBytes: 0, cpuMillicores: 2000, memoryBytes: 2 ** 30 },
      2 * 0.031611 + 0.004237,
      0,
    ],
    ['no reading: request billed, no idle claimed', { cpuRequestMillicores: 500, memoryRequestBytes: 2 ** 30 }, 0.5 * 0.031611 + 0.004237, 0],
  ])('%s', (_name, pod, hourly, idle) => {
    const c = podCost(pod, prices);
    expect(c.hourly).toBeCloseTo(hourly, 9);
    expect(c.idleHourly).toBeCloseTo(idle, 9);
  });
});

describe('savingsOf', () => {
  it('the seed example: 10 static replicas against an average of 5 saves half', () => {
    const r = savingsOf(
      [
        { at: 0, replicas: 2 },
        { at: 12 * H, replicas: 8 },
      ],
      24 * H,
      0.1,
      { replicas: 10, source: 'config' },
      prices,
    )!;
    expect(r.averageReplicas).toBe(5);
    expect(r.savingsPercent).toBe(50);
    expect(r.savings).toBeCloseTo(0.1 * 5 * 24, 6);
    expect(r.projectedMonthlySavings).toBeCloseTo(0.1 * 5 * 730, 4);
  });

  it('needs time to have passed', () => {
    expect(savingsOf([{ at: 5, replicas: 3 }], 5, 0.1, undefined, prices)).toBeUndefined();
    expect(savingsOf([], 5, 0.1, undefined, prices)).toBeUndefined();
  });
});
