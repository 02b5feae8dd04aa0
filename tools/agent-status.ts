import { z } from 'zod';
import { AgentStatusWithClustersSchema } from '../src/ports/agent-control.js';
import { defineTool } from '../src/catalog/define-tool.js';
import { ServiceError } from '../src/base/errors.js';
import type { ServiceContext } from '../src/services/context.js';
import { compactJson } from '../src/catalog/render-text.js';

export const agentStatusTool = defineTool({
  name: 'agent_status',
  title: 'Autonomous agent status',
  description:
    'State of the autonomous agent running in this server (serve --agent): whether it loops and holds the leader lease, its policy, interval and dry-run mode, the last cycle (findings, decisions, actions and their results) and the incidents it has open. With agent.clusters (one loop and one Lease per cluster) `clusters` lists every cluster runner: reachable, leader, last cycle, last error; `cluster` picks the runner detailed at the top level. Errors when no agent runs in this server process; list_incidents shows what an agent elsewhere recorded.',
  input: z.object({
    cluster: z.string().min(1).max(253).optional().describe("the cluster whose runner is detailed (agent.clusters); default: the first one's"),
  }),
  output: AgentStatusWithClustersSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, { ctx }) => {
    const agent = agentOf(ctx);
    if (args.cluster !== undefined) assertRunsOn(ctx, args.cluster);
    const status = agent.status(args.cluster === undefined ? {} : { cluster: args.cluster });
    if (!status.clusters || !ctx.clusters) return status;
    // Reachability from the registry's probe: bounded (2 s) and reused for a few seconds, so a dead cluster costs one probe.
    const probes = new Map((await ctx.clusters.describe(status.clusters.map((c) => c.cluster))).map((p) => [p.name, p]));
    return {
      ...status,
      clusters: status.clusters.map((c) => {
        const p = probes.get(c.cluster);
        return { ...c, reachable: p?.reachable ?? null, ...(p && !p.reachable && p.error ? { unreachableReason: p.error } : {}) };
      }),
    };
  },
  render: (out) => {
    if (!out.clusters) return compactJson(out);
    const head = `agent ${out.running ? 'running' : 'stopped'}, ${out.leader ? 'leader' : 'standby'}, policy ${out.policy}${out.dryRun ? ', dry-run' : ''}, ${out.cycles} cycle(s), ${out.openIncidents.length} open incident(s)`;
    // One line per cluster first (what a model scans for a dead cluster), then the whole answer.
    return [
      head,
      ...out.clusters.map(
        (c) =>
          `  ${c.cluster}: ${c.reachable === false ? `UNREACHABLE (${c.unreachableReason ?? 'no answer'})` : c.reachable ? 'reachable' : 'reachability unknown'}, ${c.leader ? 'leader' : 'standby'}, ${c.cycles} cycle(s)` +
          `${c.lastCycleAt ? `, last ${c.lastCycleAt}` : ''}${c.lastError ? `, error: ${c.lastError}` : c.lastSkipped ? `, skipped: ${c.lastSkipped}` : ''}, ${c.openIncidents} open`,
      ),
      compactJson(out),
    ].join('\n');
  },
});

export function agentOf(ctx: ServiceContext) {
  if (!ctx.agent)
    throw new ServiceError(
      'unavailable',
      'no agent runs in this server process; start it with `sentinelops-mcp serve --agent` (or run `sentinelops-mcp agent`); list_incidents shows what an agent recorded',
    );
  return ctx.agent;
}

/** A named cluster must be one the agent loops over: the default one when it runs a single loop. */
export function assertRunsOn(ctx: ServiceContext, cluster: string): void {
  const names = ctx.agent?.clusters?.() ?? [ctx.clusters?.defaultName ?? 'default'];
  if (!names.includes(cluster))
    throw new ServiceError('invalid', `the agent runs no loop for cluster "${cluster}"; it watches ${names.join(', ')} (agent.clusters). Nothing was changed.`);
}
