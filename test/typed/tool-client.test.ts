/**
 * Typed tool calls over the real MCP path (SDK client and server on the in-memory transport, the simulator behind
 * client-node) and over the REST invoker: arguments are checked with the tool's input schema before anything is
 * sent, answers are parsed with its output schema, and a server whose answer lost or renamed a field is an error
 * naming the tool and the field, never an `undefined` the agent reasons on.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALL_TOOLS } from '../../tools/index.js';
import { costReportTool } from '../../tools/cost-report.js';
import { agentObservationTool } from '../../tools/agent-observation.js';
import { listPodsTool } from '../../tools/list-pods.js';
import { rollbackDeploymentTool } from '../../tools/rollback-deployment.js';
import { scaleDeploymentTool } from '../../tools/scale-deployment.js';
import { act } from '../../src/agent/act.js';
import { AgentRunner, runnerOptionsFromConfig } from '../../src/agent/runner.js';
import { CLIENT_INFO, type ToolClient, ToolContractError, wrapClient } from '../../src/agent/tool-client.js';
import { connectInProcess } from '../../src/app/agent-link.js';
import { silentLogger } from '../../src/base/log.js';
import type { AnyTool } from '../../src/catalog/define-tool.js';
import type { ServerDeps } from '../../src/catalog/deps.js';
import { createServer } from '../../src/mcp/create-server.js';
import { withTool } from '../../src/policy/decision.js';
import { collectDashboardStats } from '../../src/rest/dashboard-stats.js';
import { createToolInvoker } from '../../src/rest/invoker.js';
import { type SimBackedDeps, startSimDeps } from '../server/harness.js';

let base: SimBackedDeps;
let client: ToolClient;
const opened: ToolClient[] = [];

/**
 * A server of "another version": its list_pods answers restartCount where this build's schema has restarts (the
 * server checks its answers against its own schema, so it sends them).
 */
const renamedListPods = {
  ...listPodsTool,
  output: z.object({ items: z.array(z.record(z.unknown())), truncated: z.boolean() }),
  handler: async (...a: Parameters<typeof listPodsTool.handler>) => {
    const out = await listPodsTool.handler(...a);
    return { ...out, items: out.items.map(({ restarts, ...p }) => ({ ...p, restartCount: restarts })) };
  },
} as unknown as AnyTool;

/** agent_observation (what the agent's monitor reads) with one field of its deployment aggregates renamed. */
const renamedObservation = {
  ...agentObservationTool,
  output: z.object({ groups: z.array(z.record(z.unknown())) }).passthrough(),
  handler: async (...a: Parameters<typeof agentObservationTool.handler>) => {
    const out = await agentObservationTool.handler(...a);
    return { ...out, groups: out.groups.map(({ pods, ...g }) => ({ ...g, podCount: pods })) };
  },
} as unknown as AnyTool;

/** An MCP client of a server built from `tools`, over the SDK's in-memory transport. */
async function clientOf(deps: ServerDeps): Promise<ToolClient> {
  const { server, cleanup } = createServer(deps);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const sdk = new Client(CLIENT_INFO);
  await sdk.connect(clientSide);
  const c = wrapClient(sdk, cleanup);
  opened.push(c);
  return c;
}

beforeAll(async () => {
  base = await startSimDeps({ agent: { namespaces: ['demo'] } });
  client = await connectInProcess(base.deps);
  opened.push(client);
});
afterAll(async () => {
  for (const c of opened) await c.close();
  await base?.close();
});

describe('typed MCP client', () => {
  it('answers are typed and parsed by the tool definition', async () => {
    const r = await client.call(listPodsTool, { namespace: 'demo' });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.items.length).toBeGreaterThan(0);
    for (const p of r.value.items) expect(typeof p.restarts).toBe('number');
  });

  it('a renamed output field is a ToolContractError naming the tool and the field', async () => {
    const other = await clientOf({ ...base.deps, tools: [renamedListPods] });
    const err = await other.call(listPodsTool, { namespace: 'demo' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolContractError);
    expect(err).toMatchObject({ tool: 'list_pods', side: 'output' });
    expect((err as Error).message).toMatch(/^list_pods answered output that does not match its output schema .*: items\.0\.restarts: Required/);
  });

  it('an agent cycle against that server fails naming the tool and field instead of deciding on missing data', async () => {
    const other = await clientOf({ ...base.deps, tools: ALL_TOOLS.map((t) => (t.name === 'agent_observation' ? renamedObservation : t)) });
    const runner = new AgentRunner({ client: other, clock: base.deps.clock, logger: silentLogger(), ...runnerOptionsFromConfig(base.config), summary: null });
    const report = await runner.runCycle({ mode: 'plan' });
    expect(report.error).toMatch(/agent_observation answered output that does not match its output schema .*groups\.0\.pods: Required/);
    expect(report.decisions).toEqual([]);
  });

  it('arguments that break the input schema are refused before anything is sent: nothing audited, nothing changed', async () => {
    const before = base.deps.store.audit.list({ tool: 'scale_deployment' }).length;
    const bad = await client.call(scaleDeploymentTool, { namespace: 'demo', deployment: 'Nginx_Demo', replicas: 2 }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: 'ToolContractError', tool: 'scale_deployment', side: 'arguments' });
    expect((bad as Error).message).toMatch(/^scale_deployment: the arguments do not match its input schema, nothing was sent: deployment: /);
    // An argument the tool does not know would be dropped silently by zod: it is named instead.
    const unknown = { namespace: 'demo', deployment: 'nginx-demo', revision: 1 } as Parameters<typeof client.call<typeof rollbackDeploymentTool>>[1];
    await expect(client.call(rollbackDeploymentTool, unknown)).rejects.toThrow(/rollback_deployment: .*Unrecognized key\(s\) in object: 'revision'/);
    expect(base.deps.store.audit.list({ tool: 'scale_deployment' })).toHaveLength(before);
    expect(base.deps.store.audit.list({ tool: 'rollback_deployment' })).toHaveLength(0);
  });

  it('a tool error (a refusal) is a result, not a throw', async () => {
    const r = await client.call(scaleDeploymentTool, { namespace: 'kube-system', deployment: 'coredns', replicas: 5, dryRun: true });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/kube-system/) });
  });
});

