/**
 * A crash loop with no recent change, rehearsed on the real MCP server and the simulator (demo/scenarios/crashloop.yaml:
 * every pod of demo/web, spread over three nodes, loops from 5 to 9 min and again from 15 min): the cause is shared by
 * all pods, so no rolling restart at all, and one escalation per loop carrying the evidence — the previous
 * container's logs and the pod's events — fetched through the tools.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CycleReport } from '../../src/agent/runner.js';
import { rehearse } from '../../src/rehearsal/rehearse.js';
import { loadScenarioFile } from '../../src/rehearsal/scenario.js';

describe('crash loop with no recent change', () => {
  it('every pod looping on several nodes: never restarted, escalated once per loop with logs and events', async () => {
    const scenario = await loadScenarioFile(join(import.meta.dirname, '../../demo/scenarios/crashloop.yaml'));
    const cycles: CycleReport[] = [];
    const { report, startedAt } = await rehearse(scenario, { onCycle: (c) => cycles.push(c) });
    expect(report.actions.filter((a) => a.tool === 'restart_deployment' || a.tool === 'delete_pod')).toEqual([]);
    const escalations = cycles.flatMap((c) => c.decisions).filter((d) => d.action === 'escalate' && d.findingType === 'crash_loop');
    expect(escalations.map((d) => d.reason)).toEqual(['CrashLoopSharedCause', 'CrashLoopSharedCause']);
    const escalation = cycles
      .filter((c) => c.startedAt - startedAt >= 15 * 60_000)
      .flatMap((c) => c.decisions)
      .find((d) => d.reason === 'CrashLoopSharedCause');
    expect(escalation).toBeDefined();
    expect(escalation!.evidence?.join('\n')).toMatch(/logs of web-\S+'s previous container/);
    expect(escalation!.evidence?.join('\n')).toMatch(/recent events of web-/);
    expect(escalation!.message).toContain('Evidence:');
  });
});
