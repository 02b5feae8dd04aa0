/**
 * The Prometheus client and the `prometheus` metrics source against a real Prometheus scraping a small exposition
 * server this test controls (known constant rates), plus the failure kinds over real sockets.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient, PrometheusError } from '../../src/metrics/prometheus-client.js';
import { ServiceError } from '../../src/base/errors.js';
import type { PodUsage } from '../../src/ports/metrics-source.js';
import { PrometheusMetricsSource } from '../../src/metrics/prometheus-source.js';
import { SentinelMetrics } from '../../src/observability/metrics.js';
import { prometheusPrerequisite, startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { describeWith } from '../helpers/prerequisite.js';

/** Three pods (250 m, 500 m and 100 m CPU), with cAdvisor's pod-level and pause series that must not count. */
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
    // A pod whose counter is not scraped yet: memory only.
    'container_memory_working_set_bytes{namespace="demo",pod="web-abc-3",container="app"} 7000000',
    'container_memory_working_set_bytes{namespace="prod",pod="api-1",container="app"} 9000000',
  ];
  return lines.join('\n') + '\n';
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

describeWith(prometheusPrerequisite, 'PrometheusClient against a real Prometheus', () => {
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

  it('the source reports CPU (rate) and memory per pod, without pause/pod-level series or pods lacking a rate', async () => {
    const own = new SentinelMetrics({ processMetrics: false });
    const source = new PrometheusMetricsSource({ client, rateWindow: '5s', metrics: own });
    const sample = await source.podUsage('demo');
    expect(sample.source).toBe('prometheus');
    expect(sample.pods.map((p) => p.pod)).toEqual(['bare', 'web-abc-1', 'web-abc-2']);
    const [bare, p1, p2] = sample.pods as [PodUsage, PodUsage, PodUsage];
    // Constant counters: rate() is exact up to scrape timing jitter; 2 % covers it.
    expect(p1.cpuMillicores).toBeGreaterThan(245);
    expect(p1.cpuMillicores).toBeLessThan(255);
    expect(p2.cpuMillicores).toBeGreaterThan(490);
    expect(p2.cpuMillicores).toBeLessThan(510);
    expect(bare.cpuMillicores).toBeGreaterThan(98);
    expect(bare.cpuMillicores).toBeLessThan(102);
    expect([bare.memoryBytes, p1.memoryBytes, p2.memoryBytes]).toEqual([5000000, 100000000, 150000000]);
    expect((await own.exposition()).body).toMatch(/sentinelops_metrics_source_up\{source="prometheus"\} 1/);
    expect((await source.health()).up).toBe(true);
  });

  it('all namespaces when none is given', async () => {
    const source = new PrometheusMetricsSource({ client, rateWindow: '5s' });
    expect((await source.podUsage()).pods.map((p) => `${p.namespace}/${p.pod}`)).toEqual(['demo/bare', 'demo/web-abc-1', 'demo/web-abc-2']);
    expect((await source.podUsage('prod')).pods).toEqual([]);
  });

  it('runs range queries', async () => {
    const end = Date.now() / 1000;
    const { data } = await client.queryRange('container_memory_working_set_bytes{pod="bare"}', { start: end - 5, end, stepSeconds: 1 });
    if (data.resultType !== 'matrix') throw new Error(`expected a matrix, got ${data.resultType}`);
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
      const upstream = await fetch(prom.url + req.url, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
      });
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

  it('the source turns an unreachable Prometheus into a clear unavailable error and health down', async () => {
    const srv = createServer();
    const port = await listen(srv);
    await new Promise((r) => srv.close(r));
    const own = new SentinelMetrics({ processMetrics: false });
    const source = new PrometheusMetricsSource({ client: new PrometheusClient({ url: `http://127.0.0.1:${port}` }), rateWindow: '1m', metrics: own });
    const err = await source.podUsage('demo').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ code: 'unavailable', details: { source: 'prometheus', kind: 'unreachable' } });
    expect((err as Error).message).toMatch(new RegExp(`metrics unavailable: Prometheus at http://127.0.0.1:${port} is unreachable \\(ECONNREFUSED\\)`));
    expect(await source.health()).toMatchObject({ up: false, error: expect.stringMatching(/unreachable/) });
    expect((await own.exposition()).body).toMatch(/sentinelops_metrics_source_up\{source="prometheus"\} 0/);
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
