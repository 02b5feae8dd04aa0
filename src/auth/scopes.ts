/**
 * OAuth scopes → the tools a token may use. Derived from each tool's annotations and name (never a hand-kept
 * list), like filterTools, and failing safe the same way: a tool without readOnlyHint true counts as mutating.
 *
 *   read     every read-only tool (observe, incidents, cost, chaos_status, agent_status)
 *   operate  read + every mutating tool that is not chaos: scale, restart, rollback, log_incident, and the
 *            destructive healing ones (delete_pod, agent_run_cycle)
 *   chaos    read + the chaos tools (chaos_*)
 *   admin    every tool, whatever its kind (also tools added later)
 *
 * Scopes only narrow: the configuration's own filter (read-only, non-destructive, chaos.enabled) still applies.
 */
export const SCOPES = ['read', 'operate', 'chaos', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ScopedTool {
  name: string;
  annotations?: { readOnlyHint?: boolean };
}

type ToolKind = 'read' | 'chaos' | 'operate';

function kindOf(tool: ScopedTool): ToolKind {
  if (tool.annotations?.readOnlyHint === true) return 'read';
  return tool.name.startsWith('chaos_') ? 'chaos' : 'operate';
}

/** The narrowest scope that grants `tool`: what a 403 insufficient_scope asks the client to obtain. */
export function scopeFor(tool: ScopedTool): Scope {
  return kindOf(tool);
}

export function scopeAllows(scopes: readonly string[], tool: ScopedTool): boolean {
  if (scopes.includes('admin')) return true;
  const kind = kindOf(tool);
  if (kind === 'read') return SCOPES.some((s) => scopes.includes(s));
  return scopes.includes(kind);
}

/** Whether the scopes grant anything at all (every SentinelOps scope includes reading). */
export function grantsAnything(scopes: readonly string[]): boolean {
  return SCOPES.some((s) => scopes.includes(s));
}

export function toolsAllowed<T extends ScopedTool>(tools: readonly T[], scopes: readonly string[]): T[] {
  return tools.filter((t) => scopeAllows(scopes, t));
}
