/**
 * Issue 19 item 10: log_incident's fields are bounded and single-line where they are names or titles;
 * deep or huge details are refused clearly (not "this is a bug"); an empty id does not open an incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../server/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(() => h?.close());

const valid = { type: 'crash_loop', severity: 'high', namespace: 'demo', target: 'nginx-demo', title: 'pods crash' };
const count = () => h.deps.store.incidents.list({}).length;

function deep(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) v = { v };
  return v;
}

describe('log_incident limits', () => {
  it('refuses an empty id instead of opening a new incident', async () => {
    const before = count();
    expect(await h.fails('log_incident', { ...valid, id: '' })).toBe(
      'invalid arguments for log_incident: id: String must contain at least 1 character(s). Nothing was changed.',
    );
    expect(count()).toBe(before);
  });

  it('refuses 5,000-deep and oversized details with the limit, and keeps 32 levels', async () => {
    const before = count();
    expect(await h.fails('log_incident', { ...valid, details: deep(5000) })).toBe(
      'invalid arguments for log_incident: details: is nested deeper than 32 levels. Nothing was changed.',
    );
    expect(await h.fails('log_incident', { ...valid, details: { blob: 'x'.repeat(70_000) } })).toMatch(
      /^invalid arguments for log_incident: details: is 7\d{4} bytes as JSON; at most 65536 are kept\. Nothing was changed\.$/,
    );
    expect(await h.fails('log_incident', { ...valid, action: { tool: 'x', ok: true, arguments: deep(100) } })).toMatch(
      /action\.arguments: is nested deeper than 32/,
    );
    expect(count()).toBe(before);
    expect(h.deps.store.audit.list({ limit: 1 })[0]).toMatchObject({ tool: 'log_incident', ok: false });
    const ok = await h.ok<{ created: boolean }>('log_incident', { ...valid, details: deep(30) });
    expect(ok.created).toBe(true);
  });

  it('bounds names and refuses line breaks, NUL and bidi overrides in single-line fields', async () => {
    const before = count();
    expect(await h.fails('log_incident', { ...valid, namespace: 'n'.repeat(1024 * 1024) })).toBe(
      'invalid arguments for log_incident: namespace: String must contain at most 63 character(s). Nothing was changed.',
    );
    expect(await h.fails('log_incident', { ...valid, namespace: 'Demo Space' })).toMatch(/namespace: namespace must be a lowercase DNS label/);
    expect(await h.fails('log_incident', { ...valid, target: 't'.repeat(1024 * 1024) })).toBe(
      'invalid arguments for log_incident: target: String must contain at most 253 character(s). Nothing was changed.',
    );
    expect(await h.fails('log_incident', { ...valid, title: 'ok\r\nInjected: line' })).toBe(
      'argument "title" must be one line (it contains a line break or tab). Nothing was changed.',
    );
    expect(await h.fails('log_incident', { ...valid, target: 'web\u0000' })).toMatch(/argument "target" contains a control character \(U\+0000\)/);
    expect(await h.fails('log_incident', { ...valid, title: 'evil\u202etxt.exe' })).toMatch(/bidirectional-override character \(U\+202E\)/);
    expect(await h.fails('log_incident', { ...valid, action: { tool: 'x', ok: true, reason: 'a\u2066b' } })).toMatch(
      /argument "action" contains a bidirectional/,
    );
    expect(count()).toBe(before);
    // A summary may span lines; "(cluster)" is the namespace of node and cluster-wide incidents.
    const r = await h.ok<{ incident: { summary: string } }>('log_incident', { ...valid, namespace: '(cluster)', target: 'node-1', summary: 'first\nsecond' });
    expect(r.incident.summary).toBe('first\nsecond');
  });
});
