/**
 * The state through the server's tools, over the real MCP path into a real SQLite store: log_incident opens
 * idempotently and writes intents, settles and deduplicated holds; agent_state loads and saves with versions;
 * IncidentTracker.adopt rebuilds the open incidents and their pending intents from list_incidents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentStateTool } from '../../tools/agent-state.js';
import { logIncidentTool } from '../../tools/log-incident.js';
import { IncidentTracker } from '../../src/agent/incidents.js';
import type { ToolClient } from '../../src/agent/tool-client.js';
import { connectInProcess } from '../../src/app/agent-link.js';
import { type SimBackedDeps, startSimDeps } from '../server/harness.js';

let base: SimBackedDeps;
let client: ToolClient;
beforeAll(async () => {
  base = await startSimDeps({});
  client = await connectInProcess(base.deps);
});
afterAll(async () => {
  await client?.close();
  await base?.close();
});

const ok = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const crash = {
  type: 'crash_loop',
  severity: 'high' as const,
  namespace: 'demo',
  target: 'mcp-web',
  title: 'mcp-web crash-looping',
  details: { kind: 'deployment' },
};

describe('state over MCP', () => {
  it('log_incident: a second open answers the open incident (created=false); holds count up; an intent settles once', async () => {
    const first = ok(await client.call(logIncidentTool, crash));
    const second = ok(await client.call(logIncidentTool, { ...crash, title: 'again' }));
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, incident: { id: first.incident.id } });
    const id = first.incident.id;
    for (let i = 0; i < 3; i++)
      ok(await client.call(logIncidentTool, { id, hold: { reason: 'Cooldown', message: `retry in ${30 - i}s`, tool: 'restart_deployment' } }));
    const intent = ok(
      await client.call(logIncidentTool, {
        id,
        intent: { tool: 'restart_deployment', arguments: { namespace: 'demo', deployment: 'mcp-web' }, reason: 'CrashLoopRestart', message: 'restart' },
      }),
    );
    expect(intent.entry).toBeGreaterThan(0);
    // Rebuilt by a new tracker, as a restarted agent does: the incident and its pending intent.
    const adopted = await new IncidentTracker(client).adopt();
    expect(adopted.adopted.map((i) => i.id)).toContain(id);
    expect(adopted.pending).toMatchObject([{ entry: intent.entry, tool: 'restart_deployment', incident: { id, key: 'crash_loop:demo/mcp-web' } }]);
    const settled = ok(
      await client.call(logIncidentTool, { id, settle: { entry: intent.entry!, ok: false, reconciled: true, result: { reconciled: 'revision unchanged' } } }),
    );
    const timeline = settled.incident.timeline!;
    expect(timeline.filter((t) => t.kind === 'hold')).toMatchObject([{ reason: 'Cooldown', count: 3, message: 'retry in 28s' }]);
    expect(timeline.find((t) => t.kind === 'intent')).toMatchObject({ state: 'reconciled', ok: false });
    const again = await client.call(logIncidentTool, { id, settle: { entry: intent.entry!, ok: true } });
    expect(again).toMatchObject({ ok: false, error: expect.stringContaining('not a pending intent') });
  });

  it('agent_state: none stored, saved, a stale version refused with the current one', async () => {
    expect(ok(await client.call(agentStateTool, { key: 'mcp-test' }))).toMatchObject({ version: 0, document: null });
    expect(ok(await client.call(agentStateTool, { key: 'mcp-test', save: { document: { a: 1 }, expectedVersion: 0 } }))).toMatchObject({
      saved: true,
      version: 1,
    });
    expect(ok(await client.call(agentStateTool, { key: 'mcp-test', save: { document: { a: 2 }, expectedVersion: 0 } }))).toMatchObject({
      saved: false,
      conflict: true,
      version: 1,
    });
    expect(ok(await client.call(agentStateTool, { key: 'mcp-test' }))).toMatchObject({ version: 1, document: { a: 1 } });
  });
});
