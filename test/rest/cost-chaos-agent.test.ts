/**
 * The REST endpoints over the cost, chaos and agent tools, over real HTTP against the simulator: a valid
 * call and its effect, a bad call and its 400, and the guardrail answers (chaos off → 403, no agent → 503).
 * The 401 of every endpoint without a token is in api.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentRunner, runnerOptionsFromConfig } from '../../src/agent/runner.js';
import type { ToolClient } from '../../src/agent/tool-client.js';
import { connectInProcess } from '../../src/app/agent-link.js';
import { silentLogger } from '../../src/base/log.js';
import { eventually, type SimBackedDeps } from '../server/harness.js';
import { call, mountRest, startRestBase, type RestServer } from './harness.js';

let base: SimBackedDeps;
let chaosOff: RestServer;
let chaosOn: RestServer;
let withAgent: RestServer;
let client: ToolClient;
let runner: AgentRunner;

beforeAll(async () => {
  base = await startRestBase({ agent: { leaderElection: { enabled: false } } });
  chaosOff = await mountRest(base);
  chaosOn = await mountRest(base, { chaos: { enabled: true } });
  client = await connectInProcess(base.deps);
  // not started: cycles run only when asked, so the test decides when the agent acts
  runner = new AgentRunner({ client, clock: base.deps.clock, logger: silentLogger(), ...runnerOptionsFromConfig(base.config), summary: null });
  withAgent = await mountRest(base);
  // attached after the server is built, as `serve --agent` and `demo` do
  withAgent.deps.agent = runner;
});
afterAll(async () => {
  await chaosOff?.close();
  await chaosOn?.close();
  await withAgent?.close();
  await runner?.stop();
  await client?.close();
  await base?.close();
});

function expect400(r: { status: number; json: any }, field: string) {
  expect(r.status).toBe(400);
  expect(r.json.issues.map((i: { path: string }) => i.path)).toContain(field);
}

describe('cost', () => {
  it('GET /cost/current prices the running pods; a bad limit is 400', async () => {
    const r = await call(chaosOff.url, 'GET', '/api/v1/cost/current', { query: { namespace: 'demo' } });
    expect(r.status).toBe(200);
    expect(r.json.total.monthly).toBeGreaterThan(0);
    expect(r.json.deployments.map((d: { name: string }) => d.name)).toContain('nginx-demo');
    expect400(await call(chaosOff.url, 'GET', '/api/v1/cost/current', { query: { limit: 0 } }), 'limit');
  });

  it('GET /cost/breakdown splits cost per namespace and deployment; a bad deployment name is 400', async () => {
    const r = await call(chaosOff.url, 'GET', '/api/v1/cost/breakdown');
    expect(r.status).toBe(200);
    expect(r.json.namespaces.map((n: { namespace: string }) => n.namespace)).toContain('demo');
    const row = r.json.deployments.find((d: { name: string }) => d.name === 'nginx-demo');
    expect(Object.keys(row).sort()).toEqual(['cpuHourly', 'hourly', 'idleHourly', 'idleMonthly', 'memoryHourly', 'monthly', 'name', 'namespace', 'replicas']);
    expect(row.cpuHourly + row.memoryHourly).toBeCloseTo(row.hourly, 4);
    expect400(await call(chaosOff.url, 'GET', '/api/v1/cost/breakdown', { query: { namespace: 'demo', deployment: 'Bad_Name' } }), 'deployment');
  });

  it('GET /cost/savings compares with a static baseline; a negative window is 400', async () => {
    const r = await call(chaosOff.url, 'GET', '/api/v1/cost/savings', { query: { windowHours: 1, baselineReplicas: 10 } });
    expect(r.status).toBe(200);
    expect(r.json.windowHours).toBe(1);
    expect(r.json.assumptions.length).toBeGreaterThan(0);
    expect400(await call(chaosOff.url, 'GET', '/api/v1/cost/savings', { query: { windowHours: -1 } }), 'windowHours');
  });

  it('GET /cost/recommendations right-sizes from usage; headroom below 1 is 400', async () => {
    const r = await call(chaosOff.url, 'GET', '/api/v1/cost/recommendations', { query: { namespace: 'demo' } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(expect.objectContaining({}));
    expect400(await call(chaosOff.url, 'GET', '/api/v1/cost/recommendations', { query: { headroom: 0.5 } }), 'headroom');
  });
});

describe('chaos', () => {
  it('with chaos off, /simulate/* are refused with 403 and /chaos/status says how to enable it', async () => {
    const r = await call(chaosOff.url, 'POST', '/api/v1/simulate/crash', { query: { deployment: 'nginx-demo' } });
    expect(r.status).toBe(403);
    expect(r.json.error).toMatch(/chaos experiments are disabled/);
    const status = await call(chaosOff.url, 'GET', '/api/v1/chaos/status');
    expect(status.json).toMatchObject({ enabled: false, howToEnable: expect.any(String) });
  });

  it('POST /simulate/crash?deployment= crashes one pod, which restarts; a bad name is 400', async () => {
    const r = await call(chaosOn.url, 'POST', '/api/v1/simulate/crash', { query: { deployment: 'nginx-demo' } });
    expect(r.status).toBe(200);
    expect(r.json.after).toMatchObject({ kind: 'pod_crash', namespace: 'demo', target: 'nginx-demo' });
    const [crashed] = r.json.before.selected as string[];
    await eventually(async () => {
      const pods = (await call(chaosOn.url, 'GET', '/api/v1/pods', { query: { namespace: 'demo' } })).json.items as { name: string; restarts: number }[];
      return pods.find((p) => p.name === crashed && p.restarts > 0);
    });
    expect400(await call(chaosOn.url, 'POST', '/api/v1/simulate/crash', { query: { deployment: 'Nginx Demo' } }), 'deployment');
  });

  it('POST /simulate/cpu_spike?duration=300 runs a 300 s experiment; a bad duration is 400', async () => {
    const r = await call(chaosOn.url, 'POST', '/api/v1/simulate/cpu_spike', { query: { deployment: 'nginx-demo', duration: 300 } });
    expect(r.status).toBe(200);
    expect(r.json.after.kind).toBe('cpu_spike');
    expect(Date.parse(r.json.after.expiresAt) - Date.parse(r.json.after.startedAt)).toBe(300_000);
    const status = await call(chaosOn.url, 'GET', '/api/v1/chaos/status');
    expect(status.json.active.map((e: { id: string }) => e.id)).toContain(r.json.after.id);
    expect400(await call(chaosOn.url, 'POST', '/api/v1/simulate/cpu_spike', { query: { deployment: 'nginx-demo', duration: 'long' } }), 'durationSeconds');
  });

  it('POST /simulate/cascade crashes a counted share of pods; a share above 1 is 400', async () => {
    const r = await call(chaosOn.url, 'POST', '/api/v1/simulate/cascade', { body: { deployment: 'nginx-demo', count: 1, dry_run: true } });
    expect(r.status).toBe(200);
    expect(r.json.dryRun).toBe(true);
    expect(r.json.before.selected).toHaveLength(1);
    expect400(await call(chaosOn.url, 'POST', '/api/v1/simulate/cascade', { query: { deployment: 'nginx-demo', share: 2 } }), 'share');
  });

  it('POST /simulate/cleanup ends the running experiments; GET /chaos/status shows none; bad ids and limits are 400', async () => {
    const r = await call(chaosOn.url, 'POST', '/api/v1/simulate/cleanup');
    expect(r.status).toBe(200);
    expect(r.json.ended.map((e: { kind: string }) => e.kind)).toContain('cpu_spike');
    const status = await call(chaosOn.url, 'GET', '/api/v1/chaos/status', { query: { limit: 5 } });
    expect(status.json).toMatchObject({ enabled: true, active: [] });
    expect(status.json.recent.length).toBeGreaterThan(0);
    expect400(await call(chaosOn.url, 'POST', '/api/v1/simulate/cleanup', { query: { id: 'everything' } }), 'id');
    expect400(await call(chaosOn.url, 'GET', '/api/v1/chaos/status', { query: { limit: 0 } }), 'limit');
  });
});

describe('agent', () => {
  it('GET /agent/status describes the agent in this server; without one it is 503', async () => {
    const r = await call(withAgent.url, 'GET', '/api/v1/agent/status');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ running: false, leader: true, policy: 'sentinelops', cycles: 0 });
    const none = await call(chaosOff.url, 'GET', '/api/v1/agent/status');
    expect(none.status).toBe(503);
    expect(none.json.error).toMatch(/no agent runs in this server/);
  });

  it('POST /agent/run_cycle?dry_run=true plans a cycle and changes nothing; a bad flag is 400', async () => {
    // A planned action may leave a dry-run audit row (the server audits every call); none may be a change.
    const changes = () => base.deps.store.audit.list({}).filter((e) => !e.dryRun).length;
    const audit = changes();
    const r = await call(withAgent.url, 'POST', '/api/v1/agent/run_cycle', { query: { dry_run: true } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ mode: 'plan', cycle: 1 });
    expect(Array.isArray(r.json.findings)).toBe(true);
    expect(changes()).toBe(audit);
    expect400(await call(withAgent.url, 'POST', '/api/v1/agent/run_cycle', { query: { dryRun: 'maybe' } }), 'dryRun');
  });
});
