/**
 * POST /alerts/alertmanager over real HTTP into a real SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertmanagerRoutes } from '../../src/alerts/http.js';
import { nodeServer } from '../../src/http/listen.js';
import type { CycleRequest } from '../../src/alerts/ingest.js';
import { RealClock } from '../../src/base/clock.js';
import { SentinelMetrics } from '../../src/observability/metrics.js';
import { Store } from '../../src/store/index.js';

const clock = new RealClock();

function alert(over: { status?: 'firing' | 'resolved'; labels?: Record<string, string>; fingerprint?: string } = {}) {
  return {
    status: over.status ?? 'firing',
    labels: over.labels ?? { alertname: 'KubeDeploymentReplicasMismatch', namespace: 'demo', deployment: 'web', severity: 'warning' },
    annotations: { summary: 'Deployment has not matched the expected number of replicas.' },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: over.status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=x',
    fingerprint: over.fingerprint ?? 'fp-web-1',
  };
}

function payload(alerts: unknown[], status: 'firing' | 'resolved' = 'firing') {
  return {
    version: '4',
    groupKey: '{}:{alertname="x"}',
    truncatedAlerts: 0,
    status,
    receiver: 'sentinelops',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts,
  };
}

describe('Alertmanager webhook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-alerts-'));
  const dbPath = join(dir, 'sentinelops.db');
  let store: Store;
  let server: Server;
  let url: string;
  const metrics = new SentinelMetrics({ processMetrics: false });
  let cycles: CycleRequest[] = [];

  beforeAll(async () => {
    store = Store.open(dbPath, clock);
    const routes = alertmanagerRoutes({
      incidents: store.state.incidents,
      triggerCycle: (req) => void cycles.push(req),
      ownerOfPod: async (_ns, pod) => (pod.startsWith('api-') ? 'api' : undefined),
      now: () => clock.now(),
      metrics,
      bodyLimitBytes: 64 * 1024,
    });
    server = nodeServer(routes);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/alerts/alertmanager`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    cycles = [];
  });

  const post = (body: unknown, contentType = 'application/json') =>
    fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const flush = () => new Promise((r) => setTimeout(r, 20));
  const count = () => store.incidents.list().length;

  it('a firing alert on a deployment opens an incident, stored in SQLite, and triggers a cycle for it', async () => {
    const res = await post(payload([alert()]));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { received: number; alerts: Array<{ result: string; incidentId: string }> };
    expect(body.received).toBe(1);
    expect(body.alerts[0]).toMatchObject({ result: 'opened', alertname: 'KubeDeploymentReplicasMismatch', namespace: 'demo', target: 'web' });
    await flush();
    expect(cycles).toEqual([
      { namespace: 'demo', target: 'web', kind: 'deployment', incidentId: body.alerts[0]!.incidentId, reason: 'alert KubeDeploymentReplicasMismatch' },
    ]);

    // A second connection to the file sees it: it is committed, not held in memory.
    const other = Store.open(dbPath, clock);
    try {
      const inc = other.incidents.get(body.alerts[0]!.incidentId)!;
      expect(inc).toMatchObject({ type: 'alert', severity: 'medium', namespace: 'demo', target: 'web', outcome: 'open' });
      expect(inc.title).toBe('KubeDeploymentReplicasMismatch firing on demo/web');
      expect(inc.details).toMatchObject({ source: 'alertmanager', alerts: { 'fp-web-1': { status: 'firing', receiver: 'sentinelops' } } });
      expect(Date.parse(inc.detectedAt)).toBeLessThan(Date.now() - 50_000);
    } finally {
      other.close();
    }
  });

  it('another firing alert on the same target joins the open incident', async () => {
    const before = count();
    const res = await post(
      payload([alert({ fingerprint: 'fp-web-2', labels: { alertname: 'KubePodCrashLooping', namespace: 'demo', deployment: 'web', severity: 'critical' } })]),
    );
    const body = (await res.json()) as { alerts: Array<{ result: string; incidentId: string }> };
    expect(body.alerts[0]!.result).toBe('joined');
    expect(count()).toBe(before);
    const inc = store.incidents.get(body.alerts[0]!.incidentId)!;
    expect(Object.keys(inc.details.alerts as object).sort()).toEqual(['fp-web-1', 'fp-web-2']);
    await flush();
    expect(cycles).toHaveLength(1);
  });

  it('a pod alert is traced to its deployment; one cycle per target even with several alerts', async () => {
    const res = await post(
      payload([
        alert({ fingerprint: 'fp-api-a', labels: { alertname: 'KubePodCrashLooping', namespace: 'prod', pod: 'api-7d9f-x1', severity: 'critical' } }),
        alert({ fingerprint: 'fp-api-b', labels: { alertname: 'KubePodCrashLooping', namespace: 'prod', pod: 'api-7d9f-x2', severity: 'critical' } }),
        alert({ fingerprint: 'fp-bare', labels: { alertname: 'KubePodNotReady', namespace: 'prod', pod: 'bare-pod' } }),
      ]),
    );
    const body = (await res.json()) as { alerts: Array<{ result: string; target: string; incidentId: string }> };
    expect(body.alerts.map((a) => [a.result, a.target])).toEqual([
      ['opened', 'api'],
      ['joined', 'api'],
      ['opened', 'bare-pod'],
    ]);
    expect(store.incidents.get(body.alerts[0]!.incidentId)!.severity).toBe('critical');
    await flush();
    expect(cycles.map((c) => `${c.kind}:${c.namespace}/${c.target}`).sort()).toEqual(['deployment:prod/api', 'pod:prod/bare-pod']);
  });

  it('a resolved alert is recorded on its incident, which stays open for the agent to verify', async () => {
    const res = await post(payload([alert({ status: 'resolved' })], 'resolved'));
    const body = (await res.json()) as { alerts: Array<{ result: string; incidentId: string }> };
    expect(body.alerts[0]!.result).toBe('recorded');
    const inc = store.incidents.get(body.alerts[0]!.incidentId)!;
    const stored = (inc.details.alerts as Record<string, { status: string; endsAt?: string }>)['fp-web-1']!;
    expect(stored.status).toBe('resolved');
    expect(stored.endsAt).toBeDefined();
    expect(inc.outcome).toBe('open');
    await flush();
    expect(cycles).toEqual([]);
  });

  it('alerts without a workload are ignored with the reason; a resolved alert nobody holds too', async () => {
    const before = count();
    const res = await post(
      payload([
        alert({ fingerprint: 'n1', labels: { alertname: 'Watchdog' } }),
        alert({ fingerprint: 'n2', labels: { alertname: 'KubeQuotaExceeded', namespace: 'demo' } }),
        alert({ status: 'resolved', fingerprint: 'never-seen', labels: { alertname: 'X', namespace: 'demo', deployment: 'web' } }),
      ]),
    );
    const body = (await res.json()) as { alerts: Array<{ result: string; reason: string }> };
    expect(body.alerts.map((a) => a.reason)).toEqual(['no namespace label', 'no deployment, workload or pod label', 'no incident holds this alert']);
    expect(body.alerts.every((a) => a.result === 'ignored')).toBe(true);
    expect(count()).toBe(before);
  });

  it.each([
    ['invalid JSON', '{"version": "4", ', /not valid JSON/],
    ['another payload version', JSON.stringify({ ...payload([alert()]), version: '3' }), /version "4"/],
    ['no alerts', JSON.stringify(payload([])), /alerts: alerts must not be empty/],
    ['a bad alert status', JSON.stringify(payload([{ ...alert(), status: 'pending' }])), /alerts\.0\.status/],
    ['a bad startsAt', JSON.stringify(payload([{ ...alert(), startsAt: 'yesterday' }])), /alerts\.0\.startsAt/],
    ['a non-string label', JSON.stringify(payload([{ ...alert(), labels: { namespace: 'demo', deployment: 7 } }])), /alerts\.0\.labels\.deployment/],
  ])('rejects %s with 400 and the reason, storing nothing', async (_name, body, reason) => {
    const before = count();
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(reason);
    expect(count()).toBe(before);
    await flush();
    expect(cycles).toEqual([]);
  });

  it('refuses other methods, content types and oversized bodies', async () => {
    expect((await fetch(url)).status).toBe(405);
    expect((await post(payload([alert()]), 'text/plain')).status).toBe(415);
    const big = payload(Array.from({ length: 400 }, (_, i) => alert({ fingerprint: `big-${i}` })));
    const before = count();
    expect((await post(big)).status).toBe(413);
    expect(count()).toBe(before);
  });

  it('counts received alerts in its own metrics', async () => {
    const text = (await metrics.exposition()).body;
    expect(text).toMatch(/sentinelops_alerts_received_total\{status="firing",result="incident"\} 5/);
    expect(text).toMatch(/sentinelops_alerts_received_total\{status="resolved",result="recorded"\} 1/);
    expect(text).toMatch(/sentinelops_alerts_received_total\{status="firing",result="ignored"\} 2/);
  });
});
