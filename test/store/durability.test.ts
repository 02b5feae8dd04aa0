import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RealClock } from '../../src/base/clock.js';
import { Store } from '../../src/store/index.js';

const WRITER = resolve(__dirname, 'fixtures/writer.ts');

describe('store durability', () => {
  it('keeps every acknowledged write after the writer is SIGKILLed', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sentinelops-kill-')), 'x.db');
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, '200'], { stdio: ['ignore', 'pipe', 'inherit'] });
    // The writer prints a line after each committed write; kill it mid-stream, without warning.
    const acknowledged = await new Promise<number>((res, rej) => {
      let count = 0;
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        count += lines.filter((l) => l.startsWith('ok')).length;
        if (count >= 50 && !child.killed) {
          child.kill('SIGKILL');
          res(count);
        }
      });
      child.on('exit', () => res(count));
      child.on('error', rej);
    });
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    expect(child.signalCode).toBe('SIGKILL');
    const store = Store.open(path, new RealClock());
    try {
      expect(store.audit.list({ limit: 1000 }).length).toBeGreaterThanOrEqual(acknowledged);
      expect(store.incidents.list().length).toBeGreaterThanOrEqual(acknowledged);
    } finally {
      store.close();
    }
  });
});
