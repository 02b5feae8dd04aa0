/**
 * A confirmed load incident records why the agent did not scale, even when the reason is routine for a healthy
 * deployment ("stays at 3: utilization over 2 ready pods → 3"); an unconfirmed one writes nothing, and its hold
 * lands on no other incident of the target. Over the real MCP path into a real SQLite store, as the agent writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentTracker } from '../../src/agent/incidents.js';
import { holdsOf } from '../../src/agent/runner.js';
import type { ToolClient } from '../../src/agent/tool-client.js';
import { connectInProcess } from '../../src/app/agent-link.js';
import type { Decision } from '../../src/policy/decision.js';
import type { Finding } from '../../src/policy/findings.js';
import { emptyHistory } from '../../src/policy/history.js';
import { DEFAULT_POLICY } from '../../src/policy/settings.js';
import { getIncidentTool } from '../../tools/get-incident.js';
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

const subject = { kind: 'deployment' as const, namespace: 'demo', target: 'holds-web' };
const overload: Finding = { ...subject, type: 'cpu_overload', severity: 'high', evidence: {}, message: 'CPU usage (91.0% of request) exceeds threshold (80%)' };
const crash: Finding = { ...subject, type: 'crash_loop', severity: 'high', evidence: {}, message: '1 pod(s) of demo/holds-web are in CrashLoopBackOff' };
/** The scaling decision when the calculation lands on the current size (unready pods left out of the ratio). */
const stays: Decision = {
  ...subject,
  action: 'none',
  reason: 'Calculated',
  message: 'demo/holds-web stays at 3: utilization 130.0% of request (target 100%) over 2 ready pods → 3',
  findingType: 'cpu_overload',
  severity: 'high',
};

const timeline = async (id: string) => {
  const r = await client.call(getIncidentTool, { id });
  if (!r.ok) throw new Error(r.error);
  return r.value.timeline ?? [];
};

describe('holds on load incidents', () => {
  it('a routine reason not to scale is a hold on the confirmed load incident, and on no other incident before that', async () => {
    const tracker = new IncidentTracker(client);
    const holds = holdsOf([stays], emptyHistory(), DEFAULT_POLICY, Date.now());
    expect(holds.map((h) => h.decision.reason)).toEqual(['Calculated']);

    // First sighting: the overload is not an incident yet; the crash loop on the same target is.
    const first = await tracker.prepare({ findings: [overload, crash], decisions: [stays], now: Date.now() });
    expect(first.opened.map((i) => i.type)).toEqual(['crash_loop']);
    await tracker.intend({ decisions: [], holds }, first);
    expect((await timeline(first.opened[0]!.id)).filter((t) => t.kind === 'hold')).toEqual([]);

    // Second sighting: confirmed; the same decision is written on it.
    const second = await tracker.prepare({ findings: [overload, crash], decisions: [stays], now: Date.now() });
    const load = second.opened.find((i) => i.type === 'cpu_overload')!;
    expect(load).toBeDefined();
    await tracker.intend({ decisions: [], holds }, second);
    await tracker.intend({ decisions: [], holds }, second);
    expect((await timeline(load.id)).filter((t) => t.kind === 'hold')).toMatchObject([{ reason: 'Calculated', count: 2, message: stays.message }]);
    expect((await timeline(first.opened[0]!.id)).filter((t) => t.kind === 'hold')).toEqual([]);
  });

  it('a routine reason on a deployment without a load finding is no hold', () => {
    const idle: Decision = { ...stays, findingType: undefined, reason: 'WithinThresholds', message: 'CPU 50.0% is within [30%, 80%]' };
    expect(holdsOf([idle], emptyHistory(), DEFAULT_POLICY, Date.now())).toEqual([]);
  });
});
