/**
 * agent.mode on the real-time simulator, the agent an MCP client of the server: in approve mode a bad rollout
 * becomes one pending rollback plan (held on the incident, nothing changes however many cycles pass) until a
 * person approves it over REST; in recommend mode nothing changes and the decision is recorded on the incident.
 */
import { afterEach, expect, it } from 'vitest';
import { R } from '../../src/sim/resources.js';
import { outboxOf } from '../../src/store/outbox.js';
import { startWorld, until, type World } from '../agent-runner/helpers.js';
import { call, mountRest, type RestServer } from '../rest/harness.js';

let world: World | undefined;
let server: RestServer | undefined;
afterEach(async () => {
  await server?.close();
  await world?.close();
  server = undefined;
  world = undefined;
});

const image = (w: World) => w.sim.store.get(R.deployments, 'demo', 'nginx-demo')?.spec?.template?.spec?.containers?.[0]?.image;
const notify = {
  baseUrl: 'https://sentinelops.example.com',
  sinks: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'webhook-secret-0123456789' }],
};

async function setUp(mode: 'approve' | 'recommend') {
  world = await startWorld({ agent: { mode }, notify });
  const w = world;
  server = await mountRest({ sim: w.sim as never, deps: w.runtime.deps, config: w.config, close: async () => {} });
  const { runner, cycles } = await w.runner();
  runner.start();
  await until(() => cycles.length >= 2, 10_000, 'two baseline cycles');
  w.sim.faults.inject({ fault: 'bad-image-rollout', deployment: 'demo/nginx-demo' });
  expect(image(w)).toBe('nginx:does-not-exist');
  return { w, runner, cycles, url: server.url };
}

const realRollbacks = (w: World) => w.runtime.deps.store.audit.list({ tool: 'rollback_deployment' }).filter((a) => !a.dryRun);

it('approve: the rollback waits as one plan, held on the incident and notified; approval over REST runs it', async () => {
  const { w, runner, cycles, url } = await setUp('approve');
  const pending = async () => (await call(url, 'GET', '/api/v1/plans', { query: { state: 'pending' } })).json.plans as Record<string, any>[];
  const [plan] = await until(
    async () => {
      const p = await pending();
      return p.length ? p : undefined;
    },
    20_000,
    'a pending plan',
  );
  expect(plan).toMatchObject({ tool: 'rollback_deployment', risk: 'high', source: 'agent', arguments: { namespace: 'demo', deployment: 'nginx-demo' } });
  expect(plan!.incidentId).toEqual(expect.any(String));
  // More cycles decide the same rollback: still one plan, and nothing changed.
  const seen = cycles.length;
  await until(() => cycles.length >= seen + 3, 15_000, 'three more cycles');
  expect((await pending()).map((p) => p.id)).toEqual([plan!.id]);
  expect(image(w)).toBe('nginx:does-not-exist');
  expect(realRollbacks(w)).toEqual([]);
  const incident = w.runtime.deps.store.incidents.get(plan!.incidentId)!;
  const holds = (incident.timeline ?? []).filter((e) => e.kind === 'hold' && e.reason === 'AwaitingApproval');
  expect(holds).toHaveLength(1);
  expect(holds[0]!.message).toBe(`awaiting approval (plan #${plan!.id})`);
  expect(holds[0]!.count).toBeGreaterThan(1);
  expect(incident.timeline?.filter((e) => e.kind === 'intent' && e.tool === 'rollback_deployment')).toEqual([]);
  const events = outboxOf(w.runtime.deps.store, () => Date.now())
    .list({ limit: 100 })
    .filter((r) => r.kind === 'approval_needed');
  expect(events).toHaveLength(1);
  expect(events[0]!.event).toMatchObject({
    severity: 'high',
    approval: { id: String(plan!.id), approveUrl: expect.stringContaining(`/plans/${plan!.id}/signed/approve?`) },
  });

  await runner.stop();
  const approved = await call(url, 'POST', `/api/v1/plans/${plan!.id}/approve`);
  expect(approved.status).toBe(200);
  expect(image(w)).toBe('nginx:1.27');
  expect(realRollbacks(w)).toMatchObject([{ caller: 'rest', ok: true }]);
  const after = w.runtime.deps.store.incidents.get(plan!.incidentId)!;
  expect(after.actions.at(-1)).toMatchObject({
    tool: 'rollback_deployment',
    ok: true,
    reason: expect.stringMatching(new RegExp(`^plan #${plan!.id} approved by rest`)),
  });
}, 60_000);

it('recommend: nothing changes; the decision is recorded on the incident and offered as a plan', async () => {
  const { w, cycles, url } = await setUp('recommend');
  const plan = await until(
    async () => {
      const p = (await call(url, 'GET', '/api/v1/plans')).json.plans as Record<string, any>[];
      return p.find((x) => x.tool === 'rollback_deployment');
    },
    20_000,
    'a recommended plan',
  );
  expect(plan).toMatchObject({ source: 'agent-recommend', state: 'pending' });
  const seen = cycles.length;
  await until(() => cycles.length >= seen + 2, 15_000, 'two more cycles');
  expect(image(w)).toBe('nginx:does-not-exist');
  expect(realRollbacks(w)).toEqual([]);
  const incident = w.runtime.deps.store.incidents.get(plan.incidentId)!;
  expect(incident.details.wouldHaveDone).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ tool: 'rollback_deployment', message: expect.stringMatching(new RegExp(`^recommended \\(plan #${plan.id}\\)`)) }),
    ]),
  );
  expect(incident.timeline?.find((e) => e.kind === 'hold' && e.reason === 'Recommended')?.message).toBe(`recommended (plan #${plan.id})`);
  expect(incident.actions).toEqual([]);
}, 60_000);
