/**
 * Opens the SQLite file and brings its schema up to date. WAL lets readers (dashboard, REST) run beside
 * the writer; synchronous=FULL makes every committed write durable before the call returns, so a
 * SIGKILL or power cut after a tool call never loses its audit row.
 *
 * Opening refuses a store it could not use: a corrupt file or one it cannot write fails here, naming
 * the path and the cause, instead of starting and then failing every mutation (their audit rows could
 * not be written, so nothing would be allowed to change).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/**
 * How long a write waits for a lock another process (the agent, a second server) holds. SQLite waits
 * synchronously, freezing the event loop, so this stays short: our own transactions last milliseconds,
 * and a lock held longer is a stuck or foreign process the caller must hear about, not wait out.
 */
export const BUSY_TIMEOUT_MS = 250;

/** A store that cannot be used at all; thrown by openDatabase so the process refuses to start. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
}

export function openDatabase(path: string): Db {
  let db: Db | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Reads every page once: a file damaged past its header opens without complaint otherwise.
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(`integrity check failed: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
    migrate(db);
    // A write now, so a read-only file, directory or disk is found at start and not at the first change.
    db.prepare('INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      'opened_at',
      new Date().toISOString(),
    );
    return db;
  } catch (err) {
    if (db?.open) db.close();
    throw new StoreOpenError(
      `cannot use the store file ${path}: ${describeStoreFailure(err)}. Fix the file or point store.path (--db, SENTINELOPS_DB) elsewhere.`,
      {
        cause: err,
      },
    );
  }
}

/** Applies every migration newer than the recorded version, each in its own transaction. */
export function migrate(db: Db): number {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const current = (db.prepare('SELECT MAX(version) AS v FROM migrations').get() as { v: number | null }).v ?? 0;
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
  }
  return MIGRATIONS.length === 0 ? current : Math.max(current, MIGRATIONS[MIGRATIONS.length - 1]!.version);
}

const CAUSES: [RegExp, string][] = [
  [/^SQLITE_BUSY/, 'the store file is locked by another process (it held the lock longer than BUSY_MS)'],
  [/^SQLITE_LOCKED/, 'the store file is locked by another connection'],
  [/^SQLITE_READONLY/, 'the store file (or its directory) is read-only'],
  [/^SQLITE_FULL/, 'the disk holding the store file is full'],
  [/^SQLITE_(CORRUPT|NOTADB)/, 'the store file is corrupt (not a readable SQLite database)'],
  [/^SQLITE_CANTOPEN/, 'the store file cannot be opened (missing directory, a directory in its place, or no permission)'],
  [/^SQLITE_(IOERR|PERM|AUTH)/, 'reading or writing the store file failed at the operating-system level'],
  [/^E(ACCES|PERM|ROFS)$/, 'no permission to create the store file or its directory'],
];

/**
 * A sentence saying why a store operation failed, for refusals and start-up errors: the kind of failure
 * (lock, read-only, disk full, corrupt) followed by SQLite's own code and message.
 */
export function describeStoreFailure(err: unknown): string {
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const raw = (err as Error)?.message ?? String(err);
  const kind = CAUSES.find(([re]) => re.test(code))?.[1]?.replace('BUSY_MS', `${BUSY_TIMEOUT_MS} ms`);
  return kind ? `${kind} (${code}: ${raw})` : raw;
}
