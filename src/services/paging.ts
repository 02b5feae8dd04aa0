/**
 * Lists stay small: every list asks the API for at most `limit` items (capped by safety.maxListItems),
 * passes the continue token through, and says `truncated: true` when more exist.
 */
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { Page } from '../k8s/client.js';

export const PagingInput = {
  limit: z.number().int().positive().optional().describe('most items to return (capped by the server)'),
  continue: z.string().max(4096).optional().describe('the `continue` token of a previous truncated result'),
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

export function effectiveLimit(config: Config, limit: number | undefined): number {
  const cap = config.safety.maxListItems;
  return Math.min(limit ?? cap, cap);
}

/** Applies the limit even when the API ignored it (the simulator or an old server may not page). */
export function toPaged<T>(page: Page<T>, limit: number): Paged<T> {
  const items = page.items.slice(0, limit);
  const truncated = page.continue !== undefined || page.items.length > limit;
  return page.continue !== undefined ? { items, continue: page.continue, truncated } : { items, truncated };
}
