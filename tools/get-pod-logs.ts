import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { namespaceOrDefault } from '../src/services/context.js';
import { DEFAULT_MAX_BYTES, getPodLogs, LOG_LEVELS, type PodLogsResult } from '../src/services/logs.js';
import { namespaceArg, objectName } from './schemas.js';

export const getPodLogsTool = defineTool({
  name: 'get_pod_logs',
  title: 'Get pod logs',
  description:
    "A pod container's log, errors first: the text leads with line counts by severity and the distinct error lines (most frequent first), then the log. previous=true reads the crashed instance of a CrashLoopBackOff pod; grep keeps lines matching a case-insensitive regular expression; level keeps that severity or worse; sinceSeconds limits the time window; tailLines (default 100) or head picks the last or first lines; maxBytes caps the text. At most 500 lines are returned.",
  input: z.object({
    namespace: namespaceArg,
    pod: objectName('pod'),
    container: z.string().max(253).optional().describe('needed when the pod has several containers'),
    tailLines: z.number().int().min(1).max(5000).optional().describe('the last N lines read (default 100)'),
    head: z.number().int().min(1).max(500).optional().describe('the first N matching lines instead of the last (not with tailLines)'),
    sinceSeconds: z.number().int().positive().optional().describe('only lines from the last N seconds'),
    previous: z.boolean().optional().describe('the previous (crashed) instance of the container'),
    grep: z.string().max(500).optional().describe('case-insensitive regular expression a line must match'),
    level: z.enum(LOG_LEVELS).optional().describe('keep lines of this severity or worse: error, warn, info, debug'),
    maxBytes: z.number().int().min(200).max(200_000).optional().describe(`most bytes of log lines returned (default ${DEFAULT_MAX_BYTES})`),
  }),
  output: z.object({
    namespace: z.string(),
    pod: z.string(),
    container: z.string().nullable(),
    lines: z.array(z.string()),
    scanned: z.number().int(),
    matched: z.number().int().describe('lines that passed grep and level, before head/tail and maxBytes'),
    truncated: z.boolean(),
    levels: z.object({ error: z.number().int(), warn: z.number().int(), info: z.number().int(), debug: z.number().int(), other: z.number().int() }),
    errors: z.array(z.object({ line: z.string(), count: z.number().int() })).describe('distinct error lines of the scanned log, most frequent first'),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => getPodLogs(ctx, { ...args, namespace: namespaceOrDefault(ctx, args.namespace) }),
  render: (out, args) => renderLogs(out, args.previous === true),
});

/** "pod demo/web-1 (previous instance): 120 lines, 3 error, 1 warn; 40 shown", the errors, then the log as is. */
function renderLogs(out: PodLogsResult, previous: boolean): string {
  const counts = (['error', 'warn'] as const).filter((l) => out.levels[l] > 0).map((l) => `${out.levels[l]} ${l}`);
  const filtered = out.matched !== out.scanned ? `, ${out.matched} matched` : '';
  const head = `pod ${out.namespace}/${out.pod}${out.container ? ` container ${out.container}` : ''}${previous ? ' (previous instance)' : ''}: ${out.scanned} lines read${counts.length ? ` (${counts.join(', ')})` : ''}${filtered}; ${out.lines.length} shown${out.truncated ? ' (more: raise tailLines/maxBytes or narrow with grep/level/sinceSeconds)' : ''}`;
  const lines = [head];
  if (out.errors.length) {
    lines.push('errors, most frequent first:');
    for (const e of out.errors) lines.push(`${e.count > 1 ? `${e.count}x ` : ''}${e.line}`);
  }
  if (out.lines.length) lines.push('log:', ...out.lines);
  return lines.join('\n');
}
