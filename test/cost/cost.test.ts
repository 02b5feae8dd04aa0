/**
 * The cost tools through a real SDK client against the simulator over HTTP. With the workload's noise
 * off, the demo deployment's usage is exactly 40% of its CPU requests (120m over 3 pods), so the
 * figures can be checked against numbers computed by hand from the OpenCost default prices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSimHarness, type SimHarness } from './sim-harness.js';
import { deploymentBody } from '../helpers/deployment.js';

const NS = 'demo';
const MIB = 2 ** 20;
const GIB = 2 ** 30;
const CPU_HOURLY = 0.031611; // USD per vCPU-hour (OpenCost default)
const GB_HOURLY = 0.004237; // USD per GiB-hour

let h: SimHarness;
beforeAll(async () => {
  h = await startSimHarness(
    { safety: { cooldownSeconds: 0 } },
    { workload: { noise: 0 }, kubelet: { sandboxSeconds: [0.05, 0.1], pullSeconds: [0.05, 0.1], startSeconds: [0.05, 0.1], terminationSeconds: 0.2 } },
  );
  await createDeployment('batch', 2, { cpu: '1', memory: '1Gi' });
  await createDeployment('api', 1, { cpu: '500m', memory: '1Gi' });
  await eventually(async () => (await h.deps.cluster.readDeployment(NS, 'batch')).status?.readyReplicas === 2);
  // batch requests 1 CPU + 1 GiB per pod but only ever gets 60m over its 2 pods: 30m each, 3% of the request.
  await fault({ fault: 'load', deployment: `${NS}/batch`, millicores: 60 });
  // metrics-server rates a pod only once two scrapes saw it, and a demand step shows in full a scrape after it
  // lands: wait for every pod's figure rather than assume it.
  await metricsShow('batch', 2, 30);
  await metricsShow('api', 1, 200); // 40% of its 500m request
  await metricsShow('nginx-demo', 3, 40);
}, 30_000);
afterAll(() => h?.close());

async function createDeployment(name: string, replicas: number, requests: { cpu: string; memory: string }) {
  const body = deploymentBody(NS, name, replicas, { image: 'busybox:1.36', resources: { requests, limits: { cpu: '2', memory: '2Gi' } } });

  await h.deps.cluster.apps.createNamespacedDeployment({ namespace: NS, body });
}

async function fault(body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${h.sim.url}/sim/v1/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
const clearFault = (id: string) => fetch(`${h.sim.url}/sim/v1/faults/${id}`, { method: 'DELETE' });

/** Rounded CPU of each of the deployment's pods as the metrics API reports it now. */
async function podCpu(deployment: string): Promise<number[]> {
  const sample = await h.deps.metrics.podUsage(NS);
  return (sample?.pods ?? []).filter((p) => p.pod.startsWith(`${deployment}-`)).map((p) => Math.round(p.cpuMillicores));
}
/** Waits until the metrics API shows `pods` pods of the deployment at `millicores` each. */
const metricsShow = (deployment: string, pods: number, millicores: number) =>
  eventually(async () => {
    const cpu = await podCpu(deployment);
    return cpu.length === pods && cpu.every((c) => c === millicores);
  });

/** Memory the simulator reports for the deployment's pods (its baseline has a fixed per-pod jitter). */
function simMemory(deployment: string): number[] {
  return h.sim.workload
    .usage()
    .filter((u) => u.deployment === `${NS}/${deployment}`)
    .map((u) => u.containers.reduce((n, c) => n + c.memoryBytes, 0));
}

interface DeploymentCost {
  name: string;
  pods: number;
  hourly: number;
  monthly: number;
  cpuHourly: number;
  memoryHourly: number;
  idleHourly: number;
  idleCpuHourly: number;
  cpuUsageMillicores: number;
}

