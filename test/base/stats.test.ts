import { describe, expect, it } from 'vitest';
import { mttr, percentile } from '../../src/base/stats.js';

const TWENTY = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100];

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 50, null],
    [[7], 95, 7],
    [[5], 0, 5],
    [[1, 2, 3, 4], 50, 2], // rank ceil(0.5 × 4) = 2: a value of the list, not the interpolated 2.5
    [[1, 2, 3, 4], 51, 3],
    [[1, 2, 3, 4, 100], 95, 100], // few samples: p95 is their maximum
    [TWENTY, 95, 19], // rank 19 of 20
    [TWENTY, 96, 100],
    [TWENTY, 100, 100],
    [[3, 1, 2], 50, 2], // unsorted input
    [[-1, -5, 0.5], 50, -1],
  ] as Array<[number[], number, number | null]>)('%j p%s → %s', (list, p, want) => expect(percentile(list, p)).toBe(want));

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('mttr', () => {
  const span = (detected: number, resolved: number) => ({ detectedAt: detected * 1000, resolvedAt: resolved * 1000 });

  it('resolvedAt − detectedAt in seconds: mean, nearest-rank p50 and p95, count', () => {
    expect(mttr([span(0, 60), span(300, 420), span(0, 30)])).toEqual({ mean: 70, p50: 60, p95: 120, count: 3 });
  });

  it('keeps milliseconds and rounds the mean to them', () => {
    expect(mttr([span(60, 120), span(400, 700), span(900, 1000)])).toEqual({ mean: 153.333, p50: 100, p95: 300, count: 3 });
    expect(mttr([{ detectedAt: 0, resolvedAt: 1234 }])).toEqual({ mean: 1.234, p50: 1.234, p95: 1.234, count: 1 });
  });

  it('nothing resolved: nulls, not zeros', () => {
    expect(mttr([])).toEqual({ mean: null, p50: null, p95: null, count: 0 });
  });
});
