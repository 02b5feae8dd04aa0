/**
 * A real Alertmanager (Debian's prometheus-alertmanager) delivering its webhook to SentinelOps' HTTP server
 * (the MCP server's HTTP app, bearer token required), which stores incidents in a real SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CycleRequest } from '../../src/alerts/ingest.js';
import { RealClock } from '../../src/base/clock.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/base/log.js';
import { SentinelMetrics } from '../../src/observability/metrics.js';
import { observabilityRoutes } from '../../src/app/observability-routes.js';
import { createHttpApp, type HttpApp } from '../../src/mcp/streamable-http.js';
import { MetricsServerSource } from '../../src/metrics/metrics-server-source.js';
import { Store } from '../../src/store/index.js';
import { alertmanagerPrerequisite, startAlertmanager, type TestAlertmanager } from '../helpers/prometheus.js';
import { describeWith } from '../helpers/prerequisite.js';
import { unreachableCluster } from '../helpers/unreachable-cluster.js';

const TOKEN = 'test-token-0123456789abcdef';

describeWith(alertmanagerPrerequisite, 'Alertmanager → POST /alerts/alertmanager on the SentinelOps HTTP server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-am-e2e-'));
  const clock = new RealClock();
  const store = Store.open(join(dir, 'sentinelops.db'), clock);
  const metrics = new SentinelMetrics({ processMetrics: false });
  const cycles: CycleRequest[] = [];
  let app: HttpApp;
  let base: string;
  let am: TestAlertmanager;

  beforeAll(async () => {
    // The webhook path never calls the cluster; this client points nowhere.
    const cluster = unreachableCluster();
    const config = parseConfig({ http: { port: 0, token: TOKEN } });
    const logger = silentLogger();
    app = createHttpApp({
      deps: { config, cluster, store, clock, logger, metrics: new MetricsServerSource(cluster) },
      extraRoutes: observabilityRoutes({
        metrics,
        store,
        cluster,
        clock,
        logger,
        bodyLimitBytes: config.http.bodyLimitBytes,
        triggerCycle: (r) => void cycles.push(r),
      }),
    });
    base = await app.listen();
    am = await startAlertmanager({ webhookUrl: `${base}/alerts/alertmanager`, bearerToken: TOKEN });
  });
  afterAll(async () => {
    await am?.stop();
    await app?.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function until<T>(what: string, f: () => T | undefined, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = f();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${am.log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('without the token the webhook is refused and nothing is stored', async () => {
    const res = await fetch(`${base}/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect(store.incidents.list()).toEqual([]);
  });

  it('a firing alert opens an incident and triggers a cycle; its resolution is recorded', async () => {
    const startsAt = new Date(Date.now() - 30_000).toISOString();
    const labels = { alertname: 'KubeDeploymentReplicasMismatch', namespace: 'demo', deployment: 'nginx-demo', severity: 'critical' };
    await am.push([{ labels, annotations: { summary: 'nginx-demo has 1/3 ready replicas' }, startsAt }]);

    const incident = await until('the incident', () => store.incidents.list()[0]);
    expect(incident).toMatchObject({
      type: 'alert',
      severity: 'critical',
      namespace: 'demo',
      target: 'nginx-demo',
      outcome: 'open',
      summary: 'nginx-demo has 1/3 ready replicas',
    });
    const stored = Object.values(incident.details.alerts as Record<string, { status: string; receiver: string; generatorURL?: string }>);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'firing', receiver: 'sentinelops' });
    await until('the cycle request', () => cycles[0]);
    expect(cycles[0]).toMatchObject({ namespace: 'demo', target: 'nginx-demo', kind: 'deployment', incidentId: incident.id });

    // Ending the alert makes Alertmanager send a "resolved" notification.
    await am.push([{ labels, startsAt, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    const resolved = await until('the resolved alert', () => {
      const i = store.incidents.get(incident.id)!;
      const a = Object.values(i.details.alerts as Record<string, { status: string }>)[0]!;
      return a.status === 'resolved' ? i : undefined;
    });
    expect(resolved.outcome).toBe('open');
    expect(store.incidents.list()).toHaveLength(1);

    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(text).toMatch(/sentinelops_alerts_received_total\{status="firing",result="incident"\} [1-9]/);
    expect(text).toMatch(/sentinelops_alerts_received_total\{status="resolved",result="recorded"\} [1-9]/);
    expect(text).toMatch(/sentinelops_incidents\{type="alert",outcome="open"\} 1/);
  });
});
