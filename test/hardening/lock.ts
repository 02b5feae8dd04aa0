/** Starts another process that holds the write lock of the SQLite file at `path` until released. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const HOLDER = resolve(__dirname, 'fixtures/hold-lock.mjs');

export interface HeldLock {
  release(): Promise<void>;
}

export async function holdStoreLock(path: string): Promise<HeldLock> {
  const child = spawn(process.execPath, [HOLDER, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((res, rej) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && res());
    child.once('exit', (code) => rej(new Error(`the lock holder exited (${code}) before taking the lock`)));
    child.once('error', rej);
  });
  return {
    release: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}
