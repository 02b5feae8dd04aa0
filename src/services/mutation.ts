/**
 * The one path every cluster mutation takes: guardrails → read the state before → (dry-run: return the
 * plan) → claim → apply → settle. Audit first: the claim checks the cooldown and the disruption budget
 * and writes a pending intent row in one atomic store transaction, before the cluster is touched; when
 * that row cannot be written nothing changes and the caller hears why ('unavailable', REST 503). The
 * row is settled with the outcome after. Refusals and dry runs get a settled row of their own.
 */
import type { ServiceContext } from './context.js';
import { isServiceError, ServiceError } from '../base/errors.js';
import { type AuditView, describeStoreFailure } from '../store/index.js';
import { assertCooledDown, assertDisruptionBudget, assertNamespaceAllowed, assertWritable, type Disruption } from './guard.js';

export interface MutationSpec<B, A> {
  tool: string;
  namespace: string;
  /** `kind/namespace/name`: what the cooldown and the audit log key on */
  target: string;
  /** the key once the state before is known (a pod named by the caller → its deployment) */
  targetOf?: (before: B) => string;
  arguments: Record<string, unknown>;
  /** per-call dry-run; the configured safety.dryRun forces it on */
  dryRun?: boolean;
  /** which way the change goes (scale up/down): the cooldown holds a scale-up for less (guard.cooldownSecondsFor) */
  direction?: (before: B) => 'up' | 'down' | undefined;
  /** checks that need no cluster read (replica bounds...) */
  validate?: () => void;
  /** reads the state before; may refuse (e.g. nothing to roll back to) */
  before: () => Promise<B>;
  /** the pods of a deployment this change deletes or crashes, held to a budget per window */
  disruption?: (before: B) => Disruption | undefined;
  /** a one-line description of what apply would do */
  plan: (before: B) => string;
  apply: (before: B) => Promise<A>;
}

export interface MutationResult<B, A> {
  dryRun: boolean;
  target: string;
  message: string;
  before: B;
  /** absent in dry-run */
  after?: A;
  /** the change's audit row: the undo handle undo_action takes (absent in dry-run) */
  auditId?: number;
}

/** The store could not record something a change needs recorded first. */
class StoreUnavailable extends ServiceError {}

export async function runMutation<B, A>(ctx: ServiceContext, spec: MutationSpec<B, A>): Promise<MutationResult<B, A>> {
  const dryRun = ctx.config.safety.dryRun || spec.dryRun === true;
  let before: B | undefined;
  let target = spec.target;
  let intent: number | undefined;
  try {
    assertWritable(ctx.config);
    assertNamespaceAllowed(ctx.config, spec.namespace);
    spec.validate?.();
    before = await spec.before();
    const known = before;
    target = spec.targetOf?.(known) ?? spec.target;
    const disruption = spec.disruption?.(known);
    const guard = (view: AuditView) => {
      const now = ctx.clock.now();
      assertCooledDown(ctx.config, view, target, spec.tool, now, { direction: spec.direction?.(known) });
      if (disruption) assertDisruptionBudget(ctx.config, view, disruption, now);
    };
    const plan = spec.plan(known);
    if (dryRun) {
      await writeOrRefuse(() => ctx.store.state.audit.inspect(guard, ctx.clusterName), 'read the audit log');
      await writeOrRefuse(() => audit(ctx, spec, target, { before: known, ok: true, dryRun, disruption }), 'record the dry run');
      return { dryRun, target, message: `dry run: would ${plan}; nothing was changed`, before: known };
    }
    intent = await writeOrRefuse(
      async () =>
        (
          await ctx.store.state.audit.claim(
            {
              cluster: ctx.clusterName,
              caller: ctx.caller,
              tool: spec.tool,
              target,
              arguments: spec.arguments,
              before: known,
              at: ctx.clock.now(),
              workload: disruption?.workload,
              pods: disruption?.pods,
            },
            guard,
          )
        ).id,
      'record the intent',
    );
    const after = await spec.apply(known);
    const settled = await settle(ctx, spec, intent, { ok: true, after });
    ctx.logger.info({ tool: spec.tool, target, caller: ctx.caller }, plan);
    return {
      dryRun,
      target,
      message: `done: ${plan}${settled ? '' : `; its audit row #${intent} could not be settled and stays pending`}`,
      before: known,
      after,
      auditId: intent,
    };
  } catch (err) {
    const message = isServiceError(err) ? err.message : `unexpected failure: ${(err as Error)?.message ?? String(err)}`;
    if (intent !== undefined) await settle(ctx, spec, intent, { ok: false, error: message });
    // When the store itself refused, another write would fail the same way.
    else if (!(err instanceof StoreUnavailable)) await tryAudit(ctx, spec, target, { before, ok: false, error: message, dryRun });
    if (!isServiceError(err)) ctx.logger.error({ err, tool: spec.tool, target }, 'mutation failed');
    // A bug stays a bug (the MCP adapter and REST report it as one), not "unavailable, retry".
    throw err;
  }
}

/** Runs a store write a change depends on; its failure refuses the change with the cause. */
export async function writeOrRefuse<T>(write: () => T | Promise<T>, what: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isServiceError(err)) throw err; // a guardrail refusal from inside the claim
    const cause = describeStoreFailure(err);
    throw new StoreUnavailable('unavailable', `could not ${what} in the audit log, so nothing was changed: ${cause}`, { cause });
  }
}

async function settle<B, A>(ctx: ServiceContext, spec: MutationSpec<B, A>, id: number, s: { ok: boolean; after?: A; error?: string }): Promise<boolean> {
  try {
    return await ctx.store.state.audit.settle(id, s);
  } catch (err) {
    ctx.logger.error({ err, tool: spec.tool, audit: id }, `the audit row stays pending: ${describeStoreFailure(err)}`);
    return false;
  }
}

/** A settled row for a call that changed nothing; losing it must not hide the refusal itself. */
async function tryAudit<B, A>(ctx: ServiceContext, spec: MutationSpec<B, A>, target: string, r: AuditRow<B, A>): Promise<void> {
  try {
    await audit(ctx, spec, target, r);
  } catch (err) {
    ctx.logger.warn({ err, tool: spec.tool, target }, `refusal not audited: ${describeStoreFailure(err)}`);
  }
}

interface AuditRow<B, A> {
  before: B | undefined;
  after?: A;
  ok: boolean;
  error?: string;
  dryRun: boolean;
  disruption?: Disruption;
}

async function audit<B, A>(ctx: ServiceContext, spec: MutationSpec<B, A>, target: string, r: AuditRow<B, A>): Promise<void> {
  await ctx.store.state.audit.record({
    cluster: ctx.clusterName,
    caller: ctx.caller,
    tool: spec.tool,
    target,
    arguments: spec.arguments,
    before: r.before,
    after: r.after,
    ok: r.ok,
    error: r.error,
    dryRun: r.dryRun,
    at: ctx.clock.now(),
    workload: r.disruption?.workload,
    pods: r.disruption?.pods,
  });
}
