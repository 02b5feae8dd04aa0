/**
 * agent_status and agent_run_cycle through a real MCP client: the server answers about the agent running in its
 * process; a dry-run cycle returns the plan and changes and records nothing.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../src/mcp/create-server.js';
import { R } from '../../src/sim/resources.js';
import { type World, startWorld, until } from './helpers.js';

let world: World | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  await world?.close();
  world = cleanup = undefined;
});

async function operator(w: World, withAgent: boolean) {
  const { runner, cycles } = await w.runner();
  const created = createServer({ ...w.runtime.deps, ...(withAgent ? { agent: runner } : {}) });
  const client = new Client({ name: 'operator', version: '1' });
  const [c, s] = InMemoryTransport.createLinkedPair();
  await created.server.connect(s);
  await client.connect(c);
  cleanup = async () => {
    await client.close();
    await created.cleanup();
  };
  const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { runner, cycles, call };
}

describe('agent tools', () => {
  it('agent_run_cycle dryRun returns the plan and changes nothing; agent_status reports the agent', async () => {
    world = await startWorld();
    const { runner, call } = await operator(world, true);
    await runner.runCycle();
    world.sim.faults.inject({ fault: 'bad-image-rollout', deployment: 'demo/nginx-demo' });
    // Wait until the new pods show the pull error, then ask for a plan.
    const plan = await until(
      async () => {
        const r = await call('agent_run_cycle', { dryRun: true });
        expect(r.isError).toBeFalsy();
        const c = r.structuredContent as {
          decisions: { action: string; tool: string | null; arguments: Record<string, unknown> }[];
          results: { dryRun: boolean; message: string }[];
          mode: string;
          incidents: unknown;
        };
        return c.decisions.some((d) => d.action === 'rollback') ? c : undefined;
      },
      20_000,
      'a rollback in the plan',
    );
    expect(plan.mode).toBe('plan');
    expect(plan.incidents).toBeNull();
    expect(plan.decisions.find((d) => d.action === 'rollback')).toMatchObject({
      tool: 'rollback_deployment',
      arguments: { namespace: 'demo', deployment: 'nginx-demo', toRevision: 1 },
    });
    expect(plan.results).toMatchObject([{ dryRun: true }]);
    expect(plan.results[0]!.message).toMatch(/^dry run: would/);
    expect(world.sim.store.get(R.deployments, 'demo', 'nginx-demo')?.spec?.template?.spec?.containers?.[0]?.image).toBe('nginx:does-not-exist');
    expect(world.runtime.deps.store.incidents.list({})).toEqual([]);

    const status = (await call('agent_status')).structuredContent as Record<string, unknown>;
    expect(status).toMatchObject({
      running: false,
      leader: true,
      policy: 'sentinelops',
      dryRun: false,
      intervalSeconds: 1,
      namespaces: ['demo'],
      cycles: expect.any(Number),
    });
    expect((status.lastCycle as { mode: string }).mode).toBe('act');

    // Acting for real through the tool: the rollback happens and is audited as the agent's.
    const acted = (await call('agent_run_cycle', {})).structuredContent as { results: { tool: string; ok: boolean }[] };
    expect(acted.results).toMatchObject([{ tool: 'rollback_deployment', ok: true }]);
    expect(world.runtime.deps.store.audit.list({ tool: 'rollback_deployment' }).filter((a) => !a.dryRun)).toMatchObject([{ caller: 'agent', ok: true }]);
  });

  it('without an agent in the process both tools say how to start one', async () => {
    world = await startWorld();
    const { call } = await operator(world, false);
    for (const name of ['agent_status', 'agent_run_cycle']) {
      const r = await call(name);
      expect(r.isError).toBe(true);
      expect(JSON.stringify(r.content)).toMatch(/serve --agent/);
    }
  });
});
