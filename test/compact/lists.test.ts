/**
 * Compact list answers on the simulator (through the real MCP client and @kubernetes/client-node): a 1,000-pod
 * namespace stays under 120 bytes per pod in the default text and under the token budget in every format, and
 * paging with `continue` walks every pod exactly once; fields, format and summary shape the text while
 * structuredContent keeps every field.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodSummary } from '../../src/services/pod-summary.js';
import { type Harness, startHarness, textOf } from '../server/harness.js';

const PODS = 1000;
const BUDGET_TOKENS = 8000;

let h: Harness;

beforeAll(async () => {
  // Read from the API, not the watch-fed cache: the test counts what one API page holds while 1,000 pods are created.
  h = await startHarness({ cluster: { cache: false }, safety: { maxListItems: 500 } });
  h.sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'big' } });
  for (let i = 0; i < PODS; i++) {
    // Names as long as a Deployment's pods have (name-hash-suffix); the 3 nodes fit 330 pods, the rest stay Pending.
    h.sim.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `payments-api-7f9c6d8b54-${i.toString(36).padStart(5, '0')}`, namespace: 'big', labels: { app: 'payments-api' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
    });
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
});

type PodPage = { items: PodSummary[]; continue?: string; truncated: boolean };

async function page(args: Record<string, unknown>): Promise<{ text: string; out: PodPage }> {
  const r = (await h.call('list_pods', args)) as CallToolResult;
  expect(r.isError, textOf(r)).toBeFalsy();
  return { text: textOf(r), out: r.structuredContent as PodPage };
}

/** Every page from the start: the names in order and the largest text. */
async function walk(args: Record<string, unknown>): Promise<{ names: string[]; maxChars: number; pages: number; bytesPerPod: number[] }> {
  const names: string[] = [];
  let maxChars = 0;
  let pages = 0;
  const bytesPerPod: number[] = [];
  let next: string | undefined;
  do {
    const { text, out } = await page({ ...args, ...(next ? { continue: next } : {}) });
    pages++;
    maxChars = Math.max(maxChars, text.length);
    bytesPerPod.push(Buffer.byteLength(text) / out.items.length);
    names.push(...out.items.map((p) => p.name));
    next = out.continue;
    expect(out.truncated).toBe(next !== undefined);
    if (next) expect(text).toContain(`continue="${next}"`);
  } while (next && pages < 100);
  return { names, maxChars, pages, bytesPerPod };
}

describe('list_pods on a 1,000-pod namespace', () => {
  it('default text: a count line, kubectl-like columns, at most 120 bytes per pod, every pod once', async () => {
    const { text, out } = await page({ namespace: 'big' });
    expect(text.split('\n')[0]).toMatch(/^\d+ pods on this page: \d+ \w+/);
    expect(text.split('\n')[1]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+NODE$/);
    expect(text).not.toContain('null');
    // structuredContent keeps every field of every pod on the page.
    expect(Object.keys(out.items[0]!)).toEqual(expect.arrayContaining(['ownerDeployment', 'podTemplateHash', 'images', 'lastRunSeconds']));

    const all = await walk({ namespace: 'big' });
    expect(all.names).toHaveLength(PODS);
    expect(new Set(all.names).size).toBe(PODS);
    for (const b of all.bytesPerPod) expect(b).toBeLessThanOrEqual(120);
    expect(all.maxChars).toBeLessThanOrEqual(BUDGET_TOKENS * 4);
  }, 120_000);

  it('format json: the budget cuts inside the API page, and the continuation still walks every pod exactly once', async () => {
    const all = await walk({ namespace: 'big', format: 'json' });
    expect(all.maxChars).toBeLessThanOrEqual(BUDGET_TOKENS * 4);
    // 500-item API pages do not fit 32,000 characters of JSON lines: the budget made the pages.
    expect(all.pages).toBeGreaterThan(PODS / 500);
    expect(all.names).toHaveLength(PODS);
    expect(new Set(all.names).size).toBe(PODS);
  }, 120_000);

  it('every list tool stays under the budget on the big namespace', async () => {
    for (const [tool, args] of [
      ['list_events', { namespace: 'big', format: 'json' }],
      ['list_deployments', { namespace: 'big' }],
      ['list_nodes', { format: 'json' }],
    ] as const) {
      const r = (await h.call(tool, args)) as CallToolResult;
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(textOf(r).length, tool).toBeLessThanOrEqual(BUDGET_TOKENS * 4);
    }
  }, 60_000);
});

describe('fields, format and summary', () => {
  it('fields picks the columns; format json gives one object per line with units in the names', async () => {
    const { text } = await page({ namespace: 'big', limit: 5, fields: ['name', 'status', 'node'] });
    expect(text.split('\n')[1]).toMatch(/^NAME\s+STATUS\s+NODE$/);
    expect(text.split('\n')).toHaveLength(1 + 1 + 5 + 1);

    const json = await page({ namespace: 'big', limit: 3, format: 'json' });
    const lines = json.text
      .split('\n')
      .slice(1, 4)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      expect(l).toHaveProperty('ageSeconds');
      // a bare pod has no pod-template-hash: the null is left out, not printed
      expect('podTemplateHash' in l).toBe(false);
      expect(Object.values(l)).not.toContain(null);
    }
    const picked = await page({ namespace: 'big', limit: 2, format: 'json', fields: ['name', 'restarts'] });
    expect(Object.keys(JSON.parse(picked.text.split('\n')[1]!) as object)).toEqual(['name', 'restarts']);
  });

  it('summary: counts by status and only the unhealthy pods', async () => {
    const { text, out } = await page({ namespace: 'big', summary: true, limit: 400 });
    const pending = out.items.filter((p) => p.phase === 'Pending' || !p.ready).length;
    expect(pending).toBeGreaterThan(0);
    expect(text.split('\n')[0]).toMatch(/^400 pods on this page: /);
    expect(text.split('\n')[1]).toBe(`unhealthy pods:`);
    // header + the unhealthy ones + the continue line
    expect(text.split('\n')).toHaveLength(2 + 1 + pending + 1);
  });

  it('refuses an unknown field by name', async () => {
    const r = (await h.call('list_pods', { namespace: 'big', fields: ['name', 'colour'] })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/fields\.1/);
  });

  it('refuses a continue handle it never gave out', async () => {
    const r = (await h.call('list_pods', { namespace: 'big', continue: 'so1.bm90LWpzb24' })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('continue is not a handle this server gave out');
  });
});
