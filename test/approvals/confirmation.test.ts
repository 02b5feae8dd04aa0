/**
 * Server-enforced confirmation (safety.confirmDestructive) against the simulator: REST and an MCP client
 * that cannot elicit get the plan and a handle instead of a change; the handle runs exactly that call;
 * other arguments, a forged handle, or a target that changed meanwhile are refused (the last with the new
 * plan and a new handle). The in-process agent and dry runs are not asked.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectClient, type ConnectedClient, type SimBackedDeps } from '../server/harness.js';
import { call, mountRest, startRestBase, type RestServer } from '../rest/harness.js';

let base: SimBackedDeps;
let server: RestServer;
let mcp: ConnectedClient;
let agent: ConnectedClient;

beforeAll(async () => {
  base = await startRestBase({ safety: { confirmDestructive: true, cooldownSeconds: 0, disruptionWindowSeconds: 0 } });
  server = await mountRest(base);
  mcp = await connectClient(base.deps, 'no-elicitation-client');
  agent = await connectClient({ ...base.deps, caller: 'agent' }, 'sentinelops-agent');
}, 60_000);

afterAll(async () => {
  await mcp?.close();
  await agent?.close();
  await server?.close();
  await base?.close();
});

const restartedAt = async () =>
  (await base.deps.cluster.readDeployment('demo', 'nginx-demo')).spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? null;

it('REST: a destructive call returns the plan and a handle and changes nothing; the handle runs it', async () => {
  const before = await restartedAt();
  const first = await call(server.url, 'POST', '/api/v1/restart', { body: { namespace: 'demo', deployment: 'nginx-demo' } });
  expect(first.status).toBe(403);
  const { handle, plan, expiresAt } = first.json.details.confirmation;
  expect(handle).toMatch(/^c1\./);
  expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
  const replicas = (await base.deps.cluster.readDeployment('demo', 'nginx-demo')).spec?.replicas;
  expect(plan).toMatchObject({
    tool: 'restart_deployment',
    target: 'deployment/demo/nginx-demo',
    blastRadius: { replicas, podsRestarting: replicas, replicaDelta: 0, hourlyCostDelta: 0 },
  });
  expect(plan.change[0].path).toBe('spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]');
  expect(plan.guardrails).toContain('namespace demo: allowed');
  expect(await restartedAt()).toBe(before);

  // Same arguments, other deployment: the handle is not for that call.
  const other = await call(server.url, 'POST', '/api/v1/restart', { body: { namespace: 'demo', deployment: 'other', confirm: handle } });
  expect(other.status).toBe(400);
  expect(other.json.error).toMatch(/does not belong to this restart_deployment call/);
  const forged = await call(server.url, 'POST', '/api/v1/restart', {
    body: { namespace: 'demo', deployment: 'nginx-demo', confirm: `${handle.slice(0, -2)}xx` },
  });
  expect(forged.status).toBe(400);
  expect(await restartedAt()).toBe(before);

  const confirmed = await call(server.url, 'POST', '/api/v1/restart', { body: { namespace: 'demo', deployment: 'nginx-demo', confirm: handle } });
  expect(confirmed.status).toBe(200);
  expect(confirmed.json.message).toMatch(/^done: /);
  expect(await restartedAt()).not.toBe(before);
}, 30_000);

it('refuses a handle whose target changed since the plan, with the new plan and a handle that works', async () => {
  const args = { namespace: 'demo', deployment: 'nginx-demo', dryRun: false };
  const first = await call(server.url, 'POST', '/api/v1/rollback', { body: args });
  expect(first.status).toBe(403);
  const old = first.json.details.confirmation;
  // Someone scales it meanwhile (not destructive, so not asked): resourceVersion moves.
  const scaled = await call(server.url, 'POST', '/api/v1/scale', { body: { namespace: 'demo', deployment: 'nginx-demo', replicas: 4 } });
  expect(scaled.status).toBe(200);
  const stale = await call(server.url, 'POST', '/api/v1/rollback', { body: { ...args, confirm: old.handle } });
  expect(stale.status).toBe(409);
  expect(stale.json.error).toMatch(/deployment\/demo\/nginx-demo changed since the plan was made \(resourceVersion \d+ → \d+\)/);
  const fresh = stale.json.details.confirmation;
  expect(fresh.plan.resourceVersion).not.toBe(old.plan.resourceVersion);
  expect(fresh.plan.blastRadius.replicas).toBe(4);
  const ok = await call(server.url, 'POST', '/api/v1/rollback', { body: { ...args, confirm: fresh.handle } });
  expect(ok.status).toBe(200);
}, 30_000);

it('MCP without elicitation: the same refusal with the handle in the text; the handle runs it', async () => {
  const listed = (await mcp.client.listTools()).tools.find((t) => t.name === 'delete_pod');
  expect(Object.keys(listed!.inputSchema.properties ?? {})).toContain('confirm');
  const message = await mcp.fails('delete_pod', { namespace: 'demo', deployment: 'nginx-demo' });
  expect(message).toMatch(/delete_pod is destructive and needs confirmation: nothing was changed/);
  const handle = /confirm: "([^"]+)"/.exec(message)![1]!;
  const done = await mcp.ok<{ message: string }>('delete_pod', { namespace: 'demo', deployment: 'nginx-demo', confirm: handle });
  expect(done.message).toMatch(/^done: delete pod/);
}, 30_000);

it('does not ask the in-process agent, nor a dry run', async () => {
  const dry = await mcp.ok<{ dryRun: boolean }>('restart_deployment', { namespace: 'demo', deployment: 'nginx-demo', dryRun: true });
  expect(dry.dryRun).toBe(true);
  const done = await agent.ok<{ message: string }>('restart_deployment', { namespace: 'demo', deployment: 'nginx-demo' });
  expect(done.message).toMatch(/^done: /);
}, 30_000);
