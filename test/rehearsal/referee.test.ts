import { describe, expect, it } from 'vitest';
import { actionDeployment, agentDisruptions, oracleReplicaSeconds, sloViolationSeconds, unservedCpuSeconds } from '../../src/rehearsal/referee.js';
import type { DeploymentSample, Sample } from '../../src/rehearsal/report.js';

const S = 1_000_000;
const dep = (o: Partial<DeploymentSample> = {}): DeploymentSample => ({
  replicas: 3,
  readyReplicas: 3,
  demandMillicores: 0,
  podCapacityMillicores: 200,
  image: 'nginx',
  podRequestMillicores: 100,
  podLimitMillicores: 200,
  p95LatencyMs: 100,
  arrived: 0,
  dropped: 0,
  backlog: 0,
  ...o,
});
/** One sample per second from per-second deployment states. */
const series = (states: Partial<DeploymentSample>[]): Sample[] => states.map((d, i) => ({ at: S + i * 1000, deployments: { 'demo/web': dep(d) } }));
const slo = { p95LatencyMs: 500, maxErrorRatio: 0.01 };

describe('sloViolationSeconds', () => {
  it('counts seconds over the latency SLO and seconds dropping more than the error ratio', () => {
    const samples = series([
      { p95LatencyMs: 100, arrived: 0, dropped: 0 },
      { p95LatencyMs: 900, arrived: 100, dropped: 0 }, // slow
      { p95LatencyMs: 100, arrived: 200, dropped: 0 }, // fast, and in the next second 5 % is dropped
      { p95LatencyMs: 100, arrived: 300, dropped: 5 },
      { p95LatencyMs: 100, arrived: 400, dropped: 5.5 }, // 0.5 % dropped: within the SLO
      { p95LatencyMs: 100, arrived: 500, dropped: 5.5 },
    ]);
    expect(sloViolationSeconds(samples, 'demo/web', slo, S + 6000)).toBe(2);
  });
});

describe('unservedCpuSeconds', () => {
  it('is the work dropped during the run plus what still waits at the end', () => {
    const samples = series([
      { dropped: 1000, backlog: 0 },
      { dropped: 3000, backlog: 500 },
      { dropped: 4000, backlog: 1500 },
    ]);
    expect(unservedCpuSeconds(samples, 'demo/web')).toBe(4.5);
  });
});

describe('oracleReplicaSeconds', () => {
  const o = { targetUtilization: 0.8, startupSeconds: 0, serviceMs: 100 };
  it('holds ceil(demand / (target × request)) replicas, at least one', () => {
    // 10 s at 160m (2 pods at 80 %), 10 s at 400m (5 pods), 10 s at 0 (1 pod)
    const states = [...Array(10).fill({ demandMillicores: 160 }), ...Array(10).fill({ demandMillicores: 400 }), ...Array(10).fill({ demandMillicores: 0 })];
    expect(oracleReplicaSeconds(series(states), 'demo/web', slo, o, S + 30_000)).toBe(20 + 50 + 10);
  });

  it('starts pods startupSeconds ahead of need', () => {
    const states = [...Array(10).fill({ demandMillicores: 80 }), ...Array(10).fill({ demandMillicores: 400 })];
    // 1 pod until 5 s before the step, then 5: 5×1 + 5×5 + 10×5
    expect(oracleReplicaSeconds(series(states), 'demo/web', slo, { ...o, startupSeconds: 5 }, S + 20_000)).toBe(5 + 25 + 50);
  });

  it('needs more pods when the latency SLO caps utilization below the target', () => {
    // SLO 125 ms with 100 ms idle p95: ρ ≤ 0.2 of the 200m limit = 40m per pod, so 400m needs 10 pods (target alone: 5)
    const states = Array(10).fill({ demandMillicores: 400 });
    expect(oracleReplicaSeconds(series(states), 'demo/web', { ...slo, p95LatencyMs: 125 }, o, S + 10_000)).toBe(100);
    expect(oracleReplicaSeconds(series(states), 'demo/web', { ...slo, p95LatencyMs: 125 }, { ...o, maxReplicas: 6 }, S + 10_000)).toBe(60);
  });
});

describe('disruptions', () => {
  it('attributes pod deletions and rollouts to their deployment; scaling is an action, not a disruption', () => {
    const keys = ['demo/web', 'demo/web-api'];
    expect(actionDeployment({ at: 0, tool: 'delete_pod', arguments: { namespace: 'demo', pod: 'web-api-7d9f-abcde' }, ok: true }, keys)).toBe('demo/web-api');
    const r = agentDisruptions(
      [
        { at: 0, tool: 'delete_pod', arguments: { namespace: 'demo', pod: 'web-7d9f-abcde' }, ok: true },
        { at: 0, tool: 'rollback_deployment', arguments: { namespace: 'demo', deployment: 'web' }, ok: true },
        { at: 0, tool: 'restart_deployment', arguments: { namespace: 'demo', deployment: 'web' }, ok: false },
        { at: 0, tool: 'scale_deployment', arguments: { namespace: 'demo', deployment: 'web-api', replicas: 4 }, ok: true },
      ],
      keys,
    );
    expect(r).toEqual({ 'demo/web': { disruptions: 2, actions: 2 }, 'demo/web-api': { disruptions: 0, actions: 1 } });
  });
});
