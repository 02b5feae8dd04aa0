/**
 * Load incidents (cpu_overload, memory_pressure) open on the second check in a row, but as of the first: detected
 * then, with what the agent did on that check — over the real MCP path into a real SQLite store, so the audit and
 * the incident tell the same story and MTTR starts where the problem did. And successRate: null until an incident
 * has ended, never 0 for an incident still open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIncidentTool } from '../../tools/log-incident.js';
import { act } from '../../src/agent/act.js';
import { IncidentTracker } from '../../src/agent/incidents.js';
import type { ToolClient } from '../../src/agent/tool-client.js';
import { connectInProcess } from '../../src/app/agent-link.js';
import { withTool } from '../../src/policy/decision.js';
import type { Finding } from '../../src/policy/findings.js';
import { computeIncidentStats } from '../../src/store/stats.js';
import type { Incident } from '../../src/store/types.js';
import { type SimBackedDeps, startSimDeps } from '../server/harness.js';

let base: SimBackedDeps;
let client: ToolClient;

beforeAll(async () => {
  // maxReplicas 5: the agent's scale-up to 8 below is refused by the server's guardrail, as in the issue.
  base = await startSimDeps({ safety: { maxReplicas: 5 } });
  client = await connectInProcess(base.deps);
});
afterAll(async () => {
  await client?.close();
  await base?.close();
});

const finding = (type: 'cpu_overload' | 'memory_pressure', target: string): Finding => ({
  type,
  severity: 'high',
  kind: 'deployment',
  namespace: 'demo',
  target,
  evidence: { cpuUtilization: 180 },
  message: `${type} on demo/${target}`,
});
const iso = (t: number) => new Date(t).toISOString();

describe('load incidents confirmed on the second check', () => {
  it('are detected as of the first check and carry the action refused on it; MTTR runs from the first check', async () => {
    const tracker = new IncidentTracker(client);
    const overload = finding('cpu_overload', 'nginx-demo');
    // Times in the recent past of the server's (real) clock: checks 30 s apart.
    const t1 = Date.now() - 60_000;
    const t2 = t1 + 30_000;
    const scaleUp = withTool(
      {
        action: 'scale',
        kind: 'deployment',
        namespace: 'demo',
        target: 'nginx-demo',
        severity: 'high',
        findingType: 'cpu_overload',
        reason: 'ScaleUp',
        message: 'scale up',
      },
      { replicas: 8 },
    );
    const refused = await act(client, [scaleUp], { dryRun: false, now: () => t1 + 5 });
    expect(refused).toMatchObject([{ ok: false, tool: 'scale_deployment' }]);
    expect(base.deps.store.audit.list({ tool: 'scale_deployment' })).toMatchObject([{ caller: 'agent', ok: false }]);

    const first = await tracker.sync({ findings: [overload], decisions: [scaleUp], results: refused, now: t1 });
    expect(first.opened).toEqual([]);
    expect(base.deps.store.incidents.list({})).toEqual([]);

    const second = await tracker.sync({ findings: [overload], decisions: [], results: [], now: t2 });
    expect(second.errors).toEqual([]);
    expect(second.opened).toMatchObject([{ type: 'cpu_overload', detectedAt: t1 }]);
    const [inc] = base.deps.store.incidents.list({});
    expect(inc).toMatchObject({
      type: 'cpu_overload',
      detectedAt: iso(t1),
      acknowledgedAt: iso(t1 + 5),
      actions: [{ at: iso(t1 + 5), tool: 'scale_deployment', arguments: { namespace: 'demo', deployment: 'nginx-demo', replicas: 8 }, ok: false }],
    });

    const third = await tracker.sync({ findings: [], decisions: [], results: [], now: Date.now() });
    expect(third.resolved).toHaveLength(1);
    expect(third.resolved[0]!.mttrSeconds).toBeGreaterThanOrEqual(60);
    const resolved = base.deps.store.incidents.get(inc!.id)!;
    expect((Date.parse(resolved.resolvedAt!) - Date.parse(resolved.detectedAt)) / 1000).toBeGreaterThanOrEqual(60);
  });

  it('a load finding seen once is no incident, and what was done on it is not carried to a later sighting', async () => {
    const tracker = new IncidentTracker(client);
    const pressure = finding('memory_pressure', 'other');
    const before = base.deps.store.incidents.list({}).length;
    const t = Date.now() - 120_000;
    await tracker.sync({ findings: [pressure], decisions: [], results: [], now: t });
    await tracker.sync({ findings: [], decisions: [], results: [], now: t + 30_000 });
    const again = await tracker.sync({ findings: [pressure], decisions: [], results: [], now: t + 60_000 });
    expect(again.opened).toEqual([]);
    expect(base.deps.store.incidents.list({})).toHaveLength(before);
    const confirmed = await tracker.sync({ findings: [pressure], decisions: [], results: [], now: t + 90_000 });
    expect(confirmed.opened).toMatchObject([{ detectedAt: t + 60_000 }]);
    expect(base.deps.store.incidents.get(confirmed.opened[0]!.id)).toMatchObject({ detectedAt: iso(t + 60_000), actions: [], acknowledgedAt: null });
  });
});

describe('log_incident times', () => {
  const open = { type: 'cpu_overload', severity: 'high', namespace: 'demo', target: 'web', title: 'hot' } as const;

  it('detectedAt or an action time in the future is refused and records nothing', async () => {
    const before = base.deps.store.incidents.list({}).length;
    const future = iso(Date.now() + 60_000);
    const r = await client.call(logIncidentTool, { ...open, detectedAt: future });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^detectedAt .* is in the future/) });
    const a = await client.call(logIncidentTool, { ...open, action: { tool: 'scale_deployment', ok: true, at: future } });
    expect(a).toMatchObject({ ok: false, error: expect.stringMatching(/^action\.at .* is in the future/) });
    expect(base.deps.store.incidents.list({})).toHaveLength(before);
  });

  it('detectedAt only applies when opening', async () => {
    const created = await client.call(logIncidentTool, open);
    if (!created.ok) throw new Error(created.error);
    const r = await client.call(logIncidentTool, { id: created.value.incident.id, detectedAt: iso(Date.now() - 1000) });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/detectedAt applies only when opening/) });
    expect(base.deps.store.incidents.get(created.value.incident.id)!.detectedAt).toBe(created.value.incident.detectedAt);
  });
});

describe('successRate', () => {
  const T0 = Date.UTC(2026, 0, 1);
  let seq = 0;
  const mk = (outcome: Incident['outcome'], resolvedAfterS?: number): Incident => ({
    id: `inc-${++seq}`,
    type: 'crash_loop',
    severity: 'high',
    namespace: 'demo',
    target: `web-${seq}`,
    title: 't',
    summary: '',
    detectedAt: iso(T0),
    acknowledgedAt: null,
    resolvedAt: resolvedAfterS === undefined ? null : iso(T0 + resolvedAfterS * 1000),
    outcome,
    details: {},
    actions: [],
  });

  it.each([
    { name: 'no incidents', incidents: () => [], want: null },
    { name: 'only an open incident', incidents: () => [mk('open')], want: null },
    { name: 'one resolved, one still open', incidents: () => [mk('resolved', 60), mk('open')], want: 1 },
    {
      name: 'one resolved, one failed, one escalated, one open',
      incidents: () => [mk('resolved', 60), mk('failed'), mk('escalated'), mk('open')],
      want: 0.3333,
    },
    { name: 'only a failed incident', incidents: () => [mk('failed')], want: 0 },
  ])('$name → $want', ({ incidents, want }) => {
    expect(computeIncidentStats(incidents()).successRate).toBe(want);
  });
});
