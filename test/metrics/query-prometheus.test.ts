/**
 * The query_prometheus service against a real Prometheus: instant and range queries, capping with the
 * truncated marker, PromQL errors and a missing or unreachable Prometheus as clear errors.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/base/clock.js';
import { parseConfig } from '../../src/config/load.js';
import { QueryPrometheusInput, queryPrometheus } from '../../src/services/prometheus-query.js';
import { prometheusPrerequisite, startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { describeWith } from '../helpers/prerequisite.js';

const clock = new RealClock();
const ctxFor = (prometheusUrl?: string) => ({ clock, config: parseConfig({ metrics: { prometheusUrl } }) });
const args = (a: unknown) => QueryPrometheusInput.parse(a);

describeWith(prometheusPrerequisite, 'query_prometheus against a real Prometheus', () => {
  // 60 series of a gauge, so capping has something to cut.
  const exporter = createServer((_q, res) => {
    const lines = ['# TYPE shop_queue_depth gauge'];
    for (let i = 0; i < 60; i++) lines.push(`shop_queue_depth{queue="q${String(i).padStart(2, '0')}"} ${i}`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\n') + '\n');
  });
  let prom: TestPrometheus;

  beforeAll(async () => {
    await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
    prom = await startPrometheus({ targets: [{ address: `127.0.0.1:${(exporter.address() as { port: number }).port}` }] });
    await prom.waitFor('count_over_time(shop_queue_depth{queue="q00"}[30s]) >= 4');
  });
  afterAll(async () => {
    await prom?.stop();
    await new Promise((r) => exporter.close(r));
  });

  it('instant query: a vector, capped at maxSeries with the truncated marker', async () => {
    const r = await queryPrometheus(ctxFor(prom.url), args({ query: 'shop_queue_depth', maxSeries: 10 }));
    expect(r).toMatchObject({ resultType: 'vector', seriesTotal: 60, truncated: true, prometheusUrl: prom.url });
    expect(r.series).toHaveLength(10);
    const all = await queryPrometheus(ctxFor(prom.url), args({ query: 'sum(shop_queue_depth)' }));
    expect(all).toMatchObject({ resultType: 'vector', seriesTotal: 1, truncated: false });
    expect(all.series[0]!.value![1]).toBe(String((59 * 60) / 2));
  });

  it('scalar results come back as `scalar`', async () => {
    const r = await queryPrometheus(ctxFor(prom.url), args({ query: 'scalar(sum(shop_queue_depth))' }));
    expect(r).toMatchObject({ resultType: 'scalar', series: [], scalar: [expect.any(Number), '1770'] });
  });

  it('range query: a matrix; points per series capped to the latest', async () => {
    const end = String(Math.floor(Date.now() / 1000));
    const r = await queryPrometheus(ctxFor(prom.url), args({ query: 'shop_queue_depth{queue="q07"}', range: { end, sinceSeconds: 20, stepSeconds: 1 } }));
    expect(r.resultType).toBe('matrix');
    expect(r.series).toHaveLength(1);
    expect(r.series[0]!.values!.length).toBeGreaterThanOrEqual(3);
    expect(r.series[0]!.values!.every(([, v]) => v === '7')).toBe(true);
    const capped = await queryPrometheus(
      ctxFor(prom.url),
      args({ query: 'shop_queue_depth{queue="q07"}', range: { end, sinceSeconds: 20, stepSeconds: 1 }, maxPoints: 2 }),
    );
    expect(capped.truncated).toBe(true);
    expect(capped.series[0]!.values).toHaveLength(2);
    expect(capped.series[0]!.values).toEqual(r.series[0]!.values!.slice(-2));
  });

  it("bad PromQL is an invalid-input error with Prometheus' reason", async () => {
    await expect(queryPrometheus(ctxFor(prom.url), args({ query: 'sum(' }))).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/parse error.*fix the PromQL/),
    });
    await expect(queryPrometheus(ctxFor(prom.url), args({ query: 'up', range: { start: '2000', end: '1000' } }))).rejects.toMatchObject({ code: 'invalid' });
  });

  it('credentials in the URL are sent as basic auth and never shown', async () => {
    const r = await queryPrometheus(ctxFor(prom.url.replace('http://', 'http://ops:s3cret@')), args({ query: 'vector(1)' }));
    expect(r.prometheusUrl).toBe(prom.url);
    expect(JSON.stringify(r)).not.toContain('s3cret');
  });
});

describe('query_prometheus without a working Prometheus', () => {
  it('says how to configure one when no URL is set', async () => {
    await expect(queryPrometheus(ctxFor(undefined), args({ query: 'up' }))).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/PROMETHEUS_URL/),
    });
  });

  it('names the unreachable Prometheus', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
    await new Promise((r) => srv.close(r));
    await expect(queryPrometheus(ctxFor(url), args({ query: 'up' }))).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/unreachable/),
    });
  });

  it('validates its input', () => {
    expect(QueryPrometheusInput.safeParse({ query: '' }).success).toBe(false);
    expect(QueryPrometheusInput.safeParse({ query: 'up', time: 'yesterday' }).success).toBe(false);
    expect(QueryPrometheusInput.safeParse({ query: 'up', maxSeries: 5000 }).success).toBe(false);
    expect(QueryPrometheusInput.safeParse({ query: 'up', range: { every: 5 } }).success).toBe(false);
  });
});
