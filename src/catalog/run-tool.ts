/**
 * The one path from a caller's raw arguments to a tool's handler, shared by the MCP adapter and the
 * REST invoker so the two faces cannot drift: validate strictly (an unknown key is refused, never
 * dropped: a misspelt `dry_run` must not make a real change), audit every refusal, then run the handler.
 * Messages are for a model or an operator: they name what is accepted and never echo a huge input back.
 */
import { z } from 'zod';
import { clip } from '../base/redact.js';
import { ServiceError, isServiceError } from '../base/errors.js';
import { describeStoreFailure } from '../store/db.js';
import type { Config } from '../config/schema.js';
import type { ServiceContext } from '../services/context.js';
import type { AnyTool, ToolCall } from './define-tool.js';

/** how many offending keys or issues a message lists before "and N more" */
const MAX_LISTED = 5;
/** argument values longer than this (as text) are cut in audit rows and messages */
const MAX_VALUE_CHARS = 200;
/** keys of a refused call kept in its audit row */
const MAX_AUDITED_KEYS = 20;

/** A schema refusal; `issues` (path and message each) let REST answer field by field. */
export class InvalidArgumentsError extends ServiceError {
  constructor(
    message: string,
    readonly issues: { path: (string | number)[]; message: string }[],
  ) {
    super('invalid', message);
  }
}

export interface RunToolOptions {
  /**
   * Asked after validation and before the handler (the MCP adapter's user confirmation of destructive
   * tools); a returned message refuses the call.
   */
  confirm?: (args: Record<string, unknown>) => Promise<string | undefined>;
}

/** Validates `raw` strictly, runs the tool and returns its output; throws ServiceError for refusals (audited). */
export async function runTool(tool: AnyTool, raw: unknown, call: ToolCall, opts: RunToolOptions = {}): Promise<Record<string, unknown>> {
  let args: Record<string, unknown>;
  try {
    args = parseToolArgs(tool, raw);
    call = onCluster(call, args.cluster as string | undefined);
  } catch (err) {
    if (isServiceError(err)) await auditRefusal(call.ctx, tool.name, raw, err.message);
    throw err;
  }
  const declined = await opts.confirm?.(args);
  if (declined) {
    await auditRefusal(call.ctx, tool.name, args, declined);
    throw new ServiceError('cancelled', declined);
  }
  try {
    const output = (await tool.handler(args, call)) as Record<string, unknown>;
    return args.cluster === undefined ? output : { ...output, cluster: call.ctx.clusterName };
  } catch (err) {
    // A store that cannot be written (locked, read-only, full) is a condition to report, not a bug: the
    // write did not happen, and the caller may retry once it clears. Mutations say so themselves (audit first).
    if (!isServiceError(err) && isStoreFailure(err))
      throw new ServiceError('unavailable', `${tool.name}: the store could not be written: ${describeStoreFailure(err)}; nothing was recorded`);
    throw err;
  }
}

/**
 * The call bound to the named cluster (or the default one): its client, cache and metrics source replace the
 * context's. A caller acting as a person (impersonation) keeps acting as that person on the other cluster,
 * and keeps reading past the cache, as on the default one. Without a resolver only the default exists.
 */
function onCluster(call: ToolCall, name: string | undefined): ToolCall {
  const { ctx } = call;
  if (!ctx.clusters) {
    if (name === undefined) return call;
    throw new ServiceError('invalid', `this server knows one cluster only; drop "cluster" (got "${clip(name, 60)}"). Nothing was changed.`);
  }
  if (name === undefined) return { ...call, ctx: { ...ctx, clusterName: ctx.clusters.defaultName } };
  const b = ctx.clusters.resolve(name, ctx.cluster.impersonate);
  return { ...call, ctx: { ...ctx, cluster: b.cluster, cache: ctx.cache ? b.cache : undefined, metrics: b.metrics, clusterName: b.name } };
}

