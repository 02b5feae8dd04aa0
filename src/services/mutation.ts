/**
 * The one path every cluster mutation takes: guardrails → read the state before → (dry-run: return the
 * plan) → apply → read the state after, with an audit row written in every case, refusals included.
 */
import type { ServiceContext } from './context.js';
import { isServiceError, ServiceError } from '../base/errors.js';
import { assertCooledDown, assertNamespaceAllowed, assertWritable } from './guard.js';

export interface MutationSpec<B, A> {
  tool: string;
  namespace: string;
  /** `kind/namespace/name`: what the cooldown and the audit log key on */
  target: string;
  arguments: Record<string, unknown>;
  /** per-call dry-run; the configured safety.dryRun forces it on */
  dryRun?: boolean;
  /** checks that need no cluster read (replica bounds...) */
  validate?: () => void;
  /** reads the state before; may refuse (e.g. nothing to roll back to) */
  before: () => Promise<B>;
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
}

export async function runMutation<B, A>(ctx: ServiceContext, spec: MutationSpec<B, A>): Promise<MutationResult<B, A>> {
  const dryRun = ctx.config.safety.dryRun || spec.dryRun === true;
  let before: B | undefined;
  try {
    assertWritable(ctx.config);
    assertNamespaceAllowed(ctx.config, spec.namespace);
    spec.validate?.();
    before = await spec.before();
    assertCooledDown(ctx.config, ctx.store, spec.target, spec.tool, ctx.clock.now());
    const plan = spec.plan(before);
    if (dryRun) {
      audit(ctx, spec, { before, ok: true, dryRun });
      return { dryRun, target: spec.target, message: `dry run: would ${plan}; nothing was changed`, before };
    }
    const after = await spec.apply(before);
    audit(ctx, spec, { before, after, ok: true, dryRun });
    ctx.logger.info({ tool: spec.tool, target: spec.target, caller: ctx.caller }, plan);
    return { dryRun, target: spec.target, message: `done: ${plan}`, before, after };
  } catch (err) {
    const message = isServiceError(err) ? err.message : `unexpected failure: ${(err as Error)?.message ?? String(err)}`;
    audit(ctx, spec, { before, ok: false, error: message, dryRun });
    if (!isServiceError(err)) ctx.logger.error({ err, tool: spec.tool, target: spec.target }, 'mutation failed');
    throw isServiceError(err) ? err : new ServiceError('unavailable', message);
  }
}

function audit<B, A>(
  ctx: ServiceContext,
  spec: MutationSpec<B, A>,
  r: { before: B | undefined; after?: A; ok: boolean; error?: string; dryRun: boolean },
): void {
  ctx.store.audit.record({
    caller: ctx.caller,
    tool: spec.tool,
    target: spec.target,
    arguments: spec.arguments,
    before: r.before,
    after: r.after,
    ok: r.ok,
    error: r.error,
    dryRun: r.dryRun,
    at: ctx.clock.now(),
  });
}
