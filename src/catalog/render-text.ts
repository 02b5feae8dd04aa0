/**
 * The text of a tool answer (what the model reads): the tool's own renderer when it has one, else the output
 * as compact JSON. structuredContent keeps the full typed output either way, so nothing is lost by leaving
 * nulls, empty fields and indentation out of the text.
 */
import type { AnyTool } from './define-tool.js';

/** One tool answer as text; `rawArgs` are the call's arguments (already validated by runTool). */
export function toolText(tool: AnyTool, output: unknown, rawArgs: unknown, now: number): string {
  if (tool.render) {
    const args = tool.input.safeParse(rawArgs ?? {});
    if (args.success) return tool.render(output as Record<string, unknown>, args.data, { now });
  }
  return compactJson(output);
}

/** JSON on one line without null, undefined, empty strings, empty arrays or empty objects. */
export function compactJson(value: unknown): string {
  return JSON.stringify(prune(value) ?? {});
}

export function prune(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value;
}
