/**
 * A tool definition seen from the caller's side: its name and its zod input and output. Callers that reach a tool
 * through a transport (the agent over MCP, the dashboard over the REST invoker) check their arguments with the input
 * schema and parse the answer with the output schema here, so both sides of a call share one contract and a
 * mismatch is an error naming the tool and the field instead of an `undefined` read later.
 */
import { z } from 'zod';

/** What a caller needs of a ToolDefinition (any ToolDefinition is one). */
export interface ToolContract {
  name: string;
  input: z.ZodTypeAny;
  output: z.ZodTypeAny;
}

/** The call broke the tool's contract: a bug in the caller (arguments) or a server of another version (output). */
export class ToolContractError extends Error {
  override readonly name = 'ToolContractError';
  constructor(
    readonly tool: string,
    readonly side: 'arguments' | 'output',
    readonly issues: readonly z.ZodIssue[],
  ) {
    super(
      side === 'arguments'
        ? `${tool}: the arguments do not match its input schema, nothing was sent: ${describe(issues)}`
        : `${tool} answered output that does not match its output schema (a server of another version?): ${describe(issues)}`,
    );
  }
}

/**
 * Strict at the top level: zod would silently drop an argument the tool does not know (a renamed optional one,
 * say), and the server would never see it.
 */
export function checkArguments<T extends ToolContract>(tool: T, args: unknown): void {
  const schema = tool.input instanceof z.ZodObject ? tool.input.strict() : tool.input;
  const r = schema.safeParse(args);
  if (!r.success) throw new ToolContractError(tool.name, 'arguments', r.error.issues);
}

export function parseOutput<T extends ToolContract>(tool: T, value: unknown): z.output<T['output']> {
  const r = tool.output.safeParse(value);
  if (!r.success) throw new ToolContractError(tool.name, 'output', r.error.issues);
  return r.data as z.output<T['output']>;
}

/** "items.0.restarts: Required; ..." — the first few issues, each with the field's path. */
function describe(issues: readonly z.ZodIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  return issues.length > 3 ? `${shown.join('; ')}; and ${issues.length - 3} more` : shown.join('; ');
}
