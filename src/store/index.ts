/**
 * The store: one SQLite file and its repositories. Open once at start, pass down, close on shutdown.
 */
import type { Clock } from '../base/clock.js';
import { openDatabase, type Db } from './db.js';
import { AuditRepository } from './audit.js';
import { IncidentRepository } from './incidents.js';
import { ReplicaHistoryRepository } from './replica-history.js';
import { ChaosExperimentRepository } from './chaos-experiments.js';
import { UsageSampleRepository } from './usage-samples.js';

export * from './types.js';
export type { IncidentEvent, OpenIncidentInput, ActionInput, IncidentUpdate, IncidentQuery } from './incidents.js';
export type { AuditInput, AuditQuery, IntentInput, Settlement } from './audit.js';
export { describeStoreFailure, StoreOpenError } from './db.js';
export type { ReplicaSampleInput, ReplicaQuery } from './replica-history.js';
export type { UsageSampleRecord, UsageSampleInput, UsageQuery } from './usage-samples.js';
export { CHAOS_KINDS, CHAOS_STATES } from './chaos-experiments.js';
export type { ChaosExperimentRecord, ChaosKind, ChaosState, NewChaosExperiment } from './chaos-experiments.js';
export { computeIncidentStats } from './stats.js';

export class Store {
  readonly incidents: IncidentRepository;
  readonly audit: AuditRepository;
  readonly replicas: ReplicaHistoryRepository;
  readonly usage: UsageSampleRepository;
  readonly chaos: ChaosExperimentRepository;

  private constructor(
    readonly db: Db,
    clock: Pick<Clock, 'now'>,
  ) {
    const now = () => clock.now();
    this.incidents = new IncidentRepository(db, now);
    this.audit = new AuditRepository(db, now);
    this.replicas = new ReplicaHistoryRepository(db, now);
    this.usage = new UsageSampleRepository(db, now);
    this.chaos = new ChaosExperimentRepository(db);
  }

  /** `path` is a file (its directory is created) or `:memory:`. */
  static open(path: string, clock: Pick<Clock, 'now'>): Store {
    return new Store(openDatabase(path), clock);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
