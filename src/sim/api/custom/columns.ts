/**
 * Server-side printing of custom resources from the CRD's additionalPrinterColumns, as the apiextensions
 * table convertor does: Name first, then each column's value found by its JSONPath. Only simple paths are
 * supported (`.spec.x`, `.status.items[0].y`), which is also all a CRD may declare. A string column prints
 * the value as text, a date column as an age ("5m"), integer/number/boolean columns keep the JSON value,
 * and a missing value is a null cell (kubectl prints `<none>`).
 */
import type { KObject } from '../../types.js';
import { humanDuration } from '../table.js';
import type { PrinterColumn } from './crds.js';

type Obj = Record<string, any>;

/** `.a.b[0].c` -> ['a', 'b', 0, 'c']; undefined for anything more elaborate than a simple path. */
export function parsePath(path: string): (string | number)[] | undefined {
  const p = path.replace(/^\{(.*)\}$/, '$1');
  if (!p.startsWith('.')) return undefined;
  const out: (string | number)[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']+)'\]/y;
  let i = 0;
  while (i < p.length) {
    re.lastIndex = i;
    const m = re.exec(p);
    if (!m) return undefined;
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
    i = re.lastIndex;
  }
  return out;
}

export function valueAt(o: unknown, path: string): unknown {
  const steps = parsePath(path);
  if (!steps) return undefined;
  let v: any = o;
  for (const s of steps) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[s as keyof typeof v];
  }
  return v;
}

export function columnCell(c: PrinterColumn, o: KObject, now: number): unknown {
  const v = valueAt(o, c.jsonPath);
  if (v === undefined || v === null) return null;
  switch (c.type) {
    case 'string':
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'date': {
      const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
      return Number.isNaN(t) ? null : humanDuration(now - t);
    }
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
  }
}

export interface CustomTableOptions {
  now: number;
  includeObject: 'None' | 'Metadata' | 'Object';
  resourceVersion?: string;
  continue?: string;
  withColumns?: boolean;
}

export function customTable(columns: PrinterColumn[], items: KObject[], opts: CustomTableOptions): Obj {
  const metadata: Record<string, string> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  const definitions = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
    ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
  ];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.withColumns === false ? null : definitions,
    rows: items.map((o) => ({
      cells: [o.metadata.name, ...columns.map((c) => columnCell(c, o, opts.now))],
      object:
        opts.includeObject === 'None'
          ? undefined
          : opts.includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
