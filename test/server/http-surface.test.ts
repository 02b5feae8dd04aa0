/**
 * The HTTP surface as `serve --http --agent` mounts it: REST and dashboard, SentinelOps' own /metrics and
 * the Alertmanager webhook beside /mcp, behind one token, with a firing alert waking the real agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type StartedAgent } from '../../src/app/start-agent.js';
import { silentLogger } from '../../src/base/log.js';
import type { ServerDeps } from '../../src/catalog/deps.js';
import { createHttpSurface, type HttpSurface } from '../../src/app/http-surface.js';
import { startSimDeps, type SimBackedDeps } from './harness.js';

const TOKEN = 'surface-test-token-0123456789';

describe('HTTP surface (serve --http --agent)', () => {
  let base: SimBackedDeps;
  let deps: ServerDeps;
  let surface: HttpSurface;
  let agent: StartedAgent;
  let url: string;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    // An hour-long interval: any cycle after the first must come from a trigger.
    base = await startSimDeps({ http: { port: 0, token: TOKEN }, agent: { intervalSeconds: 3600 } });
    deps = { ...base.deps };
    agent = await startAgent({ config: base.config, logger: silentLogger(), deps, summary: null, watch: false });
    deps.agent = agent.runner;
    surface = createHttpSurface(deps);
    url = await surface.listen();
  });

  afterAll(async () => {
    await surface?.close();
    await agent?.stop();
    await base?.close();
  });

  it('serves the REST API and the Prometheus exposition behind the token', async () => {
    expect((await fetch(`${url}/api/v1/health`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const health = await fetch(`${url}/api/v1/health`, { headers: auth });
    expect(health.status).toBe(200);
    const metrics = await fetch(`${url}/metrics`, { headers: auth });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('sentinelops_mcp_tool_call_duration_seconds');
    expect(text).toMatch(/sentinelops_mcp_tool_call_duration_seconds_count\{[^}]*tool="cluster_health"[^}]*\} [1-9]/);
  });

  it('a firing Alertmanager alert opens an incident and runs an agent cycle at once', async () => {
    await waitFor(() => agent.runner.status().cycles >= 1, 'first cycle');
    const before = agent.runner.status().cycles;
    const res = await fetch(`${url}/alerts/alertmanager`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        groupKey: '{}:{alertname="KubeDeploymentReplicasMismatch"}',
        status: 'firing',
        receiver: 'sentinelops',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        externalURL: 'http://127.0.0.1:9093',
        truncatedAlerts: 0,
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'KubeDeploymentReplicasMismatch', namespace: 'demo', deployment: 'nginx-demo', severity: 'warning' },
            annotations: {},
            startsAt: new Date().toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: '',
            fingerprint: 'fp-surface-1',
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { alerts: Array<{ result: string; incidentId: string }> };
    expect(body.alerts[0]!.result).toBe('opened');
    expect(deps.store.incidents.get(body.alerts[0]!.incidentId)).toBeDefined();
    await waitFor(() => agent.runner.status().cycles > before, 'a cycle triggered by the alert');
  });
});

async function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
