/**
 * Pending plans end to end on the simulator: proposed over MCP (as the agent does), listed and decided over MCP
 * and REST, and through the signed links of the approval_needed notification. Approval runs the change through
 * the guarded path audited as the approver; rejection, an expired plan and a target changed since the plan change
 * nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkLink, signedPath } from '../../src/approvals/links.js';
import type { Config } from '../../src/config/schema.js';
import { outboxOf } from '../../src/store/outbox.js';
import { call, mountRest, type RestServer, startRestBase } from '../rest/harness.js';
import { type ConnectedClient, connectClient, type SimBackedDeps } from '../server/harness.js';

let base: SimBackedDeps;
let server: RestServer;
let agent: ConnectedClient;
let alice: ConnectedClient;
const NS = 'demo';
const DEP = 'nginx-demo';
const restart = { tool: 'restart_deployment', arguments: { namespace: NS, deployment: DEP }, reason: 'CrashLoop: restart it', mode: 'approve' };

beforeAll(async () => {
  base = await startRestBase({
    agent: { mode: 'approve' },
    notify: {
      baseUrl: 'https://sentinelops.example.com',
      // Never reached in this test: the outbox row is what is checked.
      sinks: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'webhook-secret-0123456789' }],
    },
  });
  server = await mountRest(base);
  agent = await connectClient(server.deps, 'agent');
  alice = await connectClient(server.deps, 'alice');
}, 60_000);
afterAll(async () => {
  await agent?.close();
  await alice?.close();
  await server?.close();
  await base?.close();
});

const restartedAt = async () => (await base.deps.cluster.readDeployment(NS, DEP)).spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
const approvalEvents = () =>
  outboxOf(base.deps.store, () => Date.now())
    .list({ limit: 100 })
    .filter((r) => r.kind === 'approval_needed')
    .map((r) => r.event as { key: string; approval: { id: string; approveUrl: string; rejectUrl: string } });
const local = (link: string) => link.replace('https://sentinelops.example.com', server.url);

it('a low-risk change needs no approval; a medium one becomes one plan, notified once with signed links', async () => {
  const up = await agent.ok<{ held: boolean; risk: string }>('propose_plan', {
    ...restart,
    tool: 'scale_deployment',
    arguments: { namespace: NS, deployment: DEP, replicas: ((await base.deps.cluster.readDeployment(NS, DEP)).spec?.replicas ?? 0) + 1 },
  });
  expect(up).toMatchObject({ held: false, risk: 'low' });

  const first = await agent.ok<{ held: boolean; planId: number; created: boolean; risk: string }>('propose_plan', restart);
  expect(first).toMatchObject({ held: true, created: true, risk: 'medium' });
  const again = await agent.ok<{ planId: number; created: boolean }>('propose_plan', restart);
  expect(again).toMatchObject({ planId: first.planId, created: false });

  const events = approvalEvents().filter((e) => e.approval.id === String(first.planId));
  expect(events).toHaveLength(1);
  expect(events[0]!.approval.approveUrl).toMatch(new RegExp(`^https://sentinelops.example.com/api/v1/plans/${first.planId}/signed/approve\\?exp=\\d+&sig=`));

  const listed = await call(server.url, 'GET', '/api/v1/plans', { query: { state: 'pending' } });
  expect(listed.status).toBe(200);
  expect(listed.json.plans).toHaveLength(1);
  expect(listed.json.plans[0]).toMatchObject({
    id: first.planId,
    tool: 'restart_deployment',
    risk: 'medium',
    plan: { target: `deployment/${NS}/${DEP}`, blastRadius: { podsRestarting: expect.any(Number) } },
  });
}, 30_000);

it('reject over MCP changes nothing and is audited as the person', async () => {
  const before = await restartedAt();
  const [plan] = (await alice.ok<{ plans: { id: number }[] }>('list_plans', { state: 'pending' })).plans;
  const r = await alice.ok('decide_plan', { id: plan!.id, decision: 'reject', comment: 'not now' });
  expect(r).toMatchObject({ state: 'rejected', decidedBy: 'alice' });
  expect(await restartedAt()).toBe(before);
  expect(base.deps.store.audit.list({ tool: 'decide_plan', limit: 1 })[0]).toMatchObject({
    caller: 'alice',
    ok: true,
    arguments: { id: plan!.id, decision: 'reject' },
  });
  expect(await alice.fails('decide_plan', { id: plan!.id, decision: 'approve' })).toMatch(/is rejected \(by alice\), not pending/);
  expect(base.deps.store.audit.list({ tool: 'restart_deployment' }).filter((a) => !a.dryRun)).toEqual([]);
});

it('a target changed since the plan is refused; approval over REST runs it, audited as the approver', async () => {
  const { planId } = await agent.ok<{ planId: number }>('propose_plan', restart);
  const current = (await base.deps.cluster.readDeployment(NS, DEP)).spec?.replicas ?? 3;
  // Someone changes the deployment's spec meanwhile.
  expect((await call(server.url, 'POST', '/api/v1/scale', { body: { namespace: NS, deployment: DEP, replicas: current + 1 } })).status).toBe(200);
  const before = await restartedAt();
  const refused = await call(server.url, 'POST', `/api/v1/plans/${planId}/approve`);
  expect(refused.status).toBe(409);
  expect(refused.json.error).toMatch(
    new RegExp(`deployment/${NS}/${DEP} changed since plan #${planId} was made \\(generation \\d+ → generation \\d+\\); nothing was changed`),
  );
  expect(await restartedAt()).toBe(before);
  expect((await call(server.url, 'POST', `/api/v1/plans/${planId}/reject`)).json).toMatchObject({ state: 'rejected', decidedBy: 'rest' });

  const fresh = await agent.ok<{ planId: number }>('propose_plan', restart);
  expect(fresh.planId).toBeGreaterThan(planId);
  const ok = await call(server.url, 'POST', `/api/v1/plans/${fresh.planId}/approve`, { body: { comment: 'go' } });
  expect(ok.status).toBe(200);
  expect(ok.json).toMatchObject({ state: 'approved', decidedBy: 'rest', auditId: expect.any(Number) });
  expect(await restartedAt()).not.toBe(before);
  expect(base.deps.store.audit.get(ok.json.auditId)).toMatchObject({ tool: 'restart_deployment', caller: 'rest', ok: true, dryRun: false });
  const twice = await call(server.url, 'POST', `/api/v1/plans/${fresh.planId}/approve`);
  expect(twice.status).toBe(409);
}, 30_000);

it('signed links: a tampered or expired link is refused; the valid one shows a page, and its form approves as the named person', async () => {
  const { planId } = await agent.ok<{ planId: number }>('propose_plan', { ...restart, tool: 'delete_pod', arguments: { namespace: NS, deployment: DEP } });
  const event = approvalEvents().find((e) => e.approval.id === String(planId))!;
  const link = local(event.approval.approveUrl);

  const tampered = await fetch(link.replace(/sig=./, (m) => (m.endsWith('A') ? 'sig=B' : 'sig=A')));
  expect(tampered.status).toBe(403);
  expect(await tampered.text()).toMatch(/signature is not valid/);
  // The approve signature does not reject, and vice versa.
  const swapped = await fetch(link.replace('/signed/approve', '/signed/reject'));
  expect(swapped.status).toBe(403);
  const expired = await fetch(server.url + signedPath(server.deps.config, planId, 'approve', Date.now() - 1000));
  expect(expired.status).toBe(410);

  const page = await fetch(link);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(`Approve plan #${planId}?`);
  expect(html).toContain('<form method="post">');
  expect(base.deps.store.audit.list({ tool: 'delete_pod' }).filter((a) => !a.dryRun)).toEqual([]); // opening decides nothing

  const u = new URL(link);
  const form = new URLSearchParams({ exp: u.searchParams.get('exp')!, sig: u.searchParams.get('sig')!, by: 'carol' });
  const forged = await fetch(`${u.origin}${u.pathname}`, {
    method: 'POST',
    body: new URLSearchParams({ exp: form.get('exp')!, sig: 'x'.repeat(43), by: 'mallory' }),
  });
  expect(forged.status).toBe(403);
  const done = await fetch(`${u.origin}${u.pathname}`, { method: 'POST', body: form });
  expect(done.status).toBe(200);
  expect(await done.text()).toMatch(new RegExp(`Plan #${planId} approved`));
  expect(base.deps.store.audit.list({ tool: 'delete_pod', limit: 1 })[0]).toMatchObject({ caller: 'signed-link (carol, as given)', ok: true, dryRun: false });
  // The link is single-use in effect: the plan is no longer pending.
  expect((await fetch(`${u.origin}${u.pathname}`, { method: 'POST', body: form })).status).toBe(409);
}, 30_000);

it('an expired plan cannot be approved', async () => {
  const config = server.deps.config as Config;
  const ttl = config.agent.approval.ttlSeconds;
  config.agent.approval.ttlSeconds = 1; // below the schema's minimum, for the test only
  try {
    const { planId } = await agent.ok<{ planId: number }>('propose_plan', { ...restart, tool: 'rollback_deployment' }).catch(async () => {
      // No earlier revision to roll back to on a fresh app: plan a restart instead.
      return agent.ok<{ planId: number }>('propose_plan', restart);
    });
    await new Promise((r) => setTimeout(r, 1_200));
    const r = await call(server.url, 'POST', `/api/v1/plans/${planId}/approve`);
    expect(r.status).toBe(409);
    expect(r.json.error).toMatch(new RegExp(`plan #${planId} is expired`));
    expect((await call(server.url, 'GET', '/api/v1/plans', { query: { id: planId } })).json.plans[0]).toMatchObject({ state: 'expired' });
  } finally {
    config.agent.approval.ttlSeconds = ttl;
  }
}, 30_000);

it('checkLink: valid, tampered, other plan, expired, incomplete', () => {
  const cfg = { agent: { approval: { linkSecret: 'a-shared-secret-0123' } } } as Config;
  const now = 1_800_000_000_000;
  const path = signedPath(cfg, 7, 'approve', now + 60_000);
  const q = new URL(`http://x${path}`).searchParams;
  const [exp, sig] = [q.get('exp')!, q.get('sig')!];
  expect(checkLink(cfg, 7, 'approve', exp, sig, now)).toEqual({ ok: true });
  expect(checkLink(cfg, 8, 'approve', exp, sig, now)).toMatchObject({ ok: false, status: 403 });
  expect(checkLink(cfg, 7, 'approve', String(Number(exp) + 60), sig, now)).toMatchObject({ ok: false, status: 403 });
  expect(checkLink(cfg, 7, 'approve', exp, sig, now + 61_000)).toMatchObject({ ok: false, status: 410 });
  expect(checkLink(cfg, 7, 'approve', undefined, sig, now)).toMatchObject({ ok: false, status: 403 });
  const other = { agent: { approval: { linkSecret: 'another-secret-012345' } } } as Config;
  expect(checkLink(other, 7, 'approve', exp, sig, now)).toMatchObject({ ok: false, status: 403 });
});
