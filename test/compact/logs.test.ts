/** get_pod_logs filters on the simulator's nginx logs: grep, level, head, maxBytes, and errors first. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodLogsResult } from '../../src/services/logs.js';
import { levelOf } from '../../src/services/logs.js';
import { type Harness, startHarness, textOf } from '../server/harness.js';

let h: Harness;
let pod: string;

beforeAll(async () => {
  h = await startHarness();
  const pods = (await h.ok<{ items: { name: string }[] }>('list_pods', { namespace: 'demo' })).items;
  pod = pods[0]!.name;
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const logs = (args: Record<string, unknown>) => h.ok<PodLogsResult>('get_pod_logs', { namespace: 'demo', pod, ...args });

describe('get_pod_logs', () => {
  it('counts lines by severity and leads the text with them', async () => {
    const out = await logs({ tailLines: 200 });
    expect(out.scanned).toBeGreaterThan(0);
    expect(out.levels.info).toBeGreaterThan(0);
    const r = (await h.call('get_pod_logs', { namespace: 'demo', pod })) as CallToolResult;
    expect(textOf(r).split('\n')[0]).toMatch(new RegExp(`^pod demo/${pod}: \\d+ lines read.*; \\d+ shown`));
    expect(textOf(r)).not.toContain('\\"');
  });

  it('level keeps that severity or worse; grep keeps matching lines', async () => {
    const notice = await logs({ level: 'info', tailLines: 500 });
    expect(notice.lines.length).toBeGreaterThan(0);
    for (const l of notice.lines) expect(['error', 'warn', 'info']).toContain(levelOf(l));
    const warn = await logs({ level: 'warn', tailLines: 500 });
    for (const l of warn.lines) expect(['error', 'warn']).toContain(levelOf(l));
    const grep = await logs({ grep: 'nginx/1\\.27', tailLines: 500 });
    expect(grep.lines.length).toBeGreaterThan(0);
    for (const l of grep.lines) expect(l).toMatch(/nginx\/1\.27/);
  });

  it('head gives the first lines, maxBytes caps the text', async () => {
    const head = await logs({ head: 2 });
    expect(head.lines).toHaveLength(2);
    expect(head.lines[0]).toContain('docker-entrypoint');
    const small = await logs({ tailLines: 500, maxBytes: 300 });
    expect(small.lines.join('\n').length).toBeLessThanOrEqual(300);
    expect(small.truncated).toBe(true);
  });

  it('refuses a bad or catastrophic regular expression, and head with tailLines', async () => {
    expect(await h.fails('get_pod_logs', { namespace: 'demo', pod, grep: '([a-z' })).toContain('grep is not a valid regular expression');
    expect(await h.fails('get_pod_logs', { namespace: 'demo', pod, grep: '(a+)+$' })).toContain('repeated group');
    expect(await h.fails('get_pod_logs', { namespace: 'demo', pod, head: 5, tailLines: 5 })).toContain('head or tailLines');
  });

  it('levelOf reads the usual spellings', () => {
    expect(levelOf('2024-01-01T00:00:00Z FATAL unrecoverable error')).toBe('error');
    expect(levelOf('2024/01/01 00:00:00 [emerg] 1#1: worker exited')).toBe('error');
    expect(levelOf('{"level":"warn","msg":"slow"}')).toBe('warn');
    expect(levelOf('E0102 12:00:00.000 1 main.go:1] boom')).toBe('error');
    expect(levelOf('GET /index.html 200')).toBeUndefined();
  });
});
