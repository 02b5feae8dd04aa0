/**
 * CPU and memory usage over time per deployment: what right-sizing recommendations read (a p95 of
 * observed usage says more than one reading). Totals are over the pods that had metrics.
 */
import type { Db } from './db.js';

export interface UsageSampleInput {
  namespace: string;
  deployment: string;
  /** pods that had metrics in this sample */
  pods: number;
  cpuMillicores: number;
  memoryBytes: number;
  /** the busiest pod: requests are per pod, so they must fit the busiest one */
  cpuMaxPodMillicores: number;
  memoryMaxPodBytes: number;
  cpuRequestMillicores: number;
  memoryRequestBytes: number;
  at?: number;
}

export type UsageSampleRecord = Required<UsageSampleInput>;

export interface UsageQuery {
  namespace?: string;
  deployment?: string;
  since?: number;
}

interface Row {
  at: number;
  namespace: string;
  deployment: string;
  pods: number;
  cpu_millicores: number;
  memory_bytes: number;
  cpu_max_pod_millicores: number;
  memory_max_pod_bytes: number;
  cpu_request_millicores: number;
  memory_request_bytes: number;
}

export class UsageSampleRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  record(s: UsageSampleInput): void {
    this.db
      .prepare(
        `INSERT INTO usage_samples (at, namespace, deployment, pods, cpu_millicores, memory_bytes, cpu_max_pod_millicores, memory_max_pod_bytes,
           cpu_request_millicores, memory_request_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        s.at ?? this.now(),
        s.namespace,
        s.deployment,
        s.pods,
        s.cpuMillicores,
        s.memoryBytes,
        s.cpuMaxPodMillicores,
        s.memoryMaxPodBytes,
        s.cpuRequestMillicores,
        s.memoryRequestBytes,
      );
  }

  /** Epoch ms of the newest sample of the deployment, if any. */
  lastAt(namespace: string, deployment: string): number | undefined {
    const row = this.db.prepare('SELECT MAX(at) AS at FROM usage_samples WHERE namespace = ? AND deployment = ?').get(namespace, deployment) as {
      at: number | null;
    };
    return row.at ?? undefined;
  }

  /** Oldest first; times in epoch ms. */
  list(q: UsageQuery = {}): UsageSampleRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.namespace) where.push('namespace = ?'), args.push(q.namespace);
    if (q.deployment) where.push('deployment = ?'), args.push(q.deployment);
    if (q.since !== undefined) where.push('at >= ?'), args.push(q.since);
    const rows = this.db.prepare(`SELECT * FROM usage_samples ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at, seq`).all(...args) as Row[];
    return rows.map((r) => ({
      at: r.at,
      namespace: r.namespace,
      deployment: r.deployment,
      pods: r.pods,
      cpuMillicores: r.cpu_millicores,
      memoryBytes: r.memory_bytes,
      cpuMaxPodMillicores: r.cpu_max_pod_millicores,
      memoryMaxPodBytes: r.memory_max_pod_bytes,
      cpuRequestMillicores: r.cpu_request_millicores,
      memoryRequestBytes: r.memory_request_bytes,
    }));
  }
}
