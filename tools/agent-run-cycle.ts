import { z } from 'zod';
import { CycleJsonSchema } from '../src/ports/agent-control.js';
import { defineTool } from '../src/catalog/define-tool.js';
import { ServiceError } from '../src/base/errors.js';

export const agentRunCycleTool = defineTool({
  name: 'agent_run_cycle',
  title: 'Run an agent cycle now',
  description:
    "Runs one monitor → analyze → decide → act → verify cycle of the agent in this server now, instead of waiting for its interval. dryRun=true returns the plan (findings, decisions with their reasons, and the server's dry-run answer for each action) and changes and records nothing. Without dryRun the agent acts through the same guarded tools (or only recommends, when the agent itself runs in dry-run mode); a runner that does not hold the leader lease skips.",
  input: z.object({ dryRun: z.boolean().optional().describe('true: plan only, nothing is changed or recorded') }),
  output: CycleJsonSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: async (args, { ctx }) => {
    if (!ctx.agent) throw new ServiceError('unavailable', 'no agent runs in this server process; start it with `sentinelops-mcp serve --agent`');
    return ctx.agent.runCycleJson({ dryRun: args.dryRun === true, trigger: `agent_run_cycle by ${ctx.caller}` });
  },
});
