/**
 * The agent's memory between processes: one bounded JSON document per key (an agent identity on a cluster),
 * with a version for optimistic concurrency. A save names the version it read; when another writer saved
 * since, the save is refused with the current version and the caller decides (reload, or overwrite).
 */
import type { Db } from './db.js';

/** Upper bound of one document as JSON: the agent prunes its history well below it. */
export const MAX_AGENT_STATE_BYTES = 512 * 1024;

export interface AgentStateDocument {
  key: string;
  /** 1 for the first save, +1 per save */
  version: number;
  document: unknown;
  /** epoch ms */
  updatedAt: number;
}

export type SaveResult = { ok: true; version: number } | { ok: false; conflict: true; version: number };

export class AgentStateTooLarge extends Error {
  override readonly name = 'AgentStateTooLarge';
}

export class AgentStateRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  load(key: string): AgentStateDocument | undefined {
    const row = this.db.prepare('SELECT key, version, document, updated_at FROM agent_state WHERE key = ?').get(key) as
      | { key: string; version: number; document: string; updated_at: number }
      | undefined;
    return row && { key: row.key, version: row.version, document: JSON.parse(row.document) as unknown, updatedAt: row.updated_at };
  }

  /**
   * Saves when `expectedVersion` is the stored version (0: none stored yet) or undefined (last writer wins).
   * One IMMEDIATE transaction, so two processes cannot both pass the version check.
   */
  save(key: string, document: unknown, expectedVersion?: number): SaveResult {
    const text = JSON.stringify(document);
    const size = Buffer.byteLength(text);
    if (size > MAX_AGENT_STATE_BYTES) throw new AgentStateTooLarge(`agent state ${key} is ${size} bytes as JSON; at most ${MAX_AGENT_STATE_BYTES} are kept`);
    return this.db
      .transaction((): SaveResult => {
        const current = (this.db.prepare('SELECT version FROM agent_state WHERE key = ?').get(key) as { version: number } | undefined)?.version ?? 0;
        if (expectedVersion !== undefined && expectedVersion !== current) return { ok: false, conflict: true, version: current };
        const version = current + 1;
        this.db
          .prepare(
            'INSERT INTO agent_state (key, version, document, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET version = excluded.version, document = excluded.document, updated_at = excluded.updated_at',
          )
          .run(key, version, text, this.now());
        return { ok: true, version };
      })
      .immediate();
  }
}