describe('act: a decision becomes a typed call', () => {
  const decision = { kind: 'deployment' as const, namespace: 'demo', target: 'nginx-demo', severity: 'high' as const, message: 'test', reason: 'Test' };

  it('a decision whose arguments break the schema fails alone, naming tool and field; the next one still runs', async () => {
    const bad = withTool({ ...decision, action: 'rollback' }, { toRevision: 'latest' });
    const good = withTool({ ...decision, action: 'scale' }, { replicas: 4 });
    const results = await act(client, [bad, good], { dryRun: true, now: () => base.deps.clock.now() });
    expect(results.map((r) => [r.tool, r.ok])).toEqual([
      ['rollback_deployment', false],
      ['scale_deployment', true],
    ]);
    expect(results[0]).toMatchObject({ transient: false, message: expect.stringMatching(/^rollback_deployment: .*toRevision: Expected number, received nan/) });
    expect(results[1]!.output).toMatchObject({ dryRun: true, target: 'deployment/demo/nginx-demo' });
  });

  it('every mutating action the policy emits reaches its tool definition and passes its input schema', async () => {
    const pods = await client.call(listPodsTool, { namespace: 'demo' });
    if (!pods.ok) throw new Error(pods.error);
    const decisions = [
      withTool({ ...decision, action: 'scale' }, { replicas: 3 }),
      withTool({ ...decision, action: 'restart' }),
      withTool({ ...decision, action: 'delete_pod', kind: 'pod' }, { pod: pods.value.items[0]!.name }),
      withTool({ ...decision, action: 'rollback' }, { toRevision: '1' }),
    ];
    const results = await act(client, decisions, { dryRun: true, now: () => base.deps.clock.now() });
    expect(results.map((r) => r.tool)).toEqual(['scale_deployment', 'restart_deployment', 'delete_pod', 'rollback_deployment']);
    // Answered by the server (a plan, or a guardrail's refusal), never stopped at the contract.
    for (const r of results) expect(r.message).not.toMatch(/input schema|output schema/);
    expect(results.filter((r) => r.ok).map((r) => r.output?.dryRun)).toEqual(results.filter((r) => r.ok).map(() => true));
  });

  it('a real scale is verified on the typed after-state', async () => {
    const results = await act(client, [withTool({ ...decision, action: 'scale' }, { replicas: 4 })], { dryRun: false, now: () => base.deps.clock.now() });
    expect(results[0]).toMatchObject({ ok: true, verification: { ok: true, detail: 'spec.replicas is 4' } });
  });
});

describe('dashboard stats: typed invoke over the REST invoker', () => {
  it('every section is the tool output parsed by its schema, with nothing dropped', async () => {
    const invoker = createToolInvoker(base.deps);
    const stats = await collectDashboardStats(invoker, { namespace: 'demo', now: base.deps.clock.now(), chaosEnabled: false });
    expect(stats.unavailable).toEqual({ agent: expect.stringMatching(/^no agent runs in this server process/) });
    // Parsing strips fields a schema does not declare: the dashboard must see what the tool answers.
    expect(stats.chaos).toEqual(await invoker.invoke('chaos_status', {}));
    expect(stats.stats).toEqual(await invoker.invoke('incident_stats', { namespace: 'demo' }));
    expect(Object.keys(stats.cost!).sort()).toEqual(Object.keys(await invoker.invoke('cost_report', { namespace: 'demo' })).sort());
    expect(Object.keys(stats.savings!).sort()).toEqual(Object.keys(await invoker.invoke('cost_savings', { namespace: 'demo' })).sort());
  });

  it('a tool answering off its schema leaves its section null with the reason naming tool and field; the rest still shows', async () => {
    const offSchema = {
      ...costReportTool,
      handler: async (...a: Parameters<typeof costReportTool.handler>) => {
        const { total: _dropped, ...rest } = await costReportTool.handler(...a);
        return rest;
      },
    } as unknown as AnyTool;
    const invoker = createToolInvoker({ ...base.deps, tools: ALL_TOOLS.map((t) => (t.name === 'cost_report' ? offSchema : t)) });
    const stats = await collectDashboardStats(invoker, { namespace: 'demo', now: base.deps.clock.now(), chaosEnabled: false });
    expect(stats.cost).toBeNull();
    expect(stats.unavailable).toMatchObject({
      cost: expect.stringMatching(/^cost_report answered output that does not match its output schema .*: total: Required/),
    });
    expect(stats.deployments?.map((d) => d.name)).toContain('nginx-demo');
  });
});
