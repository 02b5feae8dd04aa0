/**
 * Versioned schema changes, applied in order and never edited once released: add a new entry instead.
 * Times are epoch milliseconds; JSON columns hold arguments, results and object snapshots.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'incidents, audit, replica history',
    sql: `
      CREATE TABLE incidents (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        severity TEXT NOT NULL,
        namespace TEXT NOT NULL,
        target TEXT NOT NULL,
        title TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '',
        detected_at INTEGER NOT NULL,
        acknowledged_at INTEGER,
        resolved_at INTEGER,
        outcome TEXT NOT NULL DEFAULT 'open',
        details TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX incidents_detected ON incidents (detected_at);
      CREATE INDEX incidents_target ON incidents (namespace, target, type);
      CREATE TABLE incident_actions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_seq INTEGER NOT NULL REFERENCES incidents (seq),
        at INTEGER NOT NULL,
        tool TEXT NOT NULL,
        arguments TEXT NOT NULL,
        ok INTEGER NOT NULL,
        result TEXT,
        reason TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX incident_actions_incident ON incident_actions (incident_seq);
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        caller TEXT NOT NULL,
        tool TEXT NOT NULL,
        target TEXT,
        arguments TEXT NOT NULL,
        before TEXT,
        after TEXT,
        ok INTEGER NOT NULL,
        error TEXT,
        dry_run INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX audit_at ON audit (at);
      CREATE INDEX audit_target ON audit (target, at);
      CREATE TABLE replica_history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        namespace TEXT NOT NULL,
        deployment TEXT NOT NULL,
        replicas INTEGER NOT NULL,
        ready_replicas INTEGER NOT NULL
      );
      CREATE INDEX replica_history_target ON replica_history (namespace, deployment, at);
    `,
  },
];
