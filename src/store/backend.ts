/**
 * The state port: what replicas of SentinelOps must share, as async interfaces a backend implements.
 *
 *   incidents   — the incident records, their actions and their timeline (intents, holds), with change events;
 *   audit       — the audit log of mutations, including the claim that checks the guardrails and writes the
 *                 intent atomically (the cooldown and the disruption budget are read from it);
 *   agentState  — one bounded JSON document per agent key (the policy's History, the monitor's restart counts),
 *                 versioned for optimistic concurrency.
 *
 * `SqliteStateBackend` (below) wraps the repositories of one SQLite file: one process, or several sharing the
 * file on one host. A Kubernetes backend keeps the same records as custom resources so every replica of an HA
 * deployment sees one truth. What a backend must guarantee, whatever it stores in:
 *   - incidents.open is idempotent on (cluster, type, namespace, target) while one is open or escalated: a second open
 *     returns that incident with opened=false (two replicas racing must not both create one);
 *   - audit.claim runs `check` against a view of the audit log (the intent's cluster's rows) and writes the intent only if it passes, with no
 *     other claim able to pass the same check in between (SQLite: an IMMEDIATE transaction; Kubernetes: create
 *     with a deterministic name or a resourceVersion precondition, retried on conflict after re-reading);
 *   - audit.lastChangeAt / disruptedSince count pending intents as changes (one may be in flight, or its outcome
 *     lost with a crashed process);
 *   - agentState.save with an expectedVersion fails with conflict when another writer saved since;
 *   - incidents.events emits after every successful write of this process (subscriptions, metrics, the feed);
 *     a backend that sees other replicas' writes (a watch) may emit those too.
 * Errors: a backend throws on a store it cannot reach or write; callers turn that into 'unavailable' refusals
 * (describeStoreFailure gives the sentence for SQLite errors; other backends throw Errors with a readable message).
 *
 * Replica history, usage samples and chaos experiments are not part of the port: they stay in the local SQLite
 * file of each process (`Store.replicas`, `.usage`, `.chaos`).
 */
import type { EventEmitter } from 'node:events';
import type { AgentStateDocument, AgentStateRepository, SaveResult } from './agent-state.js';
import type { AuditInput, AuditQuery, AuditRepository, AuditView, IntentInput as AuditIntentInput, Settlement } from './audit.js';
import type {
  ActionInput,
  HoldInput,
  IncidentEvent,
  IncidentQuery,
  IncidentRepository,
  IncidentUpdate,
  IntentInput,
  IntentOutcome,
  OpenIncidentInput,
} from './incidents.js';
import type { AuditEntry, Incident } from './types.js';

export type IncidentEvents = Pick<EventEmitter<{ incident: [IncidentEvent] }>, 'on' | 'off' | 'listenerCount'>;

export interface IncidentPort {
  readonly events: IncidentEvents;
  /** Opens, or returns the open/escalated incident of this type on this target (opened=false). */
  open(input: OpenIncidentInput): Promise<{ incident: Incident; opened: boolean }>;
  /** An action taken; the first one acknowledges the incident. Undefined for an unknown id. */
  addAction(id: string, action: ActionInput): Promise<Incident | undefined>;
  /** An intent, before its tool is called: `entry` settles it later. */
  intend(id: string, intent: IntentInput): Promise<{ incident: Incident; entry: number } | undefined>;
  /** The outcome of a pending intent; undefined when `entry` is not a pending intent of this incident. */
  settleIntent(id: string, entry: number, outcome: IntentOutcome): Promise<Incident | undefined>;
  /** A decision not to act, deduplicated on (reason, tool): count and lastSeen grow. */
  hold(id: string, hold: HoldInput): Promise<Incident | undefined>;
  update(id: string, patch: IncidentUpdate): Promise<Incident | undefined>;
  /** Resolving twice keeps the first resolution time. */
  resolve(id: string, opts?: { at?: number; summary?: string }): Promise<Incident | undefined>;
  get(id: string): Promise<Incident | undefined>;
  /** Newest first. */
  list(q?: IncidentQuery): Promise<Incident[]>;
  findOpen(type: string, namespace: string, target: string, cluster?: string): Promise<Incident | undefined>;
}

