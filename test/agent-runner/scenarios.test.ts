/**
 * Rehearsals of the shipped healing scenarios (demo/scenarios) under the sentinelops policy, asserting outcomes:
 * the real agent loop against a real server and the simulator, in virtual time. The 24 h scenario runs in the
 * benchmark (bench/rehearsal.ts), not here.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rehearse } from '../../src/rehearsal/rehearse.js';
import type { CycleReport } from '../../src/agent/runner.js';
import { loadScenarioFile } from '../../src/rehearsal/scenario.js';

const DIR = join(import.meta.dirname, '../../demo/scenarios');
const run = async (name: string) => (await rehearse(await loadScenarioFile(join(DIR, `${name}.yaml`)))).report;

describe('rehearsed healing', () => {
  it('bad image rollout: rolled back, the final image is the previous one, never restarted', async () => {
    const r = await run('bad-image-rollout');
    expect(r.actions.filter((a) => a.tool === 'rollback_deployment')).toMatchObject([
      { ok: true, arguments: { namespace: 'demo', deployment: 'web', toRevision: 1 } },
    ]);
    expect(r.actions.some((a) => a.tool === 'restart_deployment')).toBe(false);
    expect(r.deployments['demo/web']).toMatchObject({ finalImage: 'nginx:1.27' });
    expect(r.deployments['demo/web']!.finalReadyReplicas).toBe(r.deployments['demo/web']!.finalReplicas);
    expect(r.incidents.find((i) => i.type === 'image_pull_error')).toMatchObject({ outcome: 'resolved', namespace: 'demo', target: 'web' });
    // Detected at the first cycle after the 5 m rollout, rolled back in that cycle.
    expect(r.actions[0]!.at).toBeLessThanOrEqual(300 + 120);
  });

  it('crashing rollout: rolled back to the healthy revision and the incident resolved with an MTTR', async () => {
    const r = await run('crashing-rollout');
    expect(r.actions.filter((a) => a.tool !== 'scale_deployment').map((a) => a.tool)).toEqual(['rollback_deployment']);
    const inc = r.incidents.find((i) => i.type === 'crash_loop' || i.type === 'pod_crashed' || i.type === 'replicas_unavailable');
    expect(inc?.outcome).toBe('resolved');
    expect(inc?.mttrSeconds).toBeGreaterThan(0);
    const web = r.deployments['demo/web']!;
    expect(web.finalReadyReplicas).toBe(web.finalReplicas);
  });

  it('watch-triggered cycles: the crashing rollout (6 m, crashes 3 s after start) is rolled back before the next interval cycle', async () => {
    const scenario = await loadScenarioFile(join(DIR, 'crashing-rollout.yaml'));
    const at = async (watchTriggers: boolean) => (await rehearse(scenario, { watchTriggers })).report.actions.find((a) => a.tool === 'rollback_deployment')?.at;
    const [watched, polled] = await Promise.all([at(true), at(false)]);
    expect(watched).toBeGreaterThan(360);
    expect(watched).toBeLessThan(420);
    expect(polled).toBeGreaterThanOrEqual(420);
  });

  it('crash loop without a rollout on every pod across nodes: no restart (the cause is shared), escalation', async () => {
    const r = await run('crashloop');
    expect(r.actions.filter((a) => a.tool === 'restart_deployment' || a.tool === 'rollback_deployment')).toEqual([]);
    // The transient loop (5–9 m) healed; the permanent one (from 15 m) is with a human.
    const loops = r.incidents.filter((i) => i.type === 'crash_loop');
    expect(loops[0]).toMatchObject({ outcome: 'resolved' });
    expect(loops.at(-1)).toMatchObject({ outcome: 'escalated', resolvedAt: null });
  });

  it('protected namespace: incidents recorded in kube-system, no action there', async () => {
    const r = await run('protected-namespace');
    expect(r.actions.filter((a) => a.arguments.namespace === 'kube-system')).toEqual([]);
    expect(
      r.incidents
        .filter((i) => i.namespace === 'kube-system')
        .map((i) => i.target)
        .sort(),
    ).toEqual(expect.arrayContaining(['coredns', 'metrics-agent']));
  });

  it('unschedulable rollout: escalated with the missing resource, Pending pods never deleted; rolled back once the rollout stalls', async () => {
    const cycles: CycleReport[] = [];
    const { report: r } = await rehearse(await loadScenarioFile(join(DIR, 'unschedulable-rollout.yaml')), { onCycle: (c) => cycles.push(c) });
    expect(r.actions.filter((a) => a.tool === 'delete_pod' || a.tool === 'restart_deployment')).toEqual([]);
    const escalations = cycles.flatMap((c) => c.decisions).filter((d) => d.action === 'escalate' && d.findingType === 'unschedulable');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]!.message).toMatch(/not enough cpu.*never deleted/);
    // Only when the rollout exceeds its progress deadline (600 s) does the agent roll it back to the healthy revision.
    const rollbacks = r.actions.filter((a) => a.tool === 'rollback_deployment');
    expect(rollbacks).toMatchObject([{ ok: true }]);
    expect(rollbacks[0]!.at).toBeGreaterThanOrEqual(240 + 600);
    expect(r.deployments['demo/web']!.finalReadyReplicas).toBe(r.deployments['demo/web']!.finalReplicas);
  });

  it('node down: one node incident, no pod thrash, resolved when the node is back', async () => {
    const r = await run('node-down');
    expect(r.actions.filter((a) => a.tool === 'delete_pod' || a.tool === 'restart_deployment' || a.tool === 'rollback_deployment')).toEqual([]);
    expect(r.incidents.filter((i) => i.type === 'node_not_ready')).toMatchObject([{ target: 'node-2', namespace: '(cluster)', outcome: 'resolved' }]);
  });

  it('memory leak: told from demand — no scale-up on it, pods replaced before the OOM killer, one escalated incident left open', async () => {
    const scenario = await loadScenarioFile(join(DIR, 'memory-leak.yaml'));
    const [r, none] = await Promise.all([rehearse(scenario).then((x) => x.report), rehearse(scenario, { policy: 'none' }).then((x) => x.report)]);
    const leak = r.incidents.filter((i) => i.type === 'memory_leak');
    expect(leak).toHaveLength(1);
    expect(leak[0]).toMatchObject({ outcome: 'escalated', namespace: 'demo', target: 'web' });
    expect(r.actions.some((a) => a.tool === 'restart_deployment')).toBe(false);
    // The leak starts at 2 m; memory never drives a scale-up (the only scale is the CPU-driven 3 → 2 at the start).
    expect(r.actions.filter((a) => a.tool === 'scale_deployment' && a.at >= 120)).toEqual([]);
    const deletes = leak[0]!.actions.filter((a) => a.tool === 'delete_pod');
    expect(deletes.length).toBeGreaterThan(2);
    expect(deletes.every((a) => a.reason.startsWith('LeakReplacement'))).toBe(true);
    // OOM kills (container restarts) nearly gone compared with doing nothing, with no more replicas.
    expect(r.deployments['demo/web']!.podRestarts).toBeLessThan(none.deployments['demo/web']!.podRestarts / 3);
    expect(r.deployments['demo/web']!.overloadSeconds).toBeLessThan(none.deployments['demo/web']!.overloadSeconds);
    expect(r.deployments['demo/web']!.replicaSeconds).toBeLessThanOrEqual(none.deployments['demo/web']!.replicaSeconds);
  });

  it('slow crashing rollout: pods that crash minutes after the rollout are rolled back, not restarted', async () => {
    const r = await run('slow-crashing-rollout');
    expect(r.actions.filter((a) => a.tool !== 'scale_deployment').map((a) => a.tool)).toEqual(['rollback_deployment']);
    expect(r.actions.find((a) => a.tool === 'rollback_deployment')).toMatchObject({
      ok: true,
      arguments: { namespace: 'demo', deployment: 'web', toRevision: 1 },
    });
    expect(r.deployments['demo/web']).toMatchObject({ finalImage: 'nginx:1.27' });
    const web = r.deployments['demo/web']!;
    expect(web.finalReadyReplicas).toBe(web.finalReplicas);
  });

  it('capacity wall: the scale-up stops at what fits, Pending pods are never deleted, and it scales back down when the load falls', async () => {
    const r = await run('capacity-wall');
    expect(r.actions.some((a) => a.tool === 'delete_pod' || a.tool === 'restart_deployment' || a.tool === 'rollback_deployment')).toBe(false);
    expect(r.incidents.some((i) => i.type === 'unschedulable')).toBe(true);
    const scales = r.actions.filter((a) => a.tool === 'scale_deployment');
    // The load falls at 30–33 m; the deployment is back to its minimum by the end.
    expect(scales.some((a) => a.at >= 33 * 60 && Number(a.arguments.replicas) < 10)).toBe(true);
    expect(r.deployments['demo/web']!.finalReplicas).toBe(2);
  });
});