describe('cost_report', () => {
  it('prices the demo deployment at max(request, usage) with OpenCost defaults, per hour and per month', async () => {
    const r = await h.ok<{
      prices: { cpuHourly: number; gbHourly: number; hoursPerMonth: number };
      deployments: DeploymentCost[];
      namespaces: { namespace: string; hourly: number; pods: number }[];
      notes: string[];
      source: string;
      complete: boolean;
    }>('cost_report', { namespace: NS });
    expect(r.prices).toMatchObject({ cpuHourly: CPU_HOURLY, gbHourly: GB_HOURLY, hoursPerMonth: 730 });
    expect(r.source).toBe('metrics-server');
    expect(r.complete).toBe(true);
    const d = r.deployments.find((x) => x.name === 'nginx-demo')!;
    // 3 pods × (0.1 vCPU × 0.031611 + 64 MiB = 0.0625 GiB × 0.004237): usage (40m, ~32Mi) is below the requests.
    expect(d.pods).toBe(3);
    expect(d.cpuUsageMillicores).toBe(120);
    expect(d.cpuHourly).toBeCloseTo(0.0094833, 6);
    expect(d.memoryHourly).toBeCloseTo(0.000794438, 6);
    expect(d.hourly).toBeCloseTo(0.010278, 6);
    expect(d.monthly).toBeCloseTo(7.5027, 4);
    // Idle: 3 × (100m − 40m) of CPU, and the requested memory the pods do not use.
    expect(d.idleCpuHourly).toBeCloseTo(0.18 * CPU_HOURLY, 6);
    const memUsed = simMemory('nginx-demo').reduce((a, b) => a + b, 0);
    expect(d.idleHourly).toBeCloseTo(0.18 * CPU_HOURLY + ((3 * 64 * MIB - memUsed) / GIB) * GB_HOURLY, 6);
    // The namespace row sums its deployments; the most expensive comes first.
    const ns = r.namespaces.find((n) => n.namespace === NS)!;
    expect(ns.hourly).toBeCloseTo(
      r.deployments.reduce((s, x) => s + x.hourly, 0),
      5,
    );
    expect(r.deployments[0]!.name).toBe('batch');
    expect(r.notes.join(' ')).toMatch(/max\(request, usage\)/);
  });

  it('bills usage above the request', async () => {
    // 900m over 3 ready pods: 300m each, above the 100m request (and below the 500m limit).
    const id = await fault({ fault: 'load', deployment: `${NS}/nginx-demo`, millicores: 900 });
    try {
      await metricsShow('nginx-demo', 3, 300);
      const r = await h.ok<{ deployments: DeploymentCost[] }>('cost_report', { namespace: NS, deployment: 'nginx-demo' });
      expect(r.deployments).toHaveLength(1);
      expect(r.deployments[0]!.cpuHourly).toBeCloseTo(0.9 * CPU_HOURLY, 6);
      expect(r.deployments[0]!.idleCpuHourly).toBe(0);
    } finally {
      await clearFault(id);
      await metricsShow('nginx-demo', 3, 40); // the next tests read the idle figures again
    }
  });

  it('rejects bad input with a clear message', async () => {
    expect(await h.fails('cost_report', { deployment: 'nginx-demo' })).toMatch(/needs a namespace/);
    expect(await h.fails('cost_report', { namespace: NS, deployment: 'nope' })).toMatch(/not found/);
    expect(await h.fails('cost_report', { namespace: 'Bad_NS' })).toMatch(/lowercase/);
  });
});

describe('cost_savings', () => {
  // api: 500m + 1 GiB per replica = 0.5 × 0.031611 + 1 × 0.004237 = $0.0200425 per replica-hour.
  const PER_REPLICA = 0.0200425;

  beforeAll(() => {
    const now = Date.now();
    const at = (hoursAgo: number) => now - hoursAgo * 3_600_000;
    for (const [hoursAgo, replicas] of [
      [4, 4],
      [3, 8],
      [1, 2],
    ] as const) {
      h.deps.store.replicas.record({ namespace: NS, deployment: 'api', replicas, readyReplicas: replicas, at: at(hoursAgo) });
    }
    h.deps.store.replicas.record({ namespace: NS, deployment: 'gone', replicas: 3, readyReplicas: 3, at: at(2) });
  });

  interface Savings {
    deployment: string;
    averageReplicas: number;
    baselineReplicas: number;
    baselineSource: string;
    perReplicaHourly: number;
    actualCost: number;
    baselineCost: number;
    savings: number;
    savingsPercent: number;
    projectedMonthlySavings: number;
  }

  it('against a static 10 replicas: 4 h at an average of 5.5 replicas', async () => {
    const r = await h.ok<{ deployments: Savings[]; skipped: { deployment: string }[]; assumptions: string[] }>('cost_savings', {
      namespace: NS,
      deployment: 'api',
      baselineReplicas: 10,
    });
    const s = r.deployments[0]!;
    // replica-hours: 4×1 h + 8×2 h + 2×1 h = 22 over 4 h.
    expect(s.averageReplicas).toBeCloseTo(5.5, 2);
    expect(s.baselineSource).toBe('argument');
    expect(s.perReplicaHourly).toBeCloseTo(PER_REPLICA, 6);
    expect(s.actualCost).toBeCloseTo(22 * PER_REPLICA, 3);
    expect(s.baselineCost).toBeCloseTo(40 * PER_REPLICA, 3);
    expect(s.savings).toBeCloseTo(18 * PER_REPLICA, 3);
    expect(s.savingsPercent).toBeCloseTo(45, 1);
    expect(s.projectedMonthlySavings).toBeCloseTo(4.5 * PER_REPLICA * 730, 1);
    expect(r.assumptions.length).toBeGreaterThan(2);
  });

  it('defaults to the most replicas observed and states it; a deleted deployment is skipped with a reason', async () => {
    const r = await h.ok<{ deployments: Savings[]; skipped: { deployment: string; reason: string }[] }>('cost_savings', { namespace: NS });
    const s = r.deployments.find((d) => d.deployment === 'api')!;
    expect(s.baselineReplicas).toBe(8);
    expect(s.baselineSource).toBe('max-observed');
    expect(s.savings).toBeCloseTo(10 * PER_REPLICA, 3);
    expect(r.skipped.find((x) => x.deployment === 'gone')?.reason).toMatch(/no longer exists/);
  });

  it('a window starting mid-history takes the state at its start from the sample before it', async () => {
    const r = await h.ok<{ deployments: Savings[] }>('cost_savings', { namespace: NS, deployment: 'api', windowHours: 2, baselineReplicas: 10 });
    // 8 replicas from −2 h to −1 h, then 2: average 5.
    expect(r.deployments[0]!.averageReplicas).toBeCloseTo(5, 2);
  });

  it('uses cost.baselineReplicas from the config when no argument is given', async () => {
    const s = await h.reopen({ cost: { baselineReplicas: 10 } });
    try {
      const r = await s.ok<{ deployments: Savings[] }>('cost_savings', { namespace: NS, deployment: 'api' });
      expect(r.deployments[0]).toMatchObject({ baselineReplicas: 10, baselineSource: 'config' });
    } finally {
      await s.close();
    }
  });
});

