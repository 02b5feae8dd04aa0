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
  {
    version: 2,
    name: 'usage samples, chaos experiments',
    sql: `
      CREATE TABLE usage_samples (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        namespace TEXT NOT NULL,
        deployment TEXT NOT NULL,
        pods INTEGER NOT NULL,
        cpu_millicores REAL NOT NULL,
        memory_bytes REAL NOT NULL,
        cpu_max_pod_millicores REAL NOT NULL,
        memory_max_pod_bytes REAL NOT NULL,
        cpu_request_millicores REAL NOT NULL,
        memory_request_bytes REAL NOT NULL
      );
      CREATE INDEX usage_samples_target ON usage_samples (namespace, deployment, at);
      CREATE TABLE chaos_experiments (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        namespace TEXT NOT NULL,
        target TEXT NOT NULL,
        backend TEXT NOT NULL,
        caller TEXT NOT NULL,
        params TEXT NOT NULL,
        state TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        ended_at INTEGER,
        handles TEXT NOT NULL DEFAULT '{}',
        detail TEXT NOT NULL DEFAULT '{}',
        error TEXT
      );
      CREATE INDEX chaos_experiments_state ON chaos_experiments (state, expires_at);
    `,
  },
  {
    version: 3,
    name: 'audit intents (pending rows), per-workload disruption, store probe',
    sql: `
      ALTER TABLE audit ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE audit ADD COLUMN workload TEXT;
      ALTER TABLE audit ADD COLUMN pods INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX audit_workload ON audit (workload, at);
      CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 4,
    name: 'incident timeline (intents, holds), agent state',
    sql: `
      CREATE TABLE incident_timeline (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_seq INTEGER NOT NULL REFERENCES incidents (seq),
        kind TEXT NOT NULL,
        at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        count INTEGER NOT NULL DEFAULT 1,
        hold_key TEXT,
        tool TEXT,
        arguments TEXT,
        reason TEXT NOT NULL,
        message TEXT NOT NULL,
        observation TEXT,
        state TEXT NOT NULL,
        ok INTEGER,
        result TEXT,
        settled_at INTEGER
      );
      CREATE INDEX incident_timeline_incident ON incident_timeline (incident_seq);
      CREATE TABLE agent_state (
        key TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        document TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'notification outbox, pending plans (approvals)',
    sql: `
      CREATE TABLE notification_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        sink TEXT NOT NULL,
        event_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        event TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        lease_until INTEGER,
        delivered_at INTEGER,
        last_status INTEGER,
        last_error TEXT,
        UNIQUE (sink, event_key)
      );
      CREATE INDEX notification_outbox_due ON notification_outbox (state, next_attempt_at);
      CREATE TABLE pending_plans (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        source TEXT NOT NULL,
        tool TEXT NOT NULL,
        arguments TEXT NOT NULL,
        namespace TEXT NOT NULL,
        target TEXT NOT NULL,
        risk TEXT NOT NULL,
        plan TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        incident_id TEXT,
        decided_by TEXT,
        decided_at INTEGER,
        result TEXT
      );
      CREATE INDEX pending_plans_state ON pending_plans (state, expires_at);
    `,
  },
  {
    version: 6,
    name: 'the cluster of incidents and audit rows (many clusters)',
    // NULL: recorded before clusters were (the default cluster then), or by a server that knows one cluster only.
    sql: `
      ALTER TABLE incidents ADD COLUMN cluster TEXT;
      ALTER TABLE audit ADD COLUMN cluster TEXT;
      CREATE INDEX incidents_cluster ON incidents (cluster, detected_at);
    `,
  },
  {
    version: 7,
    name: 'the cluster of chaos experiments (chaos on any cluster)',
    // NULL: started before clusters were recorded (on the default cluster), or by a server that knows one cluster.
    sql: `ALTER TABLE chaos_experiments ADD COLUMN cluster TEXT;`,
  },
];
