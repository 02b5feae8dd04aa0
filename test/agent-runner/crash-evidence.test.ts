/**
 * A crash loop with no recent change, rehearsed on the real MCP server and the simulator (demo/scenarios/crashloop.yaml,
 * a persistent loop from 15 min): at most one rolling restart per loop, then one escalation carrying the evidence —
 * the previous container's logs and the pod's events — fetched through the tools.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CycleReport } from '../../src/agent/runner.js';
import { rehearse } from '../../src/rehearsal/rehearse.js';
import { loadScenarioFile } from '../../src/rehearsal/scenario.js';

describe('crash loop with no recent change', () => {
  it('restarted at most once per loop, then escalated with logs and events', async () => {
    const scenario = await loadScenarioFile(join(import.meta.dirname, '../../demo/scenarios/crashloop.yaml'));
    const cycles: CycleReport[] = [];
    const { report, startedAt } = await rehearse(scenario, { onCycle: (c) => cycles.push(c) });
    const persistent = report.actions.filter((a) => a.tool === 'restart_deployment' && a.at >= 15 * 60);
    expect(persistent.length).toBeLessThanOrEqual(1);
    const escalation = cycles
      .filter((c) => c.startedAt - startedAt >= 15 * 60_000)
      .flatMap((c) => c.decisions)
      .find((d) => d.reason === 'CrashLoopNeedsHuman');
    expect(escalation).toBeDefined();
    expect(escalation!.evidence?.join('\n')).toMatch(/logs of web-\S+'s previous container/);
    expect(escalation!.evidence?.join('\n')).toMatch(/recent events of web-/);
    expect(escalation!.message).toContain('Evidence:');
  });
});