describe('cost_recommendations', () => {
  interface Rec {
    deployment: string;
    action: string;
    findings: string[];
    cpu: { requestMillicores: number; observedMillicores: number; recommendedMillicores: number };
    memory: { requestBytes: number; observedBytes: number; recommendedBytes: number };
    containers: { name: string; cpu: string; memory: string }[];
    monthlySavings: number;
    samples: number;
    confidence: string;
  }

  it('right-sizes an over-provisioned, idle deployment and prices the saving', async () => {
    const r = await h.ok<{ recommendations: Rec[]; totalMonthlySavings: number; headroom: number }>('cost_recommendations', { namespace: NS });
    expect(r.headroom).toBe(1.3);
    const rec = r.recommendations.find((x) => x.deployment === 'batch')!;
    expect(rec.action).toBe('reduce-requests');
    expect(rec.findings).toEqual(expect.arrayContaining(['idle', 'over-provisioned']));
    expect(rec.cpu.observedMillicores).toBe(30);
    expect(rec.cpu.recommendedMillicores).toBe(40); // 30 × 1.3 = 39, rounded up to 5m
    const memPeak = Math.max(...simMemory('batch'));
    const memRec = Math.ceil((memPeak * 1.3) / MIB) * MIB;
    expect(rec.memory.recommendedBytes).toBe(memRec);
    expect(rec.containers).toEqual([{ name: 'main', cpu: '40m', memory: `${memRec / MIB}Mi` }]);
    // per pod: (1000m − 40m) of CPU and (1 GiB − recommendation) of memory, × 2 replicas × 730 h.
    const perPodHourly = 0.96 * CPU_HOURLY + ((GIB - memRec) / GIB) * GB_HOURLY;
    expect(rec.monthlySavings).toBeCloseTo(perPodHourly * 2 * 730, 3);
    expect(r.recommendations[0]!.deployment).toBe('batch'); // largest saving first
    expect(r.totalMonthlySavings).toBeGreaterThanOrEqual(rec.monthlySavings);
    // The observation was recorded for the next p95.
    expect(h.deps.store.usage.list({ namespace: NS, deployment: 'batch' }).length).toBeGreaterThan(0);
  });

  it('bases the recommendation on the p95 of recorded samples and never goes below the floor', async () => {
    const now = Date.now();
    // 20 samples of the busiest nginx-demo pod: 19 quiet ones at 1m and one burst at 200m.
    for (let i = 0; i < 20; i++) {
      h.deps.store.usage.record({
        namespace: NS,
        deployment: 'nginx-demo',
        pods: 3,
        cpuMillicores: 3,
        memoryBytes: 30 * MIB,
        cpuMaxPodMillicores: i === 5 ? 200 : 1,
        memoryMaxPodBytes: 10 * MIB,
        cpuRequestMillicores: 300,
        memoryRequestBytes: 192 * MIB,
        at: now - (i + 2) * 60_000,
      });
    }
    const r = await h.ok<{ recommendations: Rec[] }>('cost_recommendations', { namespace: NS, deployment: 'nginx-demo', windowHours: 1 });
    const rec = r.recommendations[0]!;
    expect(rec.samples).toBeGreaterThanOrEqual(21);
    expect(rec.confidence).toBe('medium');
    // p95 (nearest rank) of 21+ values with one 200m outlier is 40m (the live readings), not the outlier.
    expect(rec.cpu.observedMillicores).toBe(40);
    expect(rec.cpu.recommendedMillicores).toBe(55);
    expect(rec.memory.recommendedBytes).toBeGreaterThanOrEqual(16 * MIB);
  });
});
