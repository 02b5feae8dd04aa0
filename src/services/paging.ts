/**
 * Lists stay small: every list asks the API for at most `limit` items (capped by safety.maxListItems),
 * passes a continuation handle through, and says `truncated: true` when more exist.
 *
 * A page may also be cut shorter than the API's page (a tool whose text must stay under a token budget):
 * `cut(n)` keeps the first n items and returns a handle that resumes right after them. The handle is the
 * API's own `continue` token when the cut falls on the API's page end, and otherwise that token (or none, on
 * the first page) plus how many of the page's raw items to skip, so paging to the end neither loses nor
 * repeats an item.
 */
import { z } from 'zod';
import { ServiceError } from '../base/errors.js';
import type { Config } from '../config/schema.js';
import type { Page } from '../k8s/client.js';

export const PagingInput = {
  limit: z.number().int().positive().optional().describe('most items to return (capped by the server)'),
  continue: z.string().max(4096).optional().describe('the `continue` handle of a previous truncated result'),
};

export const PagingOutput = {
  continue: z.string().optional().describe('pass back as `continue` to get the next page'),
  truncated: z.boolean().describe('true when more items exist than were returned'),
};

export interface Paged<T> {
  items: T[];
  continue?: string;
  truncated: boolean;
}

/** A fetched page not yet handed out: `cut(size)` is all of it. */
export interface CuttablePage<T> {
  /** items on the page after filtering */
  size: number;
  cut(n: number): Paged<T>;
}

export function effectiveLimit(config: Config, limit: number | undefined): number {
  const cap = config.safety.maxListItems;
  return Math.min(limit ?? cap, cap);
}

/** Where a page starts: the API's continue token (none: the first page) and raw items of it to skip. */
interface Position {
  c?: string;
  o: number;
}

/** API continue tokens are base64 and never hold a dot, so this prefix cannot be mistaken for one. */
const HANDLE_PREFIX = 'so1.';

function encodePosition(p: Position): string {
  if (p.o === 0 && p.c !== undefined) return p.c;
  return HANDLE_PREFIX + Buffer.from(JSON.stringify(p)).toString('base64url');
}

function decodePosition(token: string | undefined): Position {
  if (token === undefined) return { o: 0 };
  if (!token.startsWith(HANDLE_PREFIX)) return { c: token, o: 0 };
  try {
    const p = JSON.parse(Buffer.from(token.slice(HANDLE_PREFIX.length), 'base64url').toString('utf8')) as Position;
    if (Number.isInteger(p.o) && p.o >= 0 && (p.c === undefined || typeof p.c === 'string')) return p;
  } catch {
    // reported below
  }
  throw new ServiceError(
    'invalid',
    'continue is not a handle this server gave out; pass the `continue` of the previous answer unchanged, or omit it to start over',
  );
}

/**
 * Fetches one page at the handle `input.continue`. `map` turns a raw item into the listed one, or undefined to
 * leave it out (a status filter); `arrange` orders the kept items (newest first, say) after any cut.
 */
export async function fetchPage<R, T>(
  config: Config,
  input: { limit?: number; continue?: string },
  fetch: (opts: { limit: number; continue?: string }) => Promise<Page<R>>,
  map: (raw: R) => T | undefined,
  arrange: (items: T[]) => T[] = (items) => items,
): Promise<CuttablePage<T>> {
  const limit = effectiveLimit(config, input.limit);
  const at = decodePosition(input.continue);
  const page = await fetch({ limit, continue: at.c });
  // slice, not trust: the simulator or an old server may ignore the limit and send everything.
  const window = page.items.slice(at.o, at.o + limit);
  const kept: { item: T; index: number }[] = [];
  window.forEach((raw, i) => {
    const item = map(raw);
    if (item !== undefined) kept.push({ item, index: at.o + i });
  });
  const afterWindow: Position | undefined =
    at.o + limit < page.items.length ? { c: at.c, o: at.o + limit } : page.continue !== undefined ? { c: page.continue, o: 0 } : undefined;
  return {
    size: kept.length,
    cut(n) {
      const whole = n >= kept.length;
      const next = whole ? afterWindow : { c: at.c, o: kept[n]!.index };
      const items = arrange(kept.slice(0, Math.max(0, n)).map((k) => k.item));
      return next ? { items, continue: encodePosition(next), truncated: true } : { items, truncated: false };
    },
  };
}
