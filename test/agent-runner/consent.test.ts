/**
 * Consent, ownership and the cooldown on the real MCP server and the simulator: the demo app's 3 replicas (set by a
 * person) are not scaled down at first sight; an HPA's deployment is never scaled; a scale-down's cooldown does not
 * hold back the scale-up a later overload calls for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rehearse } from '../../src/rehearsal/rehearse.js';
import { parseScenario } from '../../src/rehearsal/scenario.js';
import { R } from '../../src/sim/resources.js';
import { listDeploymentsTool } from '../../tools/list-deployments.js';
import { scaleDeploymentTool } from '../../tools/scale-deployment.js';
import { type World, startWorld, until } from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const decisionsOn = (cycles: { decisions: { target: string; reason: string; message: string; action: string }[] }[], target: string) =>
  cycles.flatMap((c) => c.decisions.filter((d) => d.target === target));

describe('consent and ownership on the simulator', () => {
  it('the 3 replicas a person deployed are not scaled down at first sight without consent', async () => {
    world = await startWorld({ safety: { minReplicas: 1 } });
    const { runner, cycles } = await world.runner();
    // Metrics come as metrics-server serves them (a scrape after the pods start): until then there is nothing to
    // scale on. Cycle until the agent has judged the replicas, then a few more.
    await until(
      async () => {
        await runner.runCycle({ trigger: 'interval' });
        return decisionsOn(cycles, 'nginx-demo').some((d) => d.reason === 'PersonsCount');
      },
      40_000,
      'a decision on the replicas',
    );
    for (let i = 0; i < 2; i++) await runner.runCycle({ trigger: 'interval' });
    expect(cycles.flatMap((c) => c.results)).toEqual([]);
    const held = decisionsOn(cycles, 'nginx-demo').filter((d) => d.reason === 'PersonsCount');
    expect(held.length).toBeGreaterThan(0);
    expect(held[0]!.message).toMatch(/a person set 3 replicas \(first sight\)/);
    expect(world.sim.store.get(R.deployments, 'demo', 'nginx-demo')?.spec?.replicas).toBe(3);
  }, 60_000);

  it('a deployment an HPA targets is never scaled, even under a CPU spike; the hold names the HPA', async () => {
    world = await startWorld({ safety: { minReplicas: 1 } });
    world.sim.store.create(R.horizontalpodautoscalers, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'nginx-demo', namespace: 'demo' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx-demo' }, minReplicas: 1, maxReplicas: 5 },
    });
    world.sim.faults.inject({ fault: 'cpu-spike', deployment: 'demo/nginx-demo', millicores: 900, durationSeconds: 60 });
    const { runner, cycles } = await world.runner();
    await until(
      async () => {
        await runner.runCycle({ trigger: 'interval' });
        return cycles.some((c) => c.findings.some((f) => f.type === 'cpu_overload'));
      },
      20_000,
      'overload seen',
    );
    expect(cycles.flatMap((c) => c.results).filter((a) => a.tool === 'scale_deployment')).toEqual([]);
    expect(decisionsOn(cycles, 'nginx-demo').find((d) => d.reason === 'ReplicasOwned')?.message).toMatch(/HorizontalPodAutoscaler demo\/nginx-demo/);
  });
});

describe('managedFields on the simulator', () => {
  it('who wrote spec.replicas: a person, SentinelOps, or a GitOps controller that then owns it', async () => {
    world = await startWorld({ safety: { minReplicas: 1 } });
    const { client, runner, cycles } = await world.runner();
    const w = world;
    const patchAs = async (manager: string, replicas: number) => {
      const r = await fetch(`${w.sim.url}/apis/apps/v1/namespaces/demo/deployments/nginx-demo?fieldManager=${manager}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ spec: { replicas } }),
      });
      expect(r.status).toBe(200);
    };
    const row = async () => {
      const r = await client.call(listDeploymentsTool, { namespace: 'demo' });
      if (!r.ok) throw new Error(r.error);
      return r.value.items.find((d) => d.name === 'nginx-demo')!;
    };
    // The list is served from the watch-fed cache: another writer's change shows once its watch event arrives.
    const rowWhen = (ok: (r: Awaited<ReturnType<typeof row>>) => boolean, what: string) =>
      until(
        async () => {
          const r = await row();
          return ok(r) && r;
        },
        10_000,
        what,
      );
    await patchAs('kubectl-scale', 4);
    expect(await rowWhen((r) => r.replicas === 4, 'replicas 4 in the list')).toMatchObject({
      replicas: 4,
      replicasSetBy: 'kubectl-scale',
      replicasOwner: null,
    });
    const scaled = await client.call(scaleDeploymentTool, { namespace: 'demo', deployment: 'nginx-demo', replicas: 5 });
    expect(scaled.ok).toBe(true);
    expect(await rowWhen((r) => r.replicas === 5, 'replicas 5 in the list')).toMatchObject({ replicas: 5, replicasSetBy: 'sentinelops' });
    await patchAs('argocd-controller', 3);
    expect((await rowWhen((r) => r.replicas === 3, 'replicas 3 in the list')).replicasOwner).toMatch(/^Argo CD/);
    world.sim.faults.inject({ fault: 'cpu-spike', deployment: 'demo/nginx-demo', millicores: 900, durationSeconds: 60 });
    for (let i = 0; i < 3; i++) await runner.runCycle({ trigger: 'interval' });
    expect(cycles.flatMap((c) => c.results)).toEqual([]);
    expect(decisionsOn(cycles, 'nginx-demo').some((d) => d.reason === 'ReplicasOwned' && /Argo CD/.test(d.message))).toBe(true);
  }, 60_000);
});

describe('cooldown', () => {
  it('a scale-down does not hold back the scale-up a later overload calls for (cooldown 600 s)', async () => {
    const scenario = parseScenario(`
apiVersion: sentinelops.dev/v1
kind: Scenario
metadata: {name: cooldown-then-spike}
spec:
  duration: 8m
  seed: 3
  cluster: {nodes: 2, nodeCpu: "4", nodeMemory: 16Gi}
  agent: {scaleDownBelowDesired: true}
  objects:
    - {apiVersion: v1, kind: Namespace, metadata: {name: demo}}
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: demo, labels: {app: web}}
      spec:
        replicas: 4
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - name: web
                image: nginx:1.27
                resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}
  load:
    - deployment: demo/web
      points: [[0s, 40], [3m, 40], [3m, 900], [8m, 900]]
`);
    const config = (await import('../../src/config/load.js')).parseConfig({ safety: { cooldownSeconds: 600 } });
    const { report } = await rehearse(scenario, { config });
    const scales = report.actions.filter((a) => a.tool === 'scale_deployment');
    const downs = scales.filter((a, i) => Number(a.arguments.replicas) < (i === 0 ? 4 : Number(scales[i - 1]!.arguments.replicas)));
    expect(downs[0]).toMatchObject({ ok: true });
    const ups = scales.filter((a) => !downs.includes(a));
    expect(ups.length).toBeGreaterThan(0);
    // Every scale-up was carried out: none was refused by the scale-down's cooldown.
    expect(ups.every((a) => a.ok)).toBe(true);
    expect(ups[0]!.at).toBeLessThanOrEqual(180 + 2 * 60);
  });
});
