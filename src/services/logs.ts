/**
 * A container's log cut down to what answers the question: a time window (sinceSeconds), the crashed
 * instance (previous), lines matching a regular expression (grep) or at least a severity (level), the first
 * or last N of them (head / tailLines), and at most maxBytes of text. Every answer also counts the scanned
 * lines by severity and lists the distinct error lines first, most frequent first: what a crash loop died of.
 */
import type { ServiceContext } from './context.js';
import { ServiceError } from '../base/errors.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface PodLogsInput {
  namespace: string;
  pod: string;
  container?: string;
  tailLines?: number;
  /** the first N matching lines instead of the last (reads the whole window) */
  head?: number;
  sinceSeconds?: number;
  previous?: boolean;
  /** case-insensitive regular expression (or plain text) a line must match */
  grep?: string;
  /** keep lines of this severity or worse (lines with no recognisable severity are dropped) */
  level?: LogLevel;
  /** most bytes of log text returned (lines are dropped whole, from the far end) */
  maxBytes?: number;
}

export interface PodLogsResult {
  namespace: string;
  pod: string;
  container: string | null;
  lines: string[];
  /** lines read before the grep/level filters */
  scanned: number;
  /** lines that passed the filters, before head/tail and the byte budget */
  matched: number;
  truncated: boolean;
  /** scanned lines by severity (`other`: none recognised) */
  levels: Record<LogLevel | 'other', number>;
  /** distinct error lines of the scanned log (digits folded together), most frequent first */
  errors: { line: string; count: number }[];
}

/** Caps the text handed to a model; the tail is what matters for a crash. */
const MAX_LINES = 500;
export const DEFAULT_MAX_BYTES = 16_000;
/** a head request reads this much of the log to find the first lines */
const HEAD_WINDOW = 5000;
const MAX_ERRORS = 5;

// Word-bounded severities in the usual spellings: `ERROR`, `[error]` (nginx), `"level":"error"`, `E0102` (klog).
const SEVERITY: [LogLevel, RegExp][] = [
  ['error', /\b(fatal|panic|emerg|alert|crit|critical|err|error|severe|exception|traceback)\b|^E\d{4}\s/i],
  ['warn', /\b(warn|warning)\b|^W\d{4}\s/i],
  ['info', /\b(info|notice)\b|^I\d{4}\s/i],
  ['debug', /\b(debug|trace)\b/i],
];
/** a quantified group holding a quantifier: the shape of catastrophic backtracking */
const NESTED_QUANTIFIER = /\([^)]*[+*}][^)]*\)\s*[+*{]/;
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export function levelOf(line: string): LogLevel | undefined {
  for (const [level, re] of SEVERITY) if (re.test(line)) return level;
  return undefined;
}

export async function getPodLogs(ctx: ServiceContext, input: PodLogsInput): Promise<PodLogsResult> {
  let pattern: RegExp | undefined;
  if (input.grep) {
    if (NESTED_QUANTIFIER.test(input.grep))
      throw new ServiceError('invalid', 'grep has a repeated group that itself repeats (like "(a+)+"), which can take forever on a long line; simplify it');
    try {
      pattern = new RegExp(input.grep, 'i');
    } catch (err) {
      throw new ServiceError('invalid', `grep is not a valid regular expression (${(err as Error).message}); escape special characters or pass plain text`);
    }
  }
  if (input.head !== undefined && input.tailLines !== undefined) throw new ServiceError('invalid', 'give head or tailLines, not both');
  const read = input.head !== undefined ? HEAD_WINDOW : Math.min(input.tailLines ?? 100, 5000);
  const text = await ctx.cluster.readPodLog(input.namespace, input.pod, {
    container: input.container,
    tailLines: read,
    sinceSeconds: input.sinceSeconds,
    previous: input.previous,
  });
  const all = String(text ?? '').split('\n');
  if (all.length && all[all.length - 1] === '') all.pop();

  const levels: PodLogsResult['levels'] = { error: 0, warn: 0, info: 0, debug: 0, other: 0 };
  const errors = new Map<string, { line: string; count: number }>();
  const matched: string[] = [];
  for (const line of all) {
    const level = levelOf(line);
    levels[level ?? 'other']++;
    if (level === 'error') {
      // Timestamps and counters differ between repeats of one error: fold digits to group them.
      const key = line.replace(/\d+/g, '0');
      const seen = errors.get(key);
      if (seen) seen.count++;
      else errors.set(key, { line, count: 1 });
    }
    if (pattern && !pattern.test(line)) continue;
    if (input.level && (level === undefined || RANK[level] > RANK[input.level])) continue;
    matched.push(line);
  }

  const count = Math.min(input.head ?? MAX_LINES, MAX_LINES);
  let lines = input.head !== undefined ? matched.slice(0, count) : matched.slice(-count);
  const budget = input.maxBytes ?? DEFAULT_MAX_BYTES;
  const kept = lines.length;
  lines = withinBytes(lines, budget, input.head !== undefined);
  return {
    namespace: input.namespace,
    pod: input.pod,
    container: input.container ?? null,
    lines,
    scanned: all.length,
    matched: matched.length,
    truncated: matched.length > kept || lines.length < kept,
    levels,
    errors: [...errors.values()].sort((a, b) => b.count - a.count).slice(0, MAX_ERRORS),
  };
}

/** Whole lines within `bytes` (UTF-8, one newline each), kept from the start for head, else from the end. */
function withinBytes(lines: string[], bytes: number, fromStart: boolean): string[] {
  const ordered = fromStart ? lines : [...lines].reverse();
  const out: string[] = [];
  let used = 0;
  for (const line of ordered) {
    used += Buffer.byteLength(line) + 1;
    if (used > bytes) break;
    out.push(line);
  }
  return fromStart ? out : out.reverse();
}
