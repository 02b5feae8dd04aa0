import { z } from 'zod';
import { CycleRunSchema } from '../src/ports/agent-control.js';
import { defineTool } from '../src/catalog/define-tool.js';
import { agentOf, assertRunsOn } from './agent-status.js';

export const agentRunCycleTool = defineTool({
  name: 'agent_run_cycle',
  title: 'Run an agent cycle now',
  description:
    "Runs one monitor → analyze → decide → act → verify cycle of the agent in this server now, instead of waiting for its interval. dryRun=true returns the plan (findings, decisions with their reasons, and the server's dry-run answer for each action) and changes and records nothing. Without dryRun the agent acts through the same guarded tools (or only recommends, when the agent itself runs in dry-run mode); a runner that does not hold the leader lease skips. With agent.clusters: `cluster` runs that cluster's runner; without it every cluster's run side by side (`clusters` has each cycle, the top level their union).",
  input: z.object({
    dryRun: z.boolean().optional().describe('true: plan only, nothing is changed or recorded'),
    cluster: z.string().min(1).max(253).optional().describe("run only this cluster's runner (agent.clusters); default: every cluster's"),
  }),
  output: CycleRunSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: async (args, { ctx }) => {
    const agent = agentOf(ctx);
    if (args.cluster !== undefined) assertRunsOn(ctx, args.cluster);
    // A single loop runs on the default cluster: naming it is the same as not naming it.
    const cluster = agent.clusters ? args.cluster : undefined;
    return agent.runCycleJson({ dryRun: args.dryRun === true, trigger: `agent_run_cycle by ${ctx.caller}`, ...(cluster ? { cluster } : {}) });
  },
});
