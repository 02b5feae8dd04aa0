/**
 * Undo of a change by its audit row (the `auditId` every successful mutation returns). The previous state
 * comes from the row's `before`: a scale goes back to the replica count before; a restart or a rollback
 * goes back to the pod template of the revision before (a rollback to that revision). The undo is itself
 * a change through the same services, so it is guarded (namespace, cooldown, bounds) and audited like any
 * other, plus an `undo_action` row naming the row it undid.
 *
 * Refused, saying why: a row that is not a successful change, a change that cannot be reversed (a deleted
 * pod is gone; its deployment made a new one), and a change that is no longer the newest on its target
 * (undo the later ones first, or the undo would silently throw them away too).
 */
import { z } from 'zod';
import { ServiceError } from '../base/errors.js';
import type { ServiceContext } from '../services/context.js';
import { rollbackDeployment } from '../services/rollback.js';
import { scaleDeployment } from '../services/scale.js';
import type { AuditEntry } from '../store/index.js';

export const UndoResultSchema = z.object({
  undone: z.number().int().describe('the audit row that was undone'),
  tool: z.string().describe('the tool whose change was undone'),
  target: z.string(),
  dryRun: z.boolean(),
  message: z.string(),
  auditId: z.number().int().optional().describe('the audit row of the undo itself (absent in a dry run)'),
});
export type UndoResult = z.infer<typeof UndoResultSchema>;

const IMPOSSIBLE: Record<string, string> = {
  delete_pod: 'a deleted pod cannot be restored (its deployment, if any, has already created a replacement with a new name)',
  chaos_pod_crash: 'a crash cannot be taken back; chaos_cleanup ends running experiments',
  chaos_cascade: 'crashes cannot be taken back; chaos_cleanup ends running experiments',
  chaos_cpu_spike: 'end the spike with chaos_cleanup instead',
  chaos_cleanup: 'ended experiments are not restarted',
};

export async function undoAction(ctx: ServiceContext, input: { id: number; dryRun?: boolean }): Promise<UndoResult> {
  const row = ctx.store.audit.get(input.id);
  if (!row) throw new ServiceError('not_found', `audit row ${input.id} not found; a change's auditId is its undo handle`);
  const what = `audit row ${row.id} (${row.tool} on ${row.target ?? 'no target'})`;
  if (row.dryRun || !row.ok || row.pending || row.tool === 'undo_action')
    throw new ServiceError(
      'conflict',
      `${what} is not a completed change (${row.dryRun ? 'a dry run' : row.pending ? 'its outcome was never recorded' : row.tool === 'undo_action' ? 'an undo record; undo the change it made instead' : `it failed: ${row.error ?? 'refused'}`}); nothing to undo`,
    );
  const impossible = IMPOSSIBLE[row.tool];
  if (impossible) throw new ServiceError('refused', `cannot undo ${what}: ${impossible}; nothing was changed`);
  const later = ctx.store.audit
    .list({ target: row.target ?? undefined, limit: 50 })
    .filter((r) => r.id > row.id && r.ok && !r.dryRun && !r.pending && r.tool !== 'undo_action');
  if (later.length)
    throw new ServiceError(
      'conflict',
      `cannot undo ${what}: ${row.target} changed after it (${later.map((r) => `#${r.id} ${r.tool}`).join(', ')}); undo the newest change first. Nothing was changed.`,
    );
  const args = row.arguments as { namespace?: string; deployment?: string };
  const namespace = args.namespace ?? ctx.config.cluster.defaultNamespace;
  const deployment = args.deployment;
  if (!deployment) throw new ServiceError('refused', `cannot undo ${what}: it names no deployment; nothing was changed`);
  const result = await reverse(ctx, row, namespace, deployment, input.dryRun);
  if (!result.dryRun) {
    try {
      ctx.store.audit.record({
        caller: ctx.caller,
        tool: 'undo_action',
        target: row.target ?? undefined,
        arguments: { id: row.id },
        before: { undone: row.id, tool: row.tool },
        after: { auditId: result.auditId },
        ok: true,
        at: ctx.clock.now(),
      });
    } catch (err) {
      // The change itself is audited (its own row); only the link between the two is lost.
      ctx.logger.warn({ err, undone: row.id }, 'undo done but its undo_action row could not be written');
    }
  }
  return { undone: row.id, tool: row.tool, target: row.target ?? '', dryRun: result.dryRun, message: result.message, auditId: result.auditId };
}

async function reverse(ctx: ServiceContext, row: AuditEntry, namespace: string, deployment: string, dryRun?: boolean) {
  const before = (row.before ?? {}) as { replicas?: number; revision?: number | null };
  switch (row.tool) {
    case 'scale_deployment':
      if (typeof before.replicas !== 'number') break;
      return scaleDeployment(ctx, { namespace, deployment, replicas: before.replicas, dryRun });
    case 'restart_deployment':
    case 'rollback_deployment':
      if (typeof before.revision !== 'number') break;
      return rollbackDeployment(ctx, { namespace, deployment, toRevision: before.revision, dryRun });
    default:
      throw new ServiceError(
        'refused',
        `cannot undo audit row ${row.id}: undo knows scale_deployment, restart_deployment and rollback_deployment, not ${row.tool}; nothing was changed`,
      );
  }
  throw new ServiceError('refused', `cannot undo audit row ${row.id}: it does not record the state before the change; nothing was changed`);
}
