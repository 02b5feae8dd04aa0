/**
 * SentinelOps' own /metrics: scraped over real HTTP while an MCP client (SDK Client, linked in-memory
 * transport) calls tools on the real server, with incidents and the audit log in a real SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../tools/index.js';
import { RealClock } from '../../src/base/clock.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/base/log.js';
import { nodeServer } from '../../src/http/listen.js';
import { metricsRoutes } from '../../src/http/metrics-route.js';
import { instrumentTools } from '../../src/catalog/instrument-tools.js';
import { SentinelMetrics } from '../../src/observability/metrics.js';
import { storeFacts } from '../../src/observability/store-facts.js';
import { createServer } from '../../src/mcp/create-server.js';
import { MetricsServerSource } from '../../src/metrics/metrics-server-source.js';
import { Store } from '../../src/store/index.js';
import { unreachableCluster } from '../helpers/unreachable-cluster.js';

describe('GET /metrics (SentinelOps itself)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-own-'));
  const clock = new RealClock();
  const store = Store.open(join(dir, 'sentinelops.db'), clock);
  const metrics = new SentinelMetrics();
  let http: Server;
  let url: string;
  let client: Client;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    metrics.trackStore(storeFacts(store.db));
    http = nodeServer(metricsRoutes(metrics));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(http.address() as { port: number }).port}/metrics`;

    // These tools only touch the store; the cluster client points nowhere and is never called.
    const cluster = unreachableCluster();
    const created = createServer({
      config: parseConfig({}),
      cluster,
      store,
      clock,
      logger: silentLogger(),
      metrics: new MetricsServerSource(cluster),
      tools: instrumentTools(ALL_TOOLS, metrics),
    });
    cleanup = created.cleanup;
    const [a, b] = InMemoryTransport.createLinkedPair();
    await created.server.connect(a);
    client = new Client({ name: 'own-metrics-test', version: '1' });
    await client.connect(b);
  });
  afterAll(async () => {
    await client?.close();
    await cleanup?.();
    await new Promise((r) => http.close(r));
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  const sample = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('exposes every SentinelOps metric family and the process defaults', async () => {
    const text = await scrape();
    for (const [name, type] of [
      ['sentinelops_agent_cycles_total', 'counter'],
      ['sentinelops_agent_cycle_duration_seconds', 'histogram'],
      ['sentinelops_incidents', 'gauge'],
      ['sentinelops_incident_mttr_seconds', 'histogram'],
      ['sentinelops_actions_total', 'counter'],
      ['sentinelops_mcp_tool_call_duration_seconds', 'histogram'],
      ['sentinelops_alerts_received_total', 'counter'],
      ['sentinelops_metrics_source_up', 'gauge'],
      ['process_cpu_seconds_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
    ]) {
      expect(text, name).toContain(`# TYPE ${name} ${type}`);
    }
  });

  it('tool latency, actions, incidents and MTTR move after tool calls', async () => {
    const opened = await client.callTool({
      name: 'log_incident',
      arguments: { type: 'crash_loop', severity: 'high', namespace: 'demo', target: 'web', title: 'web crash-looping' },
    });
    expect(opened.isError).toBeFalsy();
    const id = (opened.structuredContent as { incident: { id: string } }).incident.id;
    let text = await scrape();
    expect(sample(text, 'sentinelops_mcp_tool_call_duration_seconds_count{tool="log_incident",outcome="ok"}')).toBe(1);
    expect(sample(text, 'sentinelops_incidents{type="crash_loop",outcome="open"}')).toBe(1);
    expect(sample(text, 'sentinelops_actions_total{tool="log_incident",result="ok"}')).toBe(1);
    expect(sample(text, 'sentinelops_incident_mttr_seconds_count{type="crash_loop"}')).toBeUndefined();

    await client.callTool({ name: 'log_incident', arguments: { id, outcome: 'resolved' } });
    const failed = await client.callTool({ name: 'get_incident', arguments: { id: 'inc-999' } });
    expect(failed.isError).toBe(true);
    await client.callTool({ name: 'list_incidents', arguments: {} });

    text = await scrape();
    expect(sample(text, 'sentinelops_mcp_tool_call_duration_seconds_count{tool="log_incident",outcome="ok"}')).toBe(2);
    expect(sample(text, 'sentinelops_mcp_tool_call_duration_seconds_count{tool="get_incident",outcome="error"}')).toBe(1);
    expect(sample(text, 'sentinelops_mcp_tool_call_duration_seconds_count{tool="list_incidents",outcome="ok"}')).toBe(1);
    expect(sample(text, 'sentinelops_incidents{type="crash_loop",outcome="open"}')).toBeUndefined();
    expect(sample(text, 'sentinelops_incidents{type="crash_loop",outcome="resolved"}')).toBe(1);
    expect(sample(text, 'sentinelops_incident_mttr_seconds_count{type="crash_loop"}')).toBe(1);
    expect(sample(text, 'sentinelops_actions_total{tool="log_incident",result="ok"}')).toBe(2);
  });

  it('agent cycles are counted with their duration', async () => {
    metrics.recordAgentCycle(0.3, true);
    metrics.recordAgentCycle(1.2, false);
    const text = await scrape();
    expect(sample(text, 'sentinelops_agent_cycles_total{outcome="ok"}')).toBe(1);
    expect(sample(text, 'sentinelops_agent_cycles_total{outcome="error"}')).toBe(1);
    expect(sample(text, 'sentinelops_agent_cycle_duration_seconds_bucket{le="0.5",outcome="ok"}')).toBe(1);
    expect(sample(text, 'sentinelops_agent_cycle_duration_seconds_bucket{le="1",outcome="error"}')).toBe(0);
  });

  it('answers only GET/HEAD on /metrics', async () => {
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});
