/**
 * The act step: each decision that names a tool becomes one MCP tool call, in decision order and one at a time
 * (the server's cooldowns and the cluster see them in a defined order, which keeps rehearsals reproducible).
 * In dry-run every call carries dryRun=true: the server checks its guardrails and answers with the plan, and
 * nothing changes — the "would have done" record.
 *
 * The pure policy names tools as data (ToolName, arguments); this is where a name becomes a typed call on the
 * tool's definition, so the arguments meet its input schema and the answer is read through its output schema.
 */
import { deletePodTool } from '../../tools/delete-pod.js';
import { proposePlanTool } from '../../tools/propose-plan.js';
import { restartDeploymentTool } from '../../tools/restart-deployment.js';
import { rollbackDeploymentTool } from '../../tools/rollback-deployment.js';
import { scaleDeploymentTool } from '../../tools/scale-deployment.js';
import type { ToolContract } from '../catalog/tool-contract.js';
import type { Decision, ToolName } from '../policy/decision.js';
import { type Result, type ToolArgs, type ToolClient, ToolContractError } from './tool-client.js';
import { type Verification, verifyDelete, verifyRestart, verifyRollback, verifyScale } from './verify.js';

/** What every mutating tool answers (tools/schemas.ts mutationOutput). */
export interface MutationAnswer {
  dryRun: boolean;
  target: string;
  message: string;
  before: unknown;
  after?: unknown;
}

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
  output?: MutationAnswer;
  /** Refusals the server expects to lift by themselves (a cooldown): not a failed remedy. */
  transient: boolean;
  verification?: Verification;
  /** agent.mode approve / recommend: the plan this decision waits in (nothing was done) */
  heldAsPlan?: number;
}

export async function act(client: ToolClient, decisions: readonly Decision[], opts: { dryRun: boolean; now: () => number }): Promise<ActionResult[]> {
  const out: ActionResult[] = [];
  for (const d of decisions) {
    if (!d.tool || !d.arguments) continue;
    const args = opts.dryRun ? { ...d.arguments, dryRun: true } : { ...d.arguments };
    const at = opts.now();
    const base = { at, decision: d, tool: d.tool, arguments: d.arguments, dryRun: opts.dryRun };
    const r = await perform(client, d.tool, args);
    if (r.ok) out.push({ ...base, ok: true, message: r.value.output.message, output: r.value.output, transient: false, verification: r.value.verification });
    else out.push({ ...base, ok: false, message: r.error, transient: /cooldown|retry in/i.test(r.error) });
  }
  return out;
}

export type AgentMode = 'autonomous' | 'approve' | 'recommend';

/**
 * agent.mode approve / recommend, before any intent is written: each decision that names a tool is proposed
 * (propose_plan: the server plans it, rates its risk and, when a person must decide, stores the plan, holds the
 * incident and notifies). Held decisions come back as "would have done" results (dryRun, nothing changed); the
 * rest are free to act. In recommend mode everything is held. A refused proposal (a cooldown, a guardrail) is that
 * decision's result, as a refused call would be.
 */
export async function gate(
  client: ToolClient,
  decisions: readonly Decision[],
  mode: AgentMode,
  now: () => number,
): Promise<{ free: Decision[]; held: ActionResult[] }> {
  if (mode === 'autonomous') return { free: [...decisions], held: [] };
  const free: Decision[] = [];
  const held: ActionResult[] = [];
  for (const d of decisions) {
    if (!d.tool || !d.arguments) {
      free.push(d);
      continue;
    }
    const base = { at: now(), decision: d, tool: d.tool, arguments: d.arguments };
    const incident = d.findingType && d.namespace ? { type: d.findingType, namespace: d.namespace, target: d.target } : undefined;
    const r = await client.call(proposePlanTool, { tool: d.tool, arguments: d.arguments, reason: `${d.reason}: ${d.message}`.slice(0, 2000), mode, incident });
    if (!r.ok) held.push({ ...base, ok: false, dryRun: false, message: r.error, transient: /cooldown|retry in/i.test(r.error) });
    else if (r.value.held) held.push({ ...base, ok: true, dryRun: true, message: r.value.message, transient: false, heldAsPlan: r.value.planId });
    else free.push(d);
  }
  return { free, held };
}

interface Performed {
  output: MutationAnswer;
  /** Absent in a dry run: nothing was meant to change. */
  verification?: Verification;
}

/** Decision arguments are data the pure policy built; the tool's input schema checks them inside client.call. */
const argsFor = <T extends ToolContract>(_tool: T, args: Record<string, unknown>) => args as ToolArgs<T>;

async function perform(client: ToolClient, tool: ToolName, args: Record<string, unknown>): Promise<Result<Performed>> {
  try {
    switch (tool) {
      case 'scale_deployment': {
        const a = argsFor(scaleDeploymentTool, args);
        return settle(await client.call(scaleDeploymentTool, a), (after) => verifyScale(a.replicas, after));
      }
      case 'restart_deployment':
        return settle(await client.call(restartDeploymentTool, argsFor(restartDeploymentTool, args)), verifyRestart);
      case 'delete_pod':
        return settle(await client.call(deletePodTool, argsFor(deletePodTool, args)), verifyDelete);
      case 'rollback_deployment':
        return settle(await client.call(rollbackDeploymentTool, argsFor(rollbackDeploymentTool, args)), verifyRollback);
    }
  } catch (err) {
    // Arguments the tool would refuse were never sent: this decision fails, the others still run. An answer that
    // breaks the output schema is not caught: the call may have changed the cluster, so the cycle fails loudly.
    if (err instanceof ToolContractError && err.side === 'arguments') return { ok: false, error: err.message };
    throw err;
  }
}

function settle<A>(r: Result<MutationAnswer & { after?: A }>, verify: (after: A) => Verification): Result<Performed> {
  if (!r.ok) return r;
  const output = r.value;
  if (output.dryRun) return { ok: true, value: { output } };
  const verification = output.after === undefined ? { ok: false, detail: 'the answer carries no after-state' } : verify(output.after);
  return { ok: true, value: { output, verification } };
}
