/**
 * A tool is data: name, description, zod input and output, annotations and a handler over the service
 * layer. The same zod objects drive MCP registration (inputSchema/outputSchema), REST validation and the
 * TypeScript types; nothing here imports the MCP SDK.
 */
import { z } from 'zod';
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

/**
 * Every tool takes an optional `cluster` (README "Many clusters"), added here once rather than in each tool:
 * runTool resolves it to that cluster's client, cache and metrics source before the handler runs, and the
 * answer names the cluster it came from. Handlers never read it.
 */
export const CLUSTER_ARG = z
  .string()
  .min(1)
  .max(253)
  .optional()
  .describe("the cluster to run against: a kubeconfig context name (list_clusters lists them); default: the server's default cluster");

/** set on an answer when the call named a cluster, so a model reading several answers can tell them apart */
const CLUSTER_OUT = z.string().optional().describe('the cluster this answer is from (when the call named one)');

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDefinition<I, O>): ToolDefinition<I, O> {
  // A tool may declare `cluster` itself (a filter on the store's records, or which agent runner): its answer still names it.
  // The extended objects keep every other key and check; the casts only hide the added optional key from I/O.
  return {
    ...def,
    input: ('cluster' in def.input.shape ? def.input : def.input.extend({ cluster: CLUSTER_ARG })) as unknown as z.ZodObject<I>,
    output: ('cluster' in def.output.shape ? def.output : def.output.extend({ cluster: CLUSTER_OUT })) as unknown as z.ZodObject<O>,
  };
}
