import { z } from 'zod';
import { PLAN_TOOLS, ProposeResultSchema, proposePlan } from '../src/approvals/pending.js';
import { defineTool } from '../src/catalog/define-tool.js';

export const proposePlanTool = defineTool({
  name: 'propose_plan',
  title: 'Propose a change for approval',
  description:
    "Used by the agent in approve and recommend modes. Plans a change (the tool's dry run: guardrails checked, nothing changes), rates its risk from the action and its blast radius, and, at or above agent.approval.minRisk (recommend: always), stores it as a pending plan — one per target and tool — with a hold on the incident and an approval_needed notification. Answers held=false when no approval is needed. Never changes the cluster.",
  input: z.object({
    tool: z.enum(PLAN_TOOLS),
    arguments: z.record(z.unknown()).describe("the change's arguments, as the tool takes them"),
    reason: z.string().max(2000).describe('why the change is wanted'),
    mode: z.enum(['approve', 'recommend']),
    incident: z
      .object({ type: z.string().max(100), namespace: z.string().max(253), target: z.string().max(253) })
      .optional()
      .describe('the open incident the change answers (the hold is recorded there)'),
  }),
  output: ProposeResultSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => proposePlan(ctx, args),
});
