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
import { AgentStateRepository } from './agent-state.js';
import { SqliteStateBackend, type StateBackend } from './backend.js';

export * from './types.js';
export type {
  IncidentEvent,
  OpenIncidentInput,
  ActionInput,
  IncidentUpdate,
  IncidentQuery,
  HoldInput,
  IntentOutcome,
  IntentInput as IncidentIntentInput,
} from './incidents.js';
export type { AuditInput, AuditQuery, AuditView, IntentInput, Settlement } from './audit.js';
export type { AgentStateDocument, SaveResult } from './agent-state.js';
export { AgentStateTooLarge, MAX_AGENT_STATE_BYTES } from './agent-state.js';
export type { AgentStatePort, AuditPort, IncidentEvents, IncidentPort, StateBackend } from './backend.js';
export { SqliteStateBackend } from './backend.js';
export { describeStoreFailure, StoreOpenError } from './db.js';
export type { ReplicaSampleInput, ReplicaQuery } from './replica-history.js';
export type { UsageSampleRecord, UsageSampleInput, UsageQuery } from './usage-samples.js';
export { CHAOS_KINDS, CHAOS_STATES } from './chaos-experiments.js';
export type { ChaosExperimentRecord, ChaosKind, ChaosState, NewChaosExperiment } from './chaos-experiments.js';
export { computeIncidentStats } from './stats.js';

export interface StoreOptions {
  /**
   * The shared state (incidents, audit, agent state) when it is not this file: e.g. a Kubernetes backend for HA
   * replicas. Given the local store, so a backend may still use its file for what stays local.
   */
  state?: (local: Store) => StateBackend;
}

export class Store {
  /**
   * What replicas share (incidents, audit, agent state), async: services, tools and the agent's server go through
   * this port. SQLite by default, wrapping the repositories below.
   */
  readonly state: StateBackend;
  /** The local SQLite repositories. incidents/audit/agentState are what the SQLite state backend wraps. */
  readonly incidents: IncidentRepository;
  readonly audit: AuditRepository;
  readonly replicas: ReplicaHistoryRepository;
  readonly usage: UsageSampleRepository;
  readonly chaos: ChaosExperimentRepository;
  readonly agentState: AgentStateRepository;

  private constructor(
    readonly db: Db,
    clock: Pick<Clock, 'now'>,
    options: StoreOptions,
  ) {
    const now = () => clock.now();
    this.incidents = new IncidentRepository(db, now);
    this.audit = new AuditRepository(db, now);
    this.replicas = new ReplicaHistoryRepository(db, now);
    this.usage = new UsageSampleRepository(db, now);
    this.chaos = new ChaosExperimentRepository(db);
    this.agentState = new AgentStateRepository(db, now);
    this.state = options.state?.(this) ?? new SqliteStateBackend({ incidents: this.incidents, audit: this.audit, agentState: this.agentState });
  }

  /** `path` is a file (its directory is created) or `:memory:`. */
  static open(path: string, clock: Pick<Clock, 'now'>, options: StoreOptions = {}): Store {
    return new Store(openDatabase(path), clock, options);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
