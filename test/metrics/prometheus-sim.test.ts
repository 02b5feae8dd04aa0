/**
 * The `prometheus` metrics source end to end: the simulator's GET /metrics scraped every second by a
 * real Prometheus, get_metrics and cluster_health called through the MCP protocol, and the numbers
 * compared with the simulator's own workload model (the ground truth). Then Prometheus is stopped and
 * the degraded behaviour is checked.
 *
 * Tolerance: CPU within 3 % + 1 millicore per pod (rate() over 5 s with 1 s scrapes; demand is constant
 * and the workload noise is off, so the only error is scrape-time jitter); memory within 0.1 % (a gauge).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/base/log.js';
import type { PrometheusMetricsSource } from '../../src/metrics/prometheus-source.js';
import { prometheusSourceFromConfig } from '../../src/metrics/from-config.js';
import { createServer } from '../../src/mcp/create-server.js';
import { prune } from '../../src/catalog/render-text.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';
import { prometheusPrerequisite, startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { describeWith } from '../helpers/prerequisite.js';

interface Row {
  kind: string;
  namespace: string;
  name: string;
  pods: number;
  podsWithMetrics: number;
  cpuMillicores: number;
  memoryBytes: number;
  cpuUtilization: number | null;
}
interface Metrics {
  source: string;
  complete: boolean;
  items: Row[];
}

const cpuClose = (actual: number, expected: number) => Math.abs(actual - expected) <= expected * 0.03 + 1;
const memClose = (actual: number, expected: number) => Math.abs(actual - expected) <= expected * 0.001;

describeWith(prometheusPrerequisite, 'Prometheus as the metrics source, against the simulator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-promsim-'));
  let sim: Simulator;
  let prom: TestPrometheus;
  let runtime: Runtime;
  let source: PrometheusMetricsSource;
  let client: Client;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    sim = await startSimulator({ demo: true, port: 0, seed: 11, workload: { noise: 0 } });
    sim.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'demo', labels: { app: 'api' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: {
            containers: [{ name: 'api', image: 'api:1', resources: { requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } } }],
          },
        },
      },
    });
    await sim.ready({ timeoutMs: 20_000 });
    await sim.ready({ name: 'api', timeoutMs: 20_000 });
    // Constant demand: 3 × 80 m and 2 × 150 m.
    sim.workload.setDemand('demo/nginx-demo', 240);
    sim.workload.setDemand('demo/api', 300);

    prom = await startPrometheus({ targets: [{ address: new URL(sim.url).host, job: 'simulator' }] });
    const config = parseConfig({
      cluster: { mode: 'sim' },
      store: { path: join(dir, 'sentinelops.db') },
      metrics: { source: 'prometheus', prometheusUrl: prom.url, rateWindow: '5s', prometheusTimeoutSeconds: 2 },
    });
    source = prometheusSourceFromConfig(config.metrics)!;
    runtime = createRuntime(config, { logger: silentLogger(), simKubeconfigYaml: sim.kubeconfigYaml(), prometheus: source });
    const created = createServer(runtime.deps);
    cleanup = created.cleanup;
    const [a, b] = InMemoryTransport.createLinkedPair();
    await created.server.connect(a);
    client = new Client({ name: 'prometheus-sim-test', version: '1' });
    await client.connect(b);

    // Every pod's counter must be older than the 5 s window (rate() under-reads younger series), and the
    // window must hold only samples taken after the demand was set: 8 scrapes at 1 s cover both.
    await prom.waitFor('count_over_time(container_cpu_usage_seconds_total{namespace="demo"}[30s]) >= 8', { minSeries: 5, timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await client?.close();
    await cleanup?.();
    runtime?.close();
    await prom?.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

  /** The simulator's own figures for pods of namespace demo, now. */
  function groundTruth() {
    const pods = new Map<string, { cpu: number; mem: number; deployment?: string }>();
    for (const u of sim.workload.usage().filter((u) => u.namespace === 'demo')) {
      pods.set(u.name, {
        cpu: u.containers.reduce((n, c) => n + c.cpuMillicores, 0),
        mem: u.containers.reduce((n, c) => n + c.memoryBytes, 0),
        deployment: u.deployment?.split('/')[1],
      });
    }
    const deployments = new Map<string, { cpu: number; mem: number; pods: number }>();
    for (const p of pods.values()) {
      const d = deployments.get(p.deployment!) ?? { cpu: 0, mem: 0, pods: 0 };
      deployments.set(p.deployment!, { cpu: d.cpu + p.cpu, mem: d.mem + p.mem, pods: d.pods + 1 });
    }
    return { pods, deployments };
  }

  it('get_metrics per pod matches the simulator', async () => {
    const r = await call('get_metrics', { namespace: 'demo', scope: 'pod' });
    expect(r.isError, text(r)).toBeFalsy();
    const m = r.structuredContent as unknown as Metrics;
    const truth = groundTruth();
    expect(m.source).toBe('prometheus');
    expect(m.complete).toBe(true);
    expect(m.items.map((i) => i.name).sort()).toEqual([...truth.pods.keys()].sort());
    expect(m.items).toHaveLength(5);
    for (const item of m.items) {
      const t = truth.pods.get(item.name)!;
      expect(cpuClose(item.cpuMillicores, t.cpu), `${item.name} cpu ${item.cpuMillicores} vs ${t.cpu}`).toBe(true);
      expect(memClose(item.memoryBytes, t.mem), `${item.name} memory ${item.memoryBytes} vs ${t.mem}`).toBe(true);
    }
    // The demand split evenly over ready pods: 80 m for nginx, 150 m for api.
    expect(truth.pods.get(m.items.find((i) => i.name.startsWith('nginx-demo'))!.name)!.cpu).toBeCloseTo(80, 5);
  });

  it('get_metrics per deployment matches the simulator, utilization included', async () => {
    const r = await call('get_metrics', { namespace: 'demo', scope: 'deployment' });
    expect(r.isError, text(r)).toBeFalsy();
    const m = r.structuredContent as unknown as Metrics;
    const truth = groundTruth();
    expect(m.items.map((i) => i.name)).toEqual(['api', 'nginx-demo']);
    for (const item of m.items) {
      const t = truth.deployments.get(item.name)!;
      expect(item.pods).toBe(t.pods);
      expect(item.podsWithMetrics).toBe(t.pods);
      expect(cpuClose(item.cpuMillicores, t.cpu), `${item.name} cpu ${item.cpuMillicores} vs ${t.cpu}`).toBe(true);
      expect(memClose(item.memoryBytes, t.mem), `${item.name} memory ${item.memoryBytes} vs ${t.mem}`).toBe(true);
    }
    // 240 m over 3 × 100 m requested = 80 %; 300 m over 2 × 200 m = 75 %.
    expect(m.items.find((i) => i.name === 'nginx-demo')!.cpuUtilization).toBeGreaterThan(77);
    expect(m.items.find((i) => i.name === 'nginx-demo')!.cpuUtilization).toBeLessThan(83);
    expect(m.items.find((i) => i.name === 'api')!.cpuUtilization).toBeGreaterThan(72);
    expect(m.items.find((i) => i.name === 'api')!.cpuUtilization).toBeLessThan(78);
  });

  it('query_prometheus reads the kube-state-metrics series through MCP', async () => {
    const r = await call('query_prometheus', { query: 'sum by (owner_name) (kube_pod_owner{namespace="demo",owner_kind="ReplicaSet"})' });
    expect(r.isError, text(r)).toBeFalsy();
    const out = r.structuredContent as { resultType: string; series: Array<{ metric: Record<string, string>; value: [number, string] }> };
    expect(out.resultType).toBe('vector');
    expect(out.series.map((s) => s.value[1]).sort()).toEqual(['2', '3']);
    // The text is the same data, compact: empty fields (no warnings) left out.
    expect(JSON.parse(text(r))).toEqual(prune(r.structuredContent));
  });

  it('with Prometheus stopped: get_metrics and query_prometheus say so, cluster_health reports metrics down', async () => {
    expect((await source.health()).up).toBe(true);
    await prom.stop();

    const metrics = await call('get_metrics', { namespace: 'demo' });
    expect(metrics.isError).toBe(true);
    expect(text(metrics)).toMatch(new RegExp(`metrics unavailable: Prometheus at ${prom.url} is unreachable \\(ECONNREFUSED\\)`));

    const query = await call('query_prometheus', { query: 'up' });
    expect(query.isError).toBe(true);
    expect(text(query)).toMatch(/unreachable/);

    const health = await call('cluster_health', { namespace: 'demo' });
    expect(health.isError, text(health)).toBeFalsy();
    const h = health.structuredContent as {
      status: string;
      apiServer: { reachable: boolean };
      metrics: { available: boolean };
      problems: Array<{ kind: string; name: string; reason: string }>;
    };
    expect(h.apiServer.reachable).toBe(true);
    expect(h.metrics.available).toBe(false);
    expect(h.problems).toContainEqual(expect.objectContaining({ kind: 'Metrics', name: 'prometheus', reason: 'Unavailable' }));
    expect(h.status).not.toBe('healthy');

    expect(await source.health()).toMatchObject({ up: false, url: prom.url, error: expect.stringMatching(/unreachable/) });
  });
});
