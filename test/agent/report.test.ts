import { describe, expect, it } from 'vitest';
import { type DeploymentSample, type IncidentRecord, accountDeployments, buildReport } from '../../src/rehearsal/report.js';

const S = 1_000_000;
const at = (s: number) => S + s * 1000;
const dep = (o: Partial<DeploymentSample> = {}): DeploymentSample => ({
  replicas: 3,
  readyReplicas: 3,
  demandMillicores: 300,
  podCapacityMillicores: 200,
  image: 'web:1',
  ...o,
});

describe('accountDeployments', () => {
  it('integrates each sample until the next one and the last until the end', () => {
    const r = accountDeployments(
      [
        { at: at(0), deployments: { 'demo/web': dep() } },
        { at: at(60), deployments: { 'demo/web': dep({ demandMillicores: 700 }) } }, // 700 > 3 × 200: overloaded
        { at: at(90), deployments: { 'demo/web': dep({ replicas: 5, readyReplicas: 0, image: 'web:2' }) } }, // no ready pod: unavailable and overloaded
      ],
      at(150),
    );
    expect(r['demo/web']).toEqual({
      replicaSeconds: 3 * 60 + 3 * 30 + 5 * 60,
      overloadSeconds: 30 + 60,
      unavailableSeconds: 60,
      finalReplicas: 5,
      finalReadyReplicas: 0,
      finalImage: 'web:2',
      podRestarts: 0,
    });
  });

  it('counts each pod’s restarts once, by its highest count', () => {
    const r = accountDeployments(
      [
        { at: at(0), deployments: { 'demo/web': dep({ podRestarts: { a: 1, b: 0 } }) } },
        { at: at(10), deployments: { 'demo/web': dep({ podRestarts: { a: 3, b: 0 } }) } },
        { at: at(20), deployments: { 'demo/web': dep({ podRestarts: { b: 2, c: 0 } }) } },
      ],
      at(30),
    );
    expect(r['demo/web']!.podRestarts).toBe(5);
  });

  it('demand exactly at capacity is not overload', () => {
    const r = accountDeployments([{ at: at(0), deployments: { 'demo/web': dep({ demandMillicores: 600 }) } }], at(10));
    expect(r['demo/web']!.overloadSeconds).toBe(0);
  });
});

describe('buildReport', () => {
  const inc = (o: Partial<IncidentRecord>): IncidentRecord => ({
    id: 'i',
    type: 'crash_loop',
    severity: 'high',
    namespace: 'demo',
    target: 'web',
    detectedAt: at(0),
    outcome: 'open',
    actions: [],
    ...o,
  });

  it('has the --json shape of issue #5 with MTTR statistics', () => {
    const r = buildReport({
      scenario: 'crashloop',
      policy: 'sentinelops',
      startedAt: S,
      endedAt: at(1800),
      wallSeconds: 1.23456,
      samples: [{ at: at(0), deployments: { 'demo/web': dep() } }],
      incidents: [
        inc({ id: '1', detectedAt: at(60), resolvedAt: at(120), outcome: 'resolved' }), // back at 400 → not a success
        inc({ id: '2', detectedAt: at(400), resolvedAt: at(700), outcome: 'resolved' }), // recurs at 800 → not a success
        inc({ id: '3', detectedAt: at(800), outcome: 'escalated' }),
        inc({ id: '4', type: 'node_not_ready', target: 'node-2', namespace: undefined, detectedAt: at(900), resolvedAt: at(1000), outcome: 'resolved' }),
      ],
      actions: [{ at: at(61), tool: 'restart_deployment', arguments: { namespace: 'demo', name: 'web' }, ok: true }],
    });
    expect(Object.keys(r)).toEqual(['scenario', 'policy', 'simulatedSeconds', 'wallSeconds', 'incidents', 'actions', 'summary', 'deployments']);
    expect(r).toMatchObject({ scenario: 'crashloop', policy: 'sentinelops', simulatedSeconds: 1800, wallSeconds: 1.235 });
    expect(r.incidents[0]).toMatchObject({ id: '1', detectedAt: 60, resolvedAt: 120, mttrSeconds: 60, outcome: 'resolved' });
    expect(r.incidents[2]).toMatchObject({ resolvedAt: null, mttrSeconds: null });
    expect(r.actions[0]).toMatchObject({ at: 61, tool: 'restart_deployment', ok: true });
    expect(r.summary).toEqual({
      incidents: 4,
      resolved: 3,
      escalated: 1,
      successful: 1, // only the node incident stayed resolved for 10 minutes
      resolutionRate: 0.75,
      mttrSeconds: { mean: 153.333, p50: 100, p95: 300 }, // (60 + 300 + 100) / 3, to the millisecond
      actions: 1,
    });
    expect(r.deployments['demo/web']).toMatchObject({ replicaSeconds: 5400, finalImage: 'web:1' });
  });

  it('no incidents: rates and MTTR are null, not invented', () => {
    const r = buildReport({ scenario: 's', policy: 'none', startedAt: S, endedAt: at(60), wallSeconds: 0, samples: [], incidents: [], actions: [] });
    expect(r.summary).toMatchObject({ incidents: 0, resolutionRate: null, mttrSeconds: { mean: null, p50: null, p95: null } });
  });
});
