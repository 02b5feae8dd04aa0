/**
 * What the image relies on by running `node` as PID 1 without an init: the CLI itself handles SIGTERM. The real
 * CLI (agent, and serve --http --agent) on the embedded simulator gets SIGTERM mid-run and must exit 0 — not
 * 143, which is what an unhandled SIGTERM gives — after draining the agent, with the SQLite store closed (no
 * -wal file left, the last connection's checkpoint removes it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

async function runUntil(args: string[], ready: RegExp[]): Promise<{ child: ChildProcess; db: string; log: () => string }> {
  const db = join(mkdtempSync(join(tmpdir(), 'sentinelops-signals-')), 'sentinelops.db');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args, '--cluster', 'sim', '--db', db, '--log-level', 'info'], {
    cwd: ROOT,
    // stdin stays open (a pipe nobody writes to), as an MCP client's would: the stdio server must not take it as EOF.
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 120 s:\n${err.slice(-2000)}`)), 120_000);
    const check = () => {
      if (ready.every((r) => r.test(err))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.on('exit', (code) => reject(new Error(`exited early (${code}):\n${err.slice(-2000)}`)));
  });
  return { child, db, log: () => err };
}

function terminate(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - t0 }));
    child.kill('SIGTERM');
  });
}

describe('SIGTERM with node as PID 1 (the image has no init)', () => {
  const CYCLE = /"cycle":\d+,"trigger"/;
  it.each([
    ['agent', ['agent', '--interval', '1', '--quiet'], [CYCLE]],
    ['serve --http --agent', ['serve', '--http', '--agent', '--port', '0'], [CYCLE, /listening/]],
  ])(
    '%s drains, closes the store and exits 0',
    async (_name, args, ready) => {
      // A finished cycle first, so the stop really has an agent and a written store to drain and close.
      const run = await runUntil(args as string[], ready as RegExp[]);
      expect(existsSync(`${run.db}-wal`)).toBe(true);
      const r = await terminate(run.child);
      expect(r, run.log().slice(-2000)).toMatchObject({ code: 0, signal: null });
      expect(r.ms).toBeLessThan(30_000);
      expect(existsSync(run.db)).toBe(true);
      expect(existsSync(`${run.db}-wal`), 'the store was not closed').toBe(false);
    },
    180_000,
  );

  it('the stdio server (stdin still open) exits 0 on SIGTERM and closes the store', async () => {
    const run = await runUntil(['serve'], [/MCP server ready/]);
    const r = await terminate(run.child);
    expect(r, run.log().slice(-2000)).toMatchObject({ code: 0, signal: null });
    expect(r.ms).toBeLessThan(30_000);
    expect(existsSync(`${run.db}-wal`), 'the store was not closed').toBe(false);
  }, 180_000);
});