export interface AuditPort {
  /** A settled row: a refusal, a dry run, or a call that is not a cluster change. */
  record(e: AuditInput): Promise<AuditEntry>;
  /** Runs `check` (guardrails; throws to refuse) and writes a pending intent, atomically; see the module comment. */
  claim(e: AuditIntentInput, check: (view: AuditView) => void): Promise<AuditEntry>;
  /** Runs `check` against a current view of `cluster`'s rows (claim's scope) without writing (dry runs). */
  inspect<T>(check: (view: AuditView) => T, cluster?: string): Promise<T>;
  /** False when the row was not pending (settled already). */
  settle(id: number, s: Settlement): Promise<boolean>;
  lastChangeAt(target: string, tool: string): Promise<number | undefined>;
  disruptedSince(workload: string, since: number): Promise<number>;
  get(id: number): Promise<AuditEntry | undefined>;
  /** Newest first. */
  list(q?: AuditQuery): Promise<AuditEntry[]>;
  /** Intents nobody settled, oldest first. */
  pending(limit?: number): Promise<AuditEntry[]>;
}

export interface AgentStatePort {
  load(key: string): Promise<AgentStateDocument | undefined>;
  /** `expectedVersion`: the version loaded (0 when none was); undefined overwrites whatever is stored. */
  save(key: string, document: unknown, expectedVersion?: number): Promise<SaveResult>;
}

export interface StateBackend {
  /** 'sqlite' or 'kubernetes': shown by status tools and logs. */
  readonly kind: string;
  readonly incidents: IncidentPort;
  readonly audit: AuditPort;
  readonly agentState: AgentStatePort;
  /** Stops what the backend runs in the background (watches, pruning); SQLite has nothing to stop. */
  close?(): void;
}

/** The SQLite backend: the repositories of one file behind the async port (each call is one synchronous transaction). */
export class SqliteStateBackend implements StateBackend {
  readonly kind = 'sqlite';
  readonly incidents: IncidentPort;
  readonly audit: AuditPort;
  readonly agentState: AgentStatePort;

  constructor(repos: { incidents: IncidentRepository; audit: AuditRepository; agentState: AgentStateRepository }) {
    const { incidents, audit, agentState } = repos;
    this.incidents = {
      events: incidents.events,
      open: async (input) => incidents.openOrGet(input),
      addAction: async (id, action) => incidents.addAction(id, action),
      intend: async (id, intent) => incidents.intend(id, intent),
      settleIntent: async (id, entry, outcome) => incidents.settleIntent(id, entry, outcome),
      hold: async (id, h) => incidents.hold(id, h),
      update: async (id, patch) => incidents.update(id, patch),
      resolve: async (id, opts) => incidents.resolve(id, opts),
      get: async (id) => incidents.get(id),
      list: async (q) => incidents.list(q),
      findOpen: async (type, namespace, target, cluster) => incidents.findOpen(type, namespace, target, cluster),
    };
    this.audit = {
      record: async (e) => audit.record(e),
      claim: async (e, check) => audit.claim(e, check),
      inspect: async (check, cluster) => check(audit.view(cluster)),
      settle: async (id, s) => audit.settle(id, s),
      lastChangeAt: async (target, tool) => audit.lastChangeAt(target, tool),
      disruptedSince: async (workload, since) => audit.disruptedSince(workload, since),
      get: async (id) => audit.get(id),
      list: async (q) => audit.list(q),
      pending: async (limit) => audit.pending(limit),
    };
    this.agentState = {
      load: async (key) => agentState.load(key),
      save: async (key, document, expectedVersion) => agentState.save(key, document, expectedVersion),
    };
  }
}
