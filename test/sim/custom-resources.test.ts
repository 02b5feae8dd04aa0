/** The simulator's printer-column paths and structural-schema admission of custom resources, as tables. */
import { describe, expect, it } from 'vitest';
import { Causes } from '../../src/sim/api/admission/validation.js';
import { columnCell, parsePath } from '../../src/sim/api/custom/columns.js';
import type { PrinterColumn } from '../../src/sim/api/custom/crds.js';
import { admitCustomResource } from '../../src/sim/api/custom/schema.js';
import type { KObject } from '../../src/sim/types.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const obj = {
  apiVersion: 'x.dev/v1',
  kind: 'X',
  metadata: { name: 'a', creationTimestamp: '2026-01-01T00:55:00Z' },
  spec: { size: 3, tags: ['p', 'q'], nested: { ok: true }, ratio: 1.5 },
  status: { phase: 'Ready' },
} as KObject;

describe('printer columns', () => {
  it.each([
    ['.spec.size', ['spec', 'size']],
    ['{.spec.tags[1]}', ['spec', 'tags', 1]],
    [".metadata.labels['app.kubernetes.io/name']", ['metadata', 'labels', 'app.kubernetes.io/name']],
    ['spec.size', undefined],
    ['.spec[?(@.x)]', undefined],
  ])('parses %s', (path, want) => expect(parsePath(path)).toEqual(want));

  const col = (type: PrinterColumn['type'], jsonPath: string): PrinterColumn => ({ name: 'C', type, jsonPath });
  it.each([
    [col('integer', '.spec.size'), 3],
    [col('string', '.spec.size'), '3'],
    [col('string', '.spec.tags[0]'), 'p'],
    [col('string', '.spec.nested'), '{"ok":true}'],
    [col('boolean', '.spec.nested.ok'), true],
    [col('number', '.spec.ratio'), 1.5],
    [col('date', '.metadata.creationTimestamp'), '5m'],
    [col('string', '.status.missing'), null],
    [col('date', '.status.phase'), null],
    [col('integer', '.status.phase'), null],
  ])('cell %j', (c, want) => expect(columnCell(c, obj, NOW)).toEqual(want));
});

describe('schema admission', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['size'],
        properties: {
          size: { type: 'integer', minimum: 0, maximum: 10 },
          mode: { type: 'string', enum: ['a', 'b'], default: 'a' },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          port: { 'x-kubernetes-int-or-string': true },
          items: { type: 'array', maxItems: 2, items: { type: 'object', properties: { n: { type: 'integer' } } } },
        },
      },
    },
  };
  const admit = (spec: unknown) => {
    const causes = new Causes();
    const out = admitCustomResource(schema, { apiVersion: 'x.dev/v1', kind: 'X', metadata: { name: 'a' }, spec, extra: 1 }, causes);
    return { out, causes: causes.list.map((c) => `${c.field}: ${c.message}`) };
  };

  it('prunes unknown fields, keeps preserved ones, fills defaults', () => {
    const { out, causes } = admit({ size: 1, junk: 2, free: { any: { thing: 1 } }, labels: { a: 'b' }, port: 'http', items: [{ n: 1, m: 2 }] });
    expect(causes).toEqual([]);
    expect(out).toEqual({
      apiVersion: 'x.dev/v1',
      kind: 'X',
      metadata: { name: 'a' },
      spec: { size: 1, mode: 'a', free: { any: { thing: 1 } }, labels: { a: 'b' }, port: 'http', items: [{ n: 1 }] },
    });
  });

  it.each([
    [{ size: 'x' }, 'spec.size'],
    [{ size: 11 }, 'spec.size'],
    [{ size: -1 }, 'spec.size'],
    [{}, 'spec.size'],
    [{ size: 1, mode: 'c' }, 'spec.mode'],
    [{ size: 1, labels: { a: 1 } }, 'spec.labels.a'],
    [{ size: 1, port: 1.5 }, 'spec.port'],
    [{ size: 1, items: [{}, {}, {}] }, 'spec.items'],
    [{ size: null }, 'spec.size'],
  ])('refuses %j at %s', (spec, field) => {
    const { causes } = admit(spec);
    expect(causes.length).toBeGreaterThan(0);
    expect(causes[0]).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
  });
});
