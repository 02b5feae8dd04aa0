/** Issue 20: the readable cycle summary lists what needs attention and counts what is fine. */
import { describe, expect, it } from 'vitest';
import type { CycleReport } from '../../src/agent/runner.js';
import { formatCycleSummary } from '../../src/agent/summary.js';

function report(n: number, unready: number[]): CycleReport {
  const deployments = Array.from({ length: n }, (_, i) => ({ key: `ns/app-${i}`, replicas: 3, ready: unready.includes(i) ? 1 : 3 }));
  return {
    cycle: 1,
    trigger: 'schedule',
    mode: 'dry-run',
    startedAt: 0,
    wallMs: 5,
    observation: { deployments, pods: 3 * n, readyPods: 3 * n, nodes: 1, readyNodes: 1, metricsAvailable: true },
    findings: [{ type: 'crash_loop', severity: 'high', kind: 'deployment', namespace: 'ns', target: 'app-7', evidence: {}, message: 'looping' }],
    decisions: [],
    results: [],
  };
}

describe('cycle summary at scale', () => {
  it('lists unready or flagged deployments and counts the rest', () => {
    const text = formatCycleSummary(report(100, [3]));
    expect(text).toContain('ns/app-3: 1/3 ready');
    expect(text).toContain('ns/app-7: 3/3 ready');
    expect(text).not.toContain('ns/app-4:');
    expect(text).toContain('98 deployment(s) fine');
  });
});
