/**
 * How list tools read to a model: a summary line first ("300 pods: 297 Running, 3 CrashLoopBackOff"), then
 * the items as kubectl-like columns (default) or one compact JSON object per line, then the continuation
 * handle. The caller picks columns with `fields`, the layout with `format`, and with `summary: true` gets the
 * counts and only the unhealthy items. The text of one answer stays under the configured token budget
 * (tools.textTokenBudget, estimated as characters / 4): the handler cuts the page where the text would
 * overflow, and structuredContent (every field of every item on the page) is cut at the same item, so paging
 * with `continue` to the end neither loses nor repeats an item.
 */
import { z } from 'zod';
import type { RenderView } from '../src/catalog/define-tool.js';
import { prune } from '../src/catalog/render-text.js';
import type { Config } from '../src/config/schema.js';
import type { CuttablePage, Paged } from '../src/services/paging.js';

/** One column: the name `fields` accepts, its table cell, and its JSON key and value. */
export interface Column<T> {
  name: string;
  /** table cell; default String(value of the item's field `name`) */
  cell?: (item: T, now: number) => string;
  /** JSON key and value; default the item's field `name` as is */
  json?: (item: T, now: number) => [string, unknown];
}

export interface ListView<T> {
  /** singular and plural: "pod", "pods" */
  noun: [string, string];
  columns: readonly Column<T>[];
  /** the table's columns when `fields` is not given */
  tableFields: readonly string[];
  /** added in front when the list spans namespaces (kubectl -A) */
  namespaceColumn?: boolean;
  /** the word the summary line counts by: "Running", "CrashLoopBackOff", "Warning" */
  status: (item: T) => string;
  /** what `summary: true` keeps */
  unhealthy: (item: T) => boolean;
  /** the columns `summary: true` shows (default tableFields): the ones that say what is wrong */
  summaryFields?: readonly string[];
}

export type ListArgs = { fields?: string[]; format?: 'table' | 'json'; summary?: boolean; namespace?: string };

/** The `fields`, `format` and `summary` arguments for a list whose columns are `names`. */
export function listViewInput(names: readonly [string, ...string[]]) {
  return {
    fields: z.array(z.enum(names)).min(1).max(names.length).optional().describe('columns of the text answer, in order (structuredContent keeps every field)'),
    format: z
      .enum(['table', 'json'])
      .optional()
      .describe('table (default: kubectl-like columns) or json (one compact object per line, every field unless `fields`)'),
    summary: z.boolean().optional().describe('true: counts by status and only the unhealthy items'),
  };
}

/** The Column list's names as the tuple z.enum wants. */
export function columnNames<T>(columns: readonly Column<T>[]): [string, ...string[]] {
  return columns.map((c) => c.name) as [string, ...string[]];
}

/** Characters one answer's text may take: the token budget at ~4 characters per token. */
export function budgetChars(config: Pick<Config, 'tools'>): number {
  return config.tools.textTokenBudget * 4;
}

/**
 * The longest prefix of the page whose text fits the budget (at least one item, so paging always moves
 * on), as the tool's output. Binary search: the text grows with every item.
 */
export function fitPage<T>(page: CuttablePage<T>, text: (p: Paged<T>) => string, budget: number): Paged<T> {
  const whole = page.cut(page.size);
  if (page.size <= 1 || text(whole).length <= budget) return whole;
  let lo = 1;
  let hi = page.size - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (text(page.cut(mid)).length <= budget) lo = mid;
    else hi = mid - 1;
  }
  return page.cut(lo);
}

/** The text of one page of a list. */
export function renderList<T>(view: ListView<T>, page: Paged<T>, args: ListArgs, { now }: RenderView): string {
  const [one, many] = view.noun;
  const shown = args.summary ? page.items.filter(view.unhealthy) : page.items;
  const lines = [summaryLine(view, page)];
  if (args.summary) lines.push(shown.length ? `unhealthy ${shown.length === 1 ? one : many}:` : `no unhealthy ${many}`);
  if (shown.length) {
    const byName = new Map(view.columns.map((c) => [c.name, c]));
    const named = args.fields ?? (args.summary ? (view.summaryFields ?? view.tableFields) : args.format === 'json' ? undefined : view.tableFields);
    const withNamespace = view.namespaceColumn && args.namespace === undefined && named !== undefined && !named.includes('namespace');
    const columns = named
      ? [...(withNamespace ? ['namespace'] : []), ...named].map((n) => byName.get(n)).filter((c): c is Column<T> => c !== undefined)
      : view.columns;
    lines.push(...(args.format === 'json' ? jsonLines(shown, columns, now) : table(shown, columns, now)));
  }
  if (page.continue !== undefined) lines.push(`more: pass continue="${page.continue}"`);
  return lines.join('\n');
}

/** "200 pods (more follow): 197 Running, 3 CrashLoopBackOff", largest group first. */
function summaryLine<T>(view: ListView<T>, page: Paged<T>): string {
  const counts = new Map<string, number>();
  for (const item of page.items) counts.set(view.status(item), (counts.get(view.status(item)) ?? 0) + 1);
  const groups = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s, n]) => `${n} ${s}`);
  const n = page.items.length;
  const head = `${n} ${n === 1 ? view.noun[0] : view.noun[1]}${page.truncated ? ' on this page' : ''}`;
  return groups.length ? `${head}: ${groups.join(', ')}` : head;
}

function cellOf<T>(c: Column<T>, item: T, now: number): string {
  if (c.cell) return c.cell(item, now);
  const v = (item as Record<string, unknown>)[c.name];
  if (v === null || v === undefined || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.join(',') : '-';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Aligned columns, two spaces apart, headers in capitals (kubectl's layout); the last column is not padded. */
function table<T>(items: readonly T[], columns: readonly Column<T>[], now: number): string[] {
  const rows = [columns.map((c) => c.name.replace(/[A-Z]/g, (m) => `-${m}`).toUpperCase()), ...items.map((i) => columns.map((c) => cellOf(c, i, now)))];
  const widths = columns.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  return rows.map((r) => r.map((cell, k) => (k === r.length - 1 ? cell : cell.padEnd(widths[k]!))).join('  '));
}

function jsonLines<T>(items: readonly T[], columns: readonly Column<T>[], now: number): string[] {
  return items.map((item) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) {
      const [k, v] = c.json ? c.json(item, now) : [c.name, (item as Record<string, unknown>)[c.name]];
      out[k] = v;
    }
    return JSON.stringify(prune(out) ?? {});
  });
}

/** kubectl's age: 45s, 12m, 5h, 3d. */
export function age(iso: string | null, now: number): string {
  if (!iso) return '-';
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** The age column: "5h" in the table, ageSeconds in JSON. */
export function ageColumn<T extends { createdAt: string | null }>(): Column<T> {
  return {
    name: 'age',
    cell: (item, now) => age(item.createdAt, now),
    json: (item, now) => ['ageSeconds', item.createdAt ? Math.max(0, Math.floor((now - Date.parse(item.createdAt)) / 1000)) : undefined],
  };
}
