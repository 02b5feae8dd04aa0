/**
 * Server-enforced confirmation of destructive calls (safety.confirmDestructive). A client that can ask
 * its user (MCP elicitation) is asked by the MCP adapter as before. Any other caller (REST, a client
 * without elicitation, a client that switched prompts off) gets no change: the call answers with the
 * plan and a confirmation handle, and only the same call with `confirm: <handle>` runs it.
 *
 * The handle is `c1.<expiresAtMs>.<resourceVersion>.<hmac>`, the HMAC-SHA256 (a per-process secret, or
 * safety.confirmationSecret shared by replicas) over the tool, its arguments and the target's
 * resourceVersion at planning time. Other arguments, another tool, a forged or expired handle are refused;
 * a target that changed since the plan (another resourceVersion) is refused with the new plan and a new
 * handle, so what runs is what the person saw.
 *
 * The in-process agent is not asked: its changes are governed by agent.mode, not by per-call prompts.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ServiceError } from '../base/errors.js';
import type { AnyTool, ToolCall } from '../catalog/define-tool.js';
import type { Config } from '../config/schema.js';
import { buildPlan, resourceVersionOf, targetOf, type Plan } from './plan.js';

export const CONFIRMATION_TTL_MS = 5 * 60_000;

const confirmArg = z
  .string()
  .max(400)
  .optional()
  .describe('the confirmation handle a previous call of this tool returned with its plan; the same arguments run that plan');

/** Stable JSON (sorted keys) so the same arguments always sign the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export class ConfirmationHandles {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs = CONFIRMATION_TTL_MS,
  ) {}

  private mac(tool: string, args: Record<string, unknown>, rv: string, expires: number): string {
    return createHmac('sha256', this.secret)
      .update(`${tool}\n${canonical(args)}\n${rv}\n${expires}`)
      .digest('base64url');
  }

  mint(tool: string, args: Record<string, unknown>, rv: string, now: number): { handle: string; expiresAt: string } {
    const expires = now + this.ttlMs;
    return { handle: `c1.${expires}.${encodeURIComponent(rv)}.${this.mac(tool, args, rv, expires)}`, expiresAt: new Date(expires).toISOString() };
  }

  /** The resourceVersion the handle was minted for; throws when the handle is not one for this call or expired. */
  check(handle: string, tool: string, args: Record<string, unknown>, now: number): { rv: string; expired: boolean } {
    const m = /^c1\.(\d+)\.([^.]*)\.([A-Za-z0-9_-]+)$/.exec(handle);
    const rv = m ? decodeURIComponent(m[2]!) : '';
    const expected = m ? Buffer.from(this.mac(tool, args, rv, Number(m[1]))) : Buffer.alloc(0);
    const given = Buffer.from(m?.[3] ?? '');
    if (!m || expected.length !== given.length || !timingSafeEqual(expected, given))
      throw new ServiceError(
        'invalid',
        `the confirmation handle does not belong to this ${tool} call (other arguments, another tool, or not issued by this server); nothing was changed. Call without confirm to get a plan and a handle.`,
      );
    return { rv, expired: Number(m[1]) < now };
  }
}

/** What the caller needs to confirm: also in the error's details (REST answers them as JSON). */
function confirmationRequired(reason: string, plan: Plan, minted: { handle: string; expiresAt: string }, code: 'refused' | 'conflict'): ServiceError {
  return new ServiceError(
    code,
    `${reason}: nothing was changed. Plan: ${JSON.stringify(plan)}. To run exactly this plan, call ${plan.tool} again with the same arguments and confirm: "${minted.handle}" (valid until ${minted.expiresAt}).`,
    { confirmation: { handle: minted.handle, expiresAt: minted.expiresAt, plan } },
  );
}

/**
 * Wraps the destructive tools that have a dry run (their plan comes from it) with the handle check;
 * their input gains `confirm`. Other tools, and every tool when confirmDestructive is off, are unchanged.
 */
export function withConfirmationHandles(tools: readonly AnyTool[], config: Pick<Config, 'safety'>, secret: Buffer = randomBytes(32)): AnyTool[] {
  if (!config.safety.confirmDestructive) return [...tools];
  const handles = new ConfirmationHandles(secret);
  return tools.map((tool) => {
    if (!tool.annotations.destructiveHint || !('dryRun' in tool.input.shape)) return tool;
    return {
      ...tool,
      input: tool.input.extend({ confirm: confirmArg }),
      handler: async (args: Record<string, unknown>, call: ToolCall) => {
        const { confirm, ...rest } = args;
        if (rest.dryRun === true || call.canElicit || call.inProcessAgent) return tool.handler(rest, call);
        const { ctx } = call;
        const now = ctx.clock.now();
        const planNow = async () => {
          const dry = (await tool.handler({ ...rest, dryRun: true }, call)) as { message?: string; before?: unknown };
          return buildPlan(ctx, tool.name, rest, dry);
        };
        if (typeof confirm !== 'string') {
          const plan = await planNow();
          throw confirmationRequired(
            `${tool.name} is destructive and needs confirmation`,
            plan,
            handles.mint(tool.name, rest, plan.resourceVersion, now),
            'refused',
          );
        }
        const { rv, expired } = handles.check(confirm, tool.name, rest, now);
        const current = await resourceVersionOf(ctx, targetOf(ctx, rest));
        if (expired || current !== rv) {
          const plan = await planNow();
          const why = expired ? 'the confirmation handle has expired' : `${plan.target} changed since the plan was made (resourceVersion ${rv} → ${current})`;
          throw confirmationRequired(why, plan, handles.mint(tool.name, rest, plan.resourceVersion, now), 'conflict');
        }
        return tool.handler(rest, call);
      },
    } as AnyTool;
  });
}

/**
 * The plan as text for an elicitation prompt (a client that can ask its user): what changes, the blast
 * radius and the guardrails. Made from the tool's own dry run; when that is refused, the reason instead.
 */
export async function planText(tool: AnyTool, args: Record<string, unknown>, call: ToolCall): Promise<string> {
  if (!('dryRun' in tool.input.shape)) return `arguments: ${JSON.stringify(args)}`;
  try {
    const { confirm: _c, ...rest } = args;
    const dry = (await tool.handler({ ...rest, dryRun: true }, call)) as { message?: string; before?: unknown };
    const p = await buildPlan(call.ctx, tool.name, rest, dry);
    const b = p.blastRadius;
    return [
      p.summary,
      `change: ${p.change.map((c) => `${c.path}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join('; ')}`,
      `blast radius: ${b.podsRestarting} pod(s) restart, ${b.podsRemoved} removed, replicas ${b.replicas ?? '?'} (${b.replicaDelta >= 0 ? '+' : ''}${b.replicaDelta}), cost ${b.hourlyCostDelta >= 0 ? '+' : ''}${b.hourlyCostDelta}/h`,
      `guardrails: ${p.guardrails.join('; ')}`,
    ].join('\n');
  } catch (err) {
    return `arguments: ${JSON.stringify(args)} (no plan: ${(err as Error).message})`;
  }
}
