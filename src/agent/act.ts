/**
 * The act step: each decision that names a tool becomes one MCP tool call, in decision order and one at a time
 * (the server's cooldowns and the cluster see them in a defined order, which keeps rehearsals reproducible).
 * In dry-run every call carries dryRun=true: the server checks its guardrails and answers with the plan, and
 * nothing changes — the "would have done" record.
 */
import type { Decision, ToolName } from '../policy/decision.js';
import type { ToolClient } from './tool-client.js';
import { type Verification, verifyResult } from './verify.js';

export interface ActionResult {
  /** Epoch ms (the injected clock) when the call was made. */
  at: number;
  decision: Decision;
  tool: ToolName;
  arguments: Record<string, unknown>;
  ok: boolean;
  dryRun: boolean;
  /** The server's one-line answer: "done: scale ...", "dry run: would ...", or the refusal. */
  message: string;
  /** The tool's structured output when it succeeded. */
  output?: Record<string, unknown>;
  /** Refusals the server expects to lift by themselves (a cooldown): not a failed remedy. */
  transient: boolean;
  verification?: Verification;
}

export async function act(client: ToolClient, decisions: readonly Decision[], opts: { dryRun: boolean; now: () => number }): Promise<ActionResult[]> {
  const out: ActionResult[] = [];
  for (const d of decisions) {
    if (!d.tool || !d.arguments) continue;
    const args = opts.dryRun ? { ...d.arguments, dryRun: true } : { ...d.arguments };
    const at = opts.now();
    const r = await client.call(d.tool, args);
    if (r.ok) {
      const result: ActionResult = {
        at,
        decision: d,
        tool: d.tool,
        arguments: d.arguments,
        ok: true,
        dryRun: opts.dryRun,
        message: String(r.value.message ?? ''),
        output: r.value,
        transient: false,
      };
      result.verification = opts.dryRun ? undefined : verifyResult(result);
      out.push(result);
    } else {
      out.push({
        at,
        decision: d,
        tool: d.tool,
        arguments: d.arguments,
        ok: false,
        dryRun: opts.dryRun,
        message: r.error,
        transient: /cooldown|retry in/i.test(r.error),
      });
    }
  }
  return out;
}
