import { z } from 'zod';
import { listPlans, PlanViewSchema } from '../src/approvals/pending.js';
import { defineTool } from '../src/catalog/define-tool.js';
import { PLAN_STATES } from '../src/store/plans.js';

export const listPlansTool = defineTool({
  name: 'list_plans',
  title: 'List plans awaiting approval',
  description:
    "The agent's plans, newest first: changes waiting for a person (agent.mode approve or recommend) with the exact change, blast radius, risk and why, and the decided ones (approved, rejected, expired, failed) with who decided. Read-only.",
  input: z.object({
    id: z.number().int().positive().optional().describe('one plan'),
    state: z.enum(PLAN_STATES).optional().describe('e.g. pending'),
    limit: z.number().int().positive().max(500).optional().describe('default 50'),
  }),
  output: z.object({ plans: z.array(PlanViewSchema), pending: z.number().int().describe('plans waiting now') }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: (args, { ctx }) => listPlans(ctx, args),
});
