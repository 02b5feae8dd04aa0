/**
 * The simulator's API through @kubernetes/client-node (the product's only way in) and the simulator's
 * own endpoints with the real providers: metrics.k8s.io, pod logs, Prometheus text and fault injection.
 * Runs on a VirtualClock so the demo deployment is ready after a few virtual seconds.
 */
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig, Metrics, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';

let sim: Simulator;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  sim = await startSimulator({ demo: true, clock: new VirtualClock(), seed: 11 });
  for (let i = 0; i < 60; i++) await sim.step(1000);
  kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfigYaml());
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});

afterAll(async () => {
  await sim?.stop();
});

async function apiError(p: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return e as ApiException<string>;
    throw e;
  }
  throw new Error('expected an ApiException');
}

describe('client-node against the simulator', () => {
  it('lists the demo pods by label and reads one pod log', async () => {
    const pods = await core.listNamespacedPod({ namespace: 'demo', labelSelector: 'app=nginx-demo' });
    expect(pods.items).toHaveLength(3);
    expect(pods.items.every((p) => p.status?.phase === 'Running')).toBe(true);
    const log = await core.readNamespacedPodLog({ name: pods.items[0]!.metadata!.name!, namespace: 'demo', tailLines: 2 });
    expect(log.trim().split('\n')).toHaveLength(2);
  });

  it('decodes errors as Status bodies with causes', async () => {
    const err = await apiError(
      apps.patchNamespacedDeployment(
        { name: 'nginx-demo', namespace: 'demo', body: { spec: { replicas: -1 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(err.code).toBe(422);
    const status = JSON.parse(err.body);
    expect(status).toMatchObject({ kind: 'Status', reason: 'Invalid', details: { kind: 'Deployment', group: 'apps', causes: [{ field: 'spec.replicas' }] } });
    expect((await apps.readNamespacedDeployment({ name: 'nginx-demo', namespace: 'demo' })).spec?.replicas).toBe(3);
    const unsupported = await apiError(
      apps.patchNamespacedDeployment(
        { name: 'nginx-demo', namespace: 'demo', body: { spec: { replicas: 2 } } },
        setHeaderOptions('Content-Type', 'text/plain'),
      ),
    );
    expect(unsupported.code).toBe(415);
  });

  it('serves metrics.k8s.io for pods and nodes', async () => {
    const metrics = new Metrics(kc);
    const pods = await metrics.getPodMetrics('demo');
    expect(pods.items).toHaveLength(3);
    expect(pods.items[0]!.containers[0]!.usage.cpu).toMatch(/^\d+(n|u|m)?$/);
    const name = pods.items[0]!.metadata.name;
    const one = (await fetch(`${sim.url}/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods/${name}`).then((r) => r.json())) as {
      kind: string;
      metadata: { name: string };
    };
    expect(one).toMatchObject({ kind: 'PodMetrics', metadata: { name } });
    const nodes = await metrics.getNodeMetrics();
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    const filtered = await fetch(`${sim.url}/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods?labelSelector=app%3Dnobody`).then((r) => r.json());
    expect((filtered as { items: unknown[] }).items).toEqual([]);
    expect((await fetch(`${sim.url}/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods/ghost`)).status).toBe(404);
  });

  it('serves Prometheus text at /metrics and /sim/v1 info and faults', async () => {
    const prom = await fetch(`${sim.url}/metrics`);
    expect(prom.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await prom.text()).toContain('kube_deployment_spec_replicas{');
    expect(await fetch(`${sim.url}/sim/v1/info`).then((r) => r.json())).toMatchObject({ simulator: 'sentinelops' });
    const post = (body: unknown) =>
      fetch(`${sim.url}/sim/v1/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const bad = await post({ fault: 'meteor-strike' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { kind: string }).kind).toBe('Status');
    const created = await post({ fault: 'load', deployment: 'demo/nginx-demo', millicores: 200 });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const list = (await fetch(`${sim.url}/sim/v1/faults`).then((r) => r.json())) as { items: { id: string }[] };
    expect(list.items.map((f) => f.id)).toContain(id);
    expect((await fetch(`${sim.url}/sim/v1/faults/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${sim.url}/sim/v1/faults/${id}`, { method: 'DELETE' })).status).toBe(404);
  });
});
