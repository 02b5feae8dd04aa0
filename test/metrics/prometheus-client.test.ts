/**
 * The Prometheus client and the pod/deployment PromQL against a real Prometheus scraping a small exposition
 * server this test controls (known constant rates), plus the failure kinds over real sockets.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient, PrometheusError } from '../../src/metrics/prometheus-client.js';
import { buildPodRows, sumByDeployment, type PodQueryResults } from '../../src/metrics/pod-table.js';
import { podQueries, type PodQueries } from '../../src/metrics/queries.js';
import { prometheusSkipReason, startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';

const skip = prometheusSkipReason();
if (skip) process.stderr.write(`[skip] prometheus-client suite: ${skip}\n`);

/** Two pods of deployment web (250 m and 500 m CPU), one bare pod; cAdvisor's pod-level and pause series too. */
function exposition(elapsedSeconds: number): string {
  const lines = [
    '# TYPE container_cpu_usage_seconds_total counter',
    `container_cpu_usage_seconds_total{namespace="demo",pod="web-abc-1",container="app"} ${0.25 * elapsedSeconds}`,
    `container_cpu_usage_seconds_total{namespace="demo",pod="web-abc-2",container="app"} ${0.5 * elapsedSeconds}`,
    `container_cpu_usage_seconds_total{namespace="demo",pod="web-abc-2",container=""} ${0.5 * elapsedSeconds}`,
    `container_cpu_usage_seconds_total{namespace="demo",pod="web-abc-2",container="POD"} ${0.01 * elapsedSeconds}`,
    `container_cpu_usage_seconds_total{namespace="demo",pod="bare",container="app"} ${0.1 * elapsedSeconds}`,
    '# TYPE container_memory_working_set_bytes gauge',
    'container_memory_working_set_bytes{namespace="demo",pod="web-abc-1",container="app"} 100000000',
    'container_memory_working_set_bytes{namespace="demo",pod="web-abc-2",container="app"} 150000000',
    'container_memory_working_set_bytes{namespace="demo",pod="bare",container="app"} 5000000',
    '# TYPE kube_pod_container_resource_requests gauge',
    'kube_pod_container_resource_requests{namespace="demo",pod="web-abc-1",container="app",resource="cpu",unit="core"} 0.5',
    'kube_pod_container_resource_requests{namespace="demo",pod="web-abc-1",container="app",resource="memory",unit="byte"} 134217728',
    'kube_pod_container_resource_requests{namespace="demo",pod="web-abc-2",container="app",resource="cpu",unit="core"} 0.5',
    'kube_pod_container_resource_requests{namespace="demo",pod="web-abc-2",container="app",resource="memory",unit="byte"} 134217728',
    '# TYPE kube_pod_container_resource_limits gauge',
    'kube_pod_container_resource_limits{namespace="demo",pod="web-abc-1",container="app",resource="cpu",unit="core"} 1',
    'kube_pod_container_resource_limits{namespace="demo",pod="web-abc-2",container="app",resource="cpu",unit="core"} 1',
    '# TYPE kube_pod_owner gauge',
    'kube_pod_owner{namespace="demo",pod="web-abc-1",owner_kind="ReplicaSet",owner_name="web-abc",owner_is_controller="true"} 1',
    'kube_pod_owner{namespace="demo",pod="web-abc-2",owner_kind="ReplicaSet",owner_name="web-abc",owner_is_controller="true"} 1',
    'kube_pod_owner{namespace="demo",pod="bare",owner_kind="<none>",owner_name="<none>",owner_is_controller="<none>"} 1',
    '# TYPE kube_replicaset_owner gauge',
    'kube_replicaset_owner{namespace="demo",replicaset="web-abc",owner_kind="Deployment",owner_name="web",owner_is_controller="true"} 1',
    '# TYPE kube_pod_status_ready gauge',
    'kube_pod_status_ready{namespace="demo",pod="web-abc-1",condition="true"} 1',
    'kube_pod_status_ready{namespace="demo",pod="web-abc-1",condition="false"} 0',
    'kube_pod_status_ready{namespace="demo",pod="web-abc-2",condition="true"} 0',
    'kube_pod_status_ready{namespace="demo",pod="web-abc-2",condition="false"} 1',
    '# TYPE kube_pod_container_status_restarts_total counter',
    'kube_pod_container_status_restarts_total{namespace="demo",pod="web-abc-2",container="app"} 4',
  ];
  return lines.join('\n') + '\n';
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

async function runAll(client: PrometheusClient, q: PodQueries): Promise<PodQueryResults> {
  const entries = await Promise.all(
    Object.entries(q).map(async ([k, promql]) => {
      const { data } = await client.query(promql);
      if (data.resultType !== 'vector') throw new Error(`${k}: ${data.resultType}`);
      return [k, data.result] as const;
    }),
  );
  return Object.fromEntries(entries) as PodQueryResults;
}

describe.skipIf(skip)('PrometheusClient against a real Prometheus', () => {
  const t0 = Date.now();
  const exporter = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition((Date.now() - t0) / 1000));
  });
  let prom: TestPrometheus;
  let client: PrometheusClient;

  beforeAll(async () => {
    const port = await listen(exporter);
    prom = await startPrometheus({ targets: [{ address: `127.0.0.1:${port}` }] });
    client = new PrometheusClient({ url: prom.url, timeoutMs: 3000 });
    // rate() under-reads a series younger than its window (it extrapolates little towards the series'
    // start): wait until the series is older than the 5 s window plus two scrapes.
    await prom.waitFor('count_over_time(container_cpu_usage_seconds_total{pod="web-abc-1",container="app"}[30s]) >= 8');
  });
  afterAll(async () => {
    await prom?.stop();
    await new Promise((r) => exporter.close(r));
  });

  it('reports its version', async () => {
    expect((await client.buildInfo()).version).toMatch(/^2\./);
  });

  it('computes per-pod and per-deployment CPU and memory with PromQL and joins ownership', async () => {
    const rows = buildPodRows(await runAll(client, podQueries('5s', 'demo')));
    expect(rows.map((r) => r.pod)).toEqual(['bare', 'web-abc-1', 'web-abc-2']);
    const [bare, p1, p2] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    // Constant counters: rate() is exact up to the scrape timing, so 2 % is generous.
    expect(p1.cpuMillicores).toBeGreaterThan(245);
    expect(p1.cpuMillicores).toBeLessThan(255);
    expect(p2.cpuMillicores).toBeGreaterThan(490); // container="" and "POD" are not counted
    expect(p2.cpuMillicores).toBeLessThan(510);
    expect(p1).toMatchObject({ deployment: 'web', ready: true, memoryBytes: 100000000, cpuRequestMillicores: 500, memoryRequestBytes: 134217728, cpuLimitMillicores: 1000, memoryLimitBytes: 0 });
    expect(p2).toMatchObject({ deployment: 'web', ready: false, restarts: 4 });
    expect(bare.deployment).toBeUndefined();

    const [web] = sumByDeployment(rows);
    expect(web).toMatchObject({ namespace: 'demo', deployment: 'web', pods: 2, memoryBytes: 250000000, cpuRequestMillicores: 1000, complete: true });
    expect(web!.cpuMillicores).toBeGreaterThan(735);
    expect(web!.cpuMillicores).toBeLessThan(765);
  });

  it('another namespace has no pods', async () => {
    expect(buildPodRows(await runAll(client, podQueries('5s', 'prod')))).toEqual([]);
  });

  it('runs range queries', async () => {
    const end = Date.now() / 1000;
    const { data } = await client.queryRange('container_memory_working_set_bytes{pod="bare"}', { start: end - 5, end, stepSeconds: 1 });
    expect(data.resultType).toBe('matrix');
    if (data.resultType !== 'matrix') return;
    expect(data.result).toHaveLength(1);
    expect(data.result[0]!.values.length).toBeGreaterThanOrEqual(3);
    expect(data.result[0]!.values.every(([, v]) => v === '5000000')).toBe(true);
  });

  it('says bad_query for invalid PromQL', async () => {
    const err = await client.query('sum(rate(').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusError);
    expect((err as PrometheusError).kind).toBe('bad_query');
    expect((err as PrometheusError).unavailable).toBe(false);
    expect((err as PrometheusError).message).toMatch(/parse error/);
  });

  it('sends bearer and basic credentials (through an authenticating proxy)', async () => {
    const seen: string[] = [];
    const proxy = createServer(async (req, res) => {
      seen.push(req.headers.authorization ?? '');
      const ok = req.headers.authorization === 'Bearer s3cret' || req.headers.authorization === `Basic ${Buffer.from('ops:pw').toString('base64')}`;
      if (!ok) return void res.writeHead(401).end('unauthorized');
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const upstream = await fetch(prom.url + req.url, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? '' }, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    const port = await listen(proxy);
    try {
      const url = `http://127.0.0.1:${port}`;
      await expect(new PrometheusClient({ url, bearerToken: 's3cret' }).query('vector(1)')).resolves.toMatchObject({ data: { resultType: 'vector' } });
      await expect(new PrometheusClient({ url, basicAuth: { username: 'ops', password: 'pw' } }).buildInfo()).resolves.toHaveProperty('version');
      const err = await new PrometheusClient({ url, bearerToken: 'wrong' }).query('vector(1)').catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'unauthorized', status: 401 });
      expect(seen).toContain('Bearer wrong');
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });
});

describe('PrometheusClient failure kinds', () => {
  it('unreachable when nothing listens', async () => {
    const srv = createServer();
    const port = await listen(srv);
    await new Promise((r) => srv.close(r));
    const err = await new PrometheusClient({ url: `http://127.0.0.1:${port}` }).query('up').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'unreachable' });
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('timeout when Prometheus is too slow', async () => {
    const hang = createServer(() => undefined);
    const port = await listen(hang);
    try {
      const started = Date.now();
      const err = await new PrometheusClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 300 }).query('up').catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'timeout' });
      expect((err as PrometheusError).unavailable).toBe(true);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      hang.closeAllConnections();
      await new Promise((r) => hang.close(r));
    }
  });

  it('bad_response when the URL is not Prometheus', async () => {
    const other = createServer((_q, s) => void s.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    const port = await listen(other);
    try {
      const err = await new PrometheusClient({ url: `http://127.0.0.1:${port}` }).query('up').catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'bad_response' });
    } finally {
      await new Promise((r) => other.close(r));
    }
  });
});