function isStoreFailure(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/**
 * The refusal for a tool this configuration does not expose (read-only or non-destructive mode),
 * audited like any other refusal. Undefined when the configuration allows every tool (then the name is
 * simply unknown).
 */
export function refuseDisabledTool(ctx: ServiceContext, name: string, raw: unknown, config: Pick<Config, 'safety'>, toolset?: string): ServiceError {
  // A tool the profiles allow is hidden only because its toolset is not enabled.
  const mode = toolset ? `toolset "${toolset}" is not enabled; add it to --toolsets` : config.safety.readOnly ? 'read-only mode' : 'non-destructive mode';
  const message = `${name} is disabled by the configuration (${mode}); nothing was changed`;
  void auditRefusal(ctx, name, raw, message);
  return new ServiceError('refused', message);
}

/** What an unexpected (non-ServiceError) failure tells the caller; the details go to the log only. */
export function unexpectedFailureMessage(ctx: ServiceContext, toolName: string, err: unknown): string {
  ctx.logger.error({ err, tool: toolName }, 'tool failed unexpectedly');
  const message = err instanceof Error ? err.message : String(err);
  return `${toolName} failed unexpectedly: ${clip(message, MAX_VALUE_CHARS)}. This is a bug; the server log has details.`;
}

/** Strict validation against the tool's zod input, with messages that name the accepted arguments. */
export function parseToolArgs(tool: AnyTool, raw: unknown): Record<string, unknown> {
  const shape = tool.input.shape as z.ZodRawShape;
  const accepted = Object.keys(shape);
  const acceptedText = accepted.length ? accepted.join(', ') : '(none)';
  // MCP lets a client omit `arguments` for a tool without required ones.
  const value = raw === undefined ? {} : raw;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const message = `${tool.name} takes its arguments as a JSON object (got ${kindOf(value)}); accepted: ${acceptedText}. Nothing was changed.`;
    throw new InvalidArgumentsError(message, [{ path: [], message }]);
  }
  const unknown = Object.keys(value).filter((k) => !Object.hasOwn(shape, k));
  if (unknown.length) {
    const named = unknown.slice(0, MAX_LISTED).map((k) => `"${clip(k, 60)}"`);
    const more = unknown.length > MAX_LISTED ? ` and ${unknown.length - MAX_LISTED} more` : '';
    throw new InvalidArgumentsError(
      `unknown argument${unknown.length > 1 ? 's' : ''} ${named.join(', ')}${more} for ${tool.name}; accepted: ${acceptedText}. Nothing was changed.`,
      unknown.slice(0, MAX_LISTED).map((k) => ({ path: [clip(k, 60)], message: `unknown argument; accepted: ${acceptedText}` })),
    );
  }
  const badText = textProblem(value as Record<string, unknown>, new Set(tool.multiLineArgs ?? []));
  if (badText) {
    const message = `argument "${badText.key}" ${badText.problem}. Nothing was changed.`;
    throw new InvalidArgumentsError(message, [{ path: [badText.key], message }]);
  }
  let parsed: z.SafeParseReturnType<unknown, Record<string, unknown>>;
  try {
    parsed = strictInput(tool).safeParse(value);
  } catch {
    // zod recurses into nested values: a pathologically deep document can exhaust the stack.
    const message = `the arguments of ${tool.name} are nested too deeply to read. Nothing was changed.`;
    throw new InvalidArgumentsError(message, [{ path: [], message }]);
  }
  if (!parsed.success) {
    const all = parsed.error.issues;
    const issues = all.slice(0, MAX_LISTED).map((i) => ({
      path: i.path.map((p) => (typeof p === 'string' ? clip(p, 60) : p)),
      message: clip(i.message, MAX_VALUE_CHARS),
    }));
    const listed = issues.map((i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`);
    const more = all.length > MAX_LISTED ? `; and ${all.length - MAX_LISTED} more` : '';
    throw new InvalidArgumentsError(`invalid arguments for ${tool.name}: ${listed.join('; ')}${more}. Nothing was changed.`, issues);
  }
  return parsed.data;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters refused
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LINE_BREAK = /[\r\n\t\u2028\u2029]/;
/** bidirectional overrides and isolates: they make text display differently from what it says */
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** strings checked per call; deeper or larger documents are left to the schema's own limits */
const MAX_CHECKED_VALUES = 10_000;

/**
 * The first string argument (or nested string) carrying characters no argument may hold: control
 * characters, bidirectional overrides, and line breaks outside the tool's multi-line arguments.
 */
function textProblem(args: Record<string, unknown>, multiLine: ReadonlySet<string>): { key: string; problem: string } | undefined {
  const stack: { key: string; v: unknown; top: boolean }[] = Object.entries(args).map(([key, v]) => ({ key, v, top: true }));
  let seen = 0;
  while (stack.length && seen++ < MAX_CHECKED_VALUES) {
    const { key, v, top } = stack.pop()!;
    if (typeof v === 'string') {
      const at = (re: RegExp) => `U+${v.match(re)![0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      if (CONTROL.test(v)) return { key, problem: `contains a control character (${at(CONTROL)})` };
      if (BIDI.test(v)) return { key, problem: `contains a bidirectional-override character (${at(BIDI)})` };
      if (top && !multiLine.has(key) && LINE_BREAK.test(v)) return { key, problem: 'must be one line (it contains a line break or tab)' };
    } else if (v !== null && typeof v === 'object') {
      for (const child of Object.values(v)) stack.push({ key, v: child, top: false });
    }
  }
  return undefined;
}

const strictInputs = new WeakMap<object, z.ZodTypeAny>();

/** The tool's input with every object in it strict, nested ones included (built once per tool). */
function strictInput(tool: AnyTool): z.ZodTypeAny {
  let strict = strictInputs.get(tool.input);
  if (!strict) {
    strict = deepStrict(tool.input);
    strictInputs.set(tool.input, strict);
  }
  return strict;
}

function deepStrict(s: z.ZodTypeAny): z.ZodTypeAny {
  if (s instanceof z.ZodObject) {
    const shape = Object.fromEntries(Object.entries(s.shape as z.ZodRawShape).map(([k, v]) => [k, deepStrict(v)]));
    return new z.ZodObject({ ...s._def, shape: () => shape, unknownKeys: 'strict' });
  }
  if (s instanceof z.ZodOptional) return new z.ZodOptional({ ...s._def, innerType: deepStrict(s._def.innerType) });
  if (s instanceof z.ZodNullable) return new z.ZodNullable({ ...s._def, innerType: deepStrict(s._def.innerType) });
  if (s instanceof z.ZodDefault) return new z.ZodDefault({ ...s._def, innerType: deepStrict(s._def.innerType) });
  if (s instanceof z.ZodEffects) return new z.ZodEffects({ ...s._def, schema: deepStrict(s._def.schema) });
  if (s instanceof z.ZodArray) return new z.ZodArray({ ...s._def, type: deepStrict(s._def.type) });
  return s;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Best effort: nothing was changed, so an unwritable store must not turn a clear refusal into a failure. */
async function auditRefusal(ctx: ServiceContext, tool: string, raw: unknown, error: string): Promise<void> {
  try {
    await ctx.store.state.audit.record({
      cluster: ctx.clusterName,
      caller: ctx.caller,
      tool: clip(tool, 100),
      arguments: boundedArgs(raw),
      ok: false,
      error,
      at: ctx.clock.now(),
    });
  } catch (err) {
    ctx.logger.error({ err, tool }, 'could not audit a refused call');
  }
}

/** The refused arguments as the audit row keeps them: a few keys, each value cut to a readable size. */
export function boundedArgs(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { _raw: boundedValue(raw) };
  const entries = Object.entries(raw);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.slice(0, MAX_AUDITED_KEYS)) out[clip(k, 60)] = boundedValue(v);
  if (entries.length > MAX_AUDITED_KEYS) out._omittedKeys = entries.length - MAX_AUDITED_KEYS;
  return out;
}

function boundedValue(v: unknown): unknown {
  if (typeof v === 'string') return clip(v, MAX_VALUE_CHARS);
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || v === undefined) return v;
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    return '(not serializable)';
  }
  if (text === undefined) return String(v);
  return text.length <= MAX_VALUE_CHARS ? v : clip(text, MAX_VALUE_CHARS);
}
