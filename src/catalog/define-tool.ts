/**
 * A tool is data: name, description, zod input and output, annotations and a handler over the service
 * layer. The same zod objects drive MCP registration (inputSchema/outputSchema), REST validation and the
 * TypeScript types; nothing here imports the MCP SDK.
 */
import type { z } from 'zod';
import type { ToolsetName } from '../config/schema.js';
import type { ProgressFn, ServiceContext } from '../services/context.js';

/** All four hints are required: filterTools trusts them, so every tool must state them. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolCall {
  ctx: ServiceContext;
  /** forwards progress to the client when it asked for it (a progressToken); a no-op otherwise */
  progress: ProgressFn;
  signal: AbortSignal;
  /** the MCP client can ask its user (elicitation): it confirms destructive calls itself */
  canElicit?: boolean;
  /** the agent linked in-process (its changes are governed by agent.mode, not per-call confirmation) */
  inProcessAgent?: boolean;
}

export interface ToolDefinition<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  /** snake_case */
  name: string;
  title: string;
  /** what it does, when to use it, and what comes back: written for a model choosing a tool */
  description: string;
  input: z.ZodObject<I>;
  output: z.ZodObject<O>;
  annotations: ToolAnnotations;
  /**
   * Text arguments that may span lines (a PromQL query, an incident summary). Every other string
   * argument must be one line: runTool refuses line breaks and other control characters in it.
   */
  multiLineArgs?: readonly (keyof I & string)[];
  handler: (args: z.output<z.ZodObject<I>>, call: ToolCall) => Promise<z.input<z.ZodObject<O>>> | z.input<z.ZodObject<O>>;
  /**
   * The text a model reads (MCP `content`), dense and led by a summary line; `structuredContent` keeps the
   * full output. Without it the text is the output as compact JSON (no nulls, no empty fields, one line).
   */
  render?: (output: z.input<z.ZodObject<O>>, args: z.output<z.ZodObject<I>>, view: RenderView) => string;
  /** set by tools/index.ts from the toolset the tool is listed under (`--toolsets` selects by it) */
  toolset?: ToolsetName;
}

/** What a renderer may know beyond the output and arguments. */
export interface RenderView {
  /** epoch milliseconds, for ages ("3h") */
  now: number;
}

// any: a heterogeneous list of tools
export type AnyTool = ToolDefinition<any, any>;

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return def;
}
