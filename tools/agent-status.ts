import { z } from 'zod';
import { AgentStatusSchema } from '../src/ports/agent-control.js';
import { defineTool } from '../src/catalog/define-tool.js';
import { ServiceError } from '../src/base/errors.js';

export const agentStatusTool = defineTool({
  name: 'agent_status',
  title: 'Autonomous agent status',
  description:
    'State of the autonomous agent running in this server (serve --agent): whether it loops and holds the leader lease, its policy, interval and dry-run mode, the last cycle (findings, decisions, actions and their results) and the incidents it has open. Errors when no agent runs in this server process; list_incidents shows what an agent elsewhere recorded.',
  input: z.object({}),
  output: AgentStatusSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (_args, { ctx }) => {
    if (!ctx.agent)
      throw new ServiceError(
        'unavailable',
        'no agent runs in this server process; start it with `sentinelops-mcp serve --agent` (or run `sentinelops-mcp agent`); list_incidents shows what an agent recorded',
      );
    return ctx.agent.status();
  },
});
