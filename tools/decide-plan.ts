import { z } from 'zod';
import { DecideResultSchema, decidePlan } from '../src/approvals/pending.js';
import { defineTool } from '../src/catalog/define-tool.js';

export const decidePlanTool = defineTool({
  name: 'decide_plan',
  title: 'Approve or reject a plan',
  description:
    'Approve or reject a pending plan (list_plans). approve runs exactly the planned change through the guarded path (guardrails, cooldown, audit) as you: it may restart, remove or roll back pods. Refused when the plan is not pending, has expired, or its target changed since the plan was made. reject changes nothing in the cluster and is recorded on the incident.',
  input: z.object({
    id: z.number().int().positive().describe('the plan id'),
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(500).optional().describe('recorded on the incident'),
  }),
  output: DecideResultSchema,
  // Approving can run any planned change, including a rollback or a pod deletion.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: (args, { ctx }) => decidePlan(ctx, args),
});
