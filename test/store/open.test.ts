/**
 * Issue 19 items 8 and 10: a store that cannot be used refuses to start, naming the file and the cause
 * (corrupt, read-only, locked by another process), instead of starting and failing every write; the
 * busy timeout is short so a foreign lock is reported, not waited out with the event loop frozen.
 */
import { chmodSync, closeSync, mkdtempSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RealClock } from '../../src/base/clock.js';
import { BUSY_TIMEOUT_MS } from '../../src/store/db.js';
import { Store, StoreOpenError } from '../../src/store/index.js';
import { holdStoreLock } from '../hardening/lock.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'sentinelops-open-')), 'x.db');
const clock = new RealClock();

/** A store with enough rows to span many pages, closed, then with pages in the middle overwritten. */
function corruptPastHeader(): string {
  const path = fresh();
  const s = Store.open(path, clock);
  s.db.transaction(() => {
    for (let i = 0; i < 400; i++)
      s.incidents.open({ type: 'crash_loop', severity: 'high', namespace: 'demo', target: `t${i}`, title: `incident ${i} ${'x'.repeat(200)}` });
  })();
  s.db.pragma('wal_checkpoint(TRUNCATE)');
  s.close();
  const size = statSync(path).size;
  expect(size).toBeGreaterThan(64 * 1024);
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(16 * 1024, 0xa5), 0, 16 * 1024, 8 * 4096);
  closeSync(fd);
  return path;
}

describe('Store.open refuses a store it could not use', () => {
  it('a file damaged past its header: refused as corrupt, naming the path', () => {
    const path = corruptPastHeader();
    let err: unknown;
    try {
      Store.open(path, clock).close();
    } catch (e) {
      err = e;
    }
    expect((err as Error | undefined)?.message).toContain(`cannot use the store file ${path}`);
    expect((err as Error).message).toMatch(/corrupt/);
    expect(err).toBeInstanceOf(StoreOpenError);
  });

  it('a file that is not a database at all: refused as corrupt', () => {
    const path = fresh();
    writeFileSync(path, 'this is not a SQLite database, just text that happens to be long enough '.repeat(100));
    expect(() => Store.open(path, clock)).toThrow(/cannot use the store file .*x\.db: the store file is corrupt/);
  });

  // root ignores file modes, so this case can only be checked as another user.
  it.skipIf(process.getuid?.() === 0)('a read-only file: refused as read-only (skipped as root, which may write any file)', () => {
    const path = fresh();
    Store.open(path, clock).close();
    chmodSync(path, 0o444);
    expect(() => Store.open(path, clock)).toThrow(/cannot use the store file .*: the store file \(or its directory\) is read-only/);
  });

  it('a store locked by another process: refused quickly as locked, not after a long freeze', async () => {
    const path = fresh();
    Store.open(path, clock).close();
    const lock = await holdStoreLock(path);
    try {
      const t0 = performance.now();
      expect(() => Store.open(path, clock)).toThrow(/cannot use the store file .*: the store file is locked by another process/);
      expect(performance.now() - t0).toBeLessThan(1500);
    } finally {
      await lock.release();
    }
    Store.open(path, clock).close();
  });

  it('a sound file opens, with a short busy timeout', () => {
    const s = Store.open(fresh(), clock);
    try {
      expect(s.db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
      expect(BUSY_TIMEOUT_MS).toBeLessThanOrEqual(1000);
    } finally {
      s.close();
    }
  });
});
