import { z } from 'zod';
import { undoAction, UndoResultSchema } from '../src/approvals/undo.js';
import { defineTool } from '../src/catalog/define-tool.js';
import { dryRunArg } from './schemas.js';

export const undoActionTool = defineTool({
  name: 'undo_action',
  title: 'Undo a change',
  description:
    "Restore the state before a change, by the change's auditId (its undo handle): a scale goes back to the replica count before, a restart or rollback back to the pod template of the revision before. Guarded and audited like any change. Refused, saying why, when undo is impossible (a deleted pod, chaos), when the row is not a completed change, or when the target changed again since (undo the newest first). dryRun=true returns the plan only.",
  input: z.object({
    id: z.number().int().positive().describe('the auditId a mutating tool returned'),
    dryRun: dryRunArg,
  }),
  output: UndoResultSchema,
  // Destructive: undoing a scale-up removes pods, undoing a restart or rollback rolls every pod again.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: (args, { ctx }) => undoAction(ctx, args),
});
