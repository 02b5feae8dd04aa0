/**
 * A process killed with SIGKILL between queueing a notification and sending it: the message is on disk,
 * the next process sends it, exactly once. Killed while the request is in flight (the receiver never
 * answered): the lease runs out and the next process sends it again with the same delivery id.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Receiver } from './receiver.js';

const CHILD = fileURLToPath(new URL('./fixtures/notify-child.ts', import.meta.url));
let dir: string;
let db: string;
let hook: Receiver;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'notify-crash-'));
  db = join(dir, 'store.db');
  hook = await new Receiver().start();
});
afterEach(async () => {
  await hook.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(mode: string, until?: () => boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, db, hook.url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const poll = until
      ? setInterval(() => {
          if (until()) child.kill('SIGKILL');
        }, 20)
      : undefined;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      clearTimeout(deadline);
      resolve({ code, signal, out });
    });
  });
}

const outboxRows = () => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT state, attempts FROM notification_outbox').all();
  } finally {
    d.close();
  }
};

it('delivers after a restart what a SIGKILLed process queued but never sent, and only once', async () => {
  const killed = await run('enqueue-and-die');
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.out).toBe('enqueued\n');
  expect(hook.received).toHaveLength(0);
  expect(outboxRows()).toEqual([{ state: 'pending', attempts: 0 }]);

  expect((await run('deliver')).out).toBe('drained\n');
  expect(hook.accepted.map((b) => b.key)).toEqual(['inc-1:opened']);
  // A further restart finds nothing to send.
  expect((await run('deliver')).out).toBe('drained\n');
  expect(hook.received).toHaveLength(1);
  expect(outboxRows()).toEqual([{ state: 'delivered', attempts: 1 }]);
}, 60_000);

it('sends again, with the same delivery id, a message whose sender died before the receiver answered', async () => {
  // The first request is taken and never answered: the receiver has it, the sender never hears back.
  hook.plan.push({ status: 0, hold: true });
  const killed = await run('send', () => hook.received.length === 1);
  expect(killed.signal).toBe('SIGKILL');
  expect(outboxRows()).toEqual([{ state: 'pending', attempts: 0 }]);

  expect((await run('deliver')).out).toBe('drained\n');
  const ids = hook.received.map((r) => r.headers['x-sentinelops-delivery']);
  expect(ids).toEqual(['hook:inc-1:opened', 'hook:inc-1:opened']);
  expect(outboxRows()).toEqual([{ state: 'delivered', attempts: 1 }]);
}, 60_000);
