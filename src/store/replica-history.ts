/**
 * Replica counts over time per deployment; cost savings are computed from it against a static baseline.
 */
import type { Db } from './db.js';
import type { ReplicaSample } from './types.js';

export interface ReplicaSampleInput {
  namespace: string;
  deployment: string;
  replicas: number;
  readyReplicas: number;
  at?: number;
}

export interface ReplicaQuery {
  namespace?: string;
  deployment?: string;
  since?: number;
  until?: number;
}

interface Row {
  at: number;
  namespace: string;
  deployment: string;
  replicas: number;
  ready_replicas: number;
}

export class ReplicaHistoryRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  record(s: ReplicaSampleInput): void {
    this.db
      .prepare('INSERT INTO replica_history (at, namespace, deployment, replicas, ready_replicas) VALUES (?, ?, ?, ?, ?)')
      .run(s.at ?? this.now(), s.namespace, s.deployment, s.replicas, s.readyReplicas);
  }

  /** Oldest first, the order a time integral wants. */
  list(q: ReplicaQuery = {}): ReplicaSample[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.namespace) where.push('namespace = ?'), args.push(q.namespace);
    if (q.deployment) where.push('deployment = ?'), args.push(q.deployment);
    if (q.since !== undefined) where.push('at >= ?'), args.push(q.since);
    if (q.until !== undefined) where.push('at <= ?'), args.push(q.until);
    const rows = this.db.prepare(`SELECT * FROM replica_history ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at, seq`).all(...args) as Row[];
    return rows.map((r) => ({
      at: new Date(r.at).toISOString(),
      namespace: r.namespace,
      deployment: r.deployment,
      replicas: r.replicas,
      readyReplicas: r.ready_replicas,
    }));
  }
}
