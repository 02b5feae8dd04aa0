import type { ServiceContext } from './context.js';
import { ServiceError } from '../base/errors.js';

export interface PodLogsInput {
  namespace: string;
  pod: string;
  container?: string;
  tailLines?: number;
  sinceSeconds?: number;
  previous?: boolean;
  /** case-insensitive regular expression (or plain text) a line must match */
  grep?: string;
}

export interface PodLogsResult {
  namespace: string;
  pod: string;
  container: string | null;
  lines: string[];
  /** lines read before the grep filter */
  scanned: number;
  truncated: boolean;
}

/** Caps the text handed to a model; the tail is what matters for a crash. */
const MAX_LINES = 500;

export async function getPodLogs(ctx: ServiceContext, input: PodLogsInput): Promise<PodLogsResult> {
  let pattern: RegExp | undefined;
  if (input.grep) {
    try {
      pattern = new RegExp(input.grep, 'i');
    } catch (err) {
      throw new ServiceError('invalid', `grep is not a valid regular expression (${(err as Error).message}); escape special characters or pass plain text`);
    }
  }
  const tailLines = Math.min(input.tailLines ?? 100, 5000);
  const text = await ctx.cluster.readPodLog(input.namespace, input.pod, {
    container: input.container,
    tailLines,
    sinceSeconds: input.sinceSeconds,
    previous: input.previous,
  });
  const all = String(text ?? '').split('\n');
  if (all.length && all[all.length - 1] === '') all.pop();
  const matched = pattern ? all.filter((l) => pattern.test(l)) : all;
  return {
    namespace: input.namespace,
    pod: input.pod,
    container: input.container ?? null,
    lines: matched.slice(-MAX_LINES),
    scanned: all.length,
    truncated: matched.length > MAX_LINES,
  };
}
