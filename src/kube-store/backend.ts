/**
 * The state port (src/store/backend.ts) on custom resources of the sentinelops.dev group in one namespace, so
 * every replica of an HA deployment, and every human with kubectl, reads one truth.
 *
 * - Incident: named `inc-<key hash><episode>` where the key hash is a 9-digit number from (cluster, type,
 *   namespace, target) and the episode counts the incidents of that key. Two replicas opening the same key
 *   compute the same next name; the API server accepts one create, the other gets AlreadyExists and returns the
 *   winner's incident. So there is never a second open incident for a key, and the id is a valid
 *   get_incident id (inc-<number>) that stays the same for the incident's life.
 * - AuditRecord: named `audit-<id>`, the id a time-based number (unique in practice; a collision is retried).
 *   `claim` serialises on the Cooldown object of the workload (else the target): read it, build the guard's
 *   view from it and the AuditRecords, run the check, write the Cooldown back with the resourceVersion read
 *   (compare-and-swap), then create the pending record. A racing replica's write makes ours fail with a
 *   conflict, and we start over and see its claim. The Cooldown's claim counts as a change in the view, so a
 *   replica killed between the swap and the record still holds the target.
 * - AgentState: one object per key; the version is its resourceVersion (numeric on etcd and the simulator).
 *
 * `events` is fed by a watch on Incidents: writes of every replica reach subscriptions on every replica. Our
 * own writes are emitted at once and their resourceVersion remembered, so the watch does not emit them twice.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { CustomObjectsApi, type KubeConfig, Watch } from '@kubernetes/client-node';
import { ServiceError } from '../base/errors.js';
import type { Logger } from '../base/log.js';
import { AgentStateTooLarge, MAX_AGENT_STATE_BYTES } from '../store/agent-state.js';
import type { AuditInput, AuditView } from '../store/audit.js';
import type { AgentStatePort, AuditPort, IncidentPort, StateBackend } from '../store/backend.js';
import type { IncidentEvent, IncidentQuery, OpenIncidentInput } from '../store/incidents.js';
import type { AuditEntry, Incident, IncidentAction, Outcome, Severity, TimelineEntry } from '../store/types.js';
import { type CustomObject, CustomObjectClient } from './client.js';
import { cooldownName, type CooldownSpec, label } from './cooldown.js';
import { AGENT_STATE, AUDIT_RECORD, COOLDOWN, GROUP, INCIDENT, VERSION } from './crds.js';
import { pruneIncidents } from './prune.js';

interface IncidentSpec {
  cluster: string;
  type: string;
  severity: Severity;
  namespace: string;
  target: string;
  title: string;
  detectedAt: string;
  details?: Record<string, unknown>;
}
interface IncidentStatus {
  outcome?: Outcome;
  resolvedAt?: string;
  acknowledgedAt?: string;
  mttr?: string;
  owner?: string;
  summary?: string;
  timeline?: TimelineEntry[];
  actions?: IncidentAction[];
  details?: Record<string, unknown>;
}
type IncidentObject = CustomObject<IncidentSpec, IncidentStatus>;

interface AuditSpec {
  cluster: string;
  tool: string;
  namespace?: string;
  target?: string;
  caller: string;
  args: Record<string, unknown>;
  at: string;
  pending: boolean;
  ok: boolean;
  dryRun: boolean;
  settledAt?: string;
  error?: string;
  /** Wrapped as { value } because the schema wants objects and a before/after may be any JSON. */
  before?: { value: unknown };
  after?: { value: unknown };
  workload?: string;
  pods: number;
}
type AuditObject = CustomObject<AuditSpec>;

interface AgentStateSpec {
  cluster: string;
  identity: string;
  updatedAt: string;
  history: { document: unknown };
}

export interface Retention {
  /** Resolved incidents and settled audit records older than this are deleted. */
  days: number;
  /** Resolved incidents kept at most (newest first). */
  maxResolved: number;
  /** How often to prune. */
  intervalMs: number;
}

export interface KubeStateOptions {
  kc: KubeConfig;
  namespace: string;
  /** The cluster's name (kube context): part of every key, so one namespace may hold several clusters' records. */
  cluster: string;
  now: () => number;
  /** Written on incidents this process opens or touches (status.owner). */
  owner?: string;
  retention?: Retention;
  logger?: Logger;
  /** Off for one-shot uses (CLI reads); on by default. */
  watch?: boolean;
}

const KEY_LABEL = 'sentinelops.dev/key';
const CLUSTER_LABEL = 'sentinelops.dev/cluster';
const iso = (ms: number) => new Date(ms).toISOString();
const ms = (s: string | undefined | null): number | undefined => (s ? Date.parse(s) : undefined);

function mttr(from: number, to: number): string {
  const s = Math.max(0, Math.round((to - from) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s % 60}s`;
}

/** A 9-digit number per incident key: the prefix of its ids. */
export function incidentKeyHash(cluster: string, type: string, namespace: string, target: string): string {
  const h = createHash('sha256').update(`${cluster}\u0000${type}\u0000${namespace}\u0000${target}`).digest();
  return String((h.readUInt32BE(0) % 900_000_000) + 100_000_000);
}

function toIncident(o: IncidentObject): Incident {
  const s = o.status ?? {};
  return {
    id: o.metadata.name,
    cluster: o.spec.cluster ?? null,
    type: o.spec.type,
    severity: o.spec.severity,
    namespace: o.spec.namespace,
    target: o.spec.target,
    title: o.spec.title,
    summary: s.summary ?? '',
    detectedAt: o.spec.detectedAt,
    acknowledgedAt: s.acknowledgedAt ?? null,
    resolvedAt: s.resolvedAt ?? null,
    // Between the create and its status write the incident is open.
    outcome: s.outcome ?? 'open',
    details: { ...(o.spec.details ?? {}), ...(s.details ?? {}) },
    actions: s.actions ?? [],
    // The API server drops null fields of schemaless objects: they come back absent.
    timeline: (s.timeline ?? []).map((t) => ({ ...t, tool: t.tool ?? null, arguments: t.arguments ?? null, ok: t.ok ?? null, settledAt: t.settledAt ?? null })),
  };
}

function toAudit(o: AuditObject): AuditEntry {
  const s = o.spec;
  return {
    id: Number(o.metadata.name.slice('audit-'.length)),
    at: s.at,
    cluster: s.cluster ?? null,
    caller: s.caller,
    tool: s.tool,
    target: s.target ?? null,
    arguments: s.args ?? {},
    before: s.before?.value ?? null,
    after: s.after?.value ?? null,
    ok: s.ok,
    error: s.error ?? null,
    dryRun: s.dryRun,
    pending: s.pending,
    workload: s.workload ?? null,
    pods: s.pods ?? 0,
  };
}

const isOpen = (o: IncidentObject) => {
  const out = o.status?.outcome ?? 'open';
  return out === 'open' || out === 'escalated';
};

/** The guard's reads over a set of records and the Cooldown object's claim (a change whose record may be missing). */
class RecordsView implements AuditView {
  constructor(
    private readonly records: AuditEntry[],
    private readonly claimed?: CooldownSpec,
  ) {}
  lastChangeAt(target: string, tool: string): number | undefined {
    let last: number | undefined;
    for (const r of this.records) if (r.target === target && r.tool === tool && (r.ok || r.pending) && !r.dryRun) last = Math.max(last ?? 0, Date.parse(r.at));
    const c = this.claimed;
    if (c?.target === target && c.action === tool && c.claimedAt) last = Math.max(last ?? 0, Date.parse(c.claimedAt));
    return last;
  }
  disruptedSince(workload: string, since: number): number {
    let n = 0;
    for (const r of this.records) if (r.workload === workload && Date.parse(r.at) >= since && (r.ok || r.pending) && !r.dryRun) n += r.pods;
    return n;
  }
}

export class KubeStateBackend implements StateBackend {
  readonly kind = 'kubernetes';
  readonly incidents: IncidentPort;
  readonly audit: AuditPort;
  readonly agentState: AgentStatePort;

  private readonly inc: CustomObjectClient<IncidentSpec, IncidentStatus>;
  private readonly rec: CustomObjectClient<AuditSpec>;
  private readonly cool: CustomObjectClient<CooldownSpec>;
  private readonly states: CustomObjectClient<AgentStateSpec>;
  private readonly api: CustomObjectsApi;
  private readonly emitter = new EventEmitter<{ incident: [IncidentEvent] }>();
  /** name -> resourceVersion last emitted, and whether it was resolved then (the watch's dedup and its kind). */
  private readonly seen = new Map<string, { rv: string; resolved: boolean }>();
  private watchAbort?: AbortController;
  private pruneTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly o: KubeStateOptions) {
    this.emitter.setMaxListeners(0);
    this.api = o.kc.makeApiClient(CustomObjectsApi);
    this.inc = new CustomObjectClient(o.kc, INCIDENT, o.namespace);
    this.rec = new CustomObjectClient(o.kc, AUDIT_RECORD, o.namespace);
    this.cool = new CustomObjectClient(o.kc, COOLDOWN, o.namespace);
    this.states = new CustomObjectClient(o.kc, AGENT_STATE, o.namespace);
    this.incidents = this.incidentPort();
    this.audit = this.auditPort();
    this.agentState = this.agentStatePort();
    if (o.watch !== false) void this.startWatch();
    if (o.retention) {
      this.pruneTimer = setInterval(() => {
        this.prune().catch((err: unknown) => this.o.logger?.warn({ err }, 'kubernetes store: pruning failed'));
      }, o.retention.intervalMs);
      this.pruneTimer.unref();
    }
  }

  close(): void {
    this.closed = true;
    this.watchAbort?.abort();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
  }

  /** Deletes resolved incidents past the retention (or beyond maxResolved) and settled audit records past it. */
  async prune(): Promise<{ incidents: number; audit: number }> {
    const r = this.o.retention;
    if (!r) return { incidents: 0, audit: 0 };
    const now = this.o.now();
    const retentionMs = r.days * 86_400_000;
    const { deleted } = await pruneIncidents(this.inc as unknown as CustomObjectClient<unknown, { outcome?: string; resolvedAt?: string }>, {
      now,
      retentionMs,
      maxResolved: r.maxResolved,
    });
    let audit = 0;
    for (const a of await this.rec.list({ labelSelector: `${CLUSTER_LABEL}=${label(this.o.cluster)}` }))
      if (!a.spec.pending && Date.parse(a.spec.at) < now - retentionMs && (await this.rec.delete(a.metadata.name))) audit++;
    return { incidents: deleted.length, audit };
  }

  // --- events ----------------------------------------------------------------------------------------------

  private emit(o: IncidentObject, kind?: IncidentEvent['kind']): void {
    const prev = this.seen.get(o.metadata.name);
    const rv = o.metadata.resourceVersion ?? '';
    if (prev?.rv === rv) return;
    const incident = toIncident(o);
    const resolved = incident.outcome === 'resolved';
    this.seen.set(o.metadata.name, { rv, resolved });
    const k = kind ?? (!prev && !resolved ? 'opened' : resolved && !prev?.resolved ? 'resolved' : 'updated');
    this.emitter.emit('incident', { kind: k, incident });
  }

  private async startWatch(): Promise<void> {
    while (!this.closed) {
      try {
        // List first: what exists now is known (not emitted), and the watch starts from the list's version.
        const list = (await this.api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.o.namespace, plural: INCIDENT.plural })) as {
          items: IncidentObject[];
          metadata?: { resourceVersion?: string };
        };
        for (const o of list.items)
          if (!this.seen.has(o.metadata.name))
            this.seen.set(o.metadata.name, { rv: o.metadata.resourceVersion ?? '', resolved: o.status?.outcome === 'resolved' });
        const rv = list.metadata?.resourceVersion;
        await new Promise<void>((resolve) => {
          const path = `/apis/${GROUP}/${VERSION}/namespaces/${this.o.namespace}/${INCIDENT.plural}`;
          new Watch(this.o.kc)
            .watch(
              path,
              { resourceVersion: rv, allowWatchBookmarks: false },
              (phase, obj: IncidentObject) => {
                if (phase === 'ADDED' || phase === 'MODIFIED') this.emit(obj);
                else if (phase === 'DELETED') this.seen.delete(obj.metadata.name);
              },
              () => resolve(),
            )
            .then(
              (ac) => {
                this.watchAbort = ac;
                if (this.closed) ac.abort();
              },
              () => resolve(),
            );
        });
      } catch (err) {
        this.o.logger?.warn({ err }, 'kubernetes store: incident watch failed; retrying');
      }
      if (!this.closed) await new Promise((r) => setTimeout(r, 1000).unref());
    }
  }

  // --- incidents -------------------------------------------------------------------------------------------

  private async mutateIncident(id: string, f: (s: IncidentStatus, o: IncidentObject) => boolean): Promise<IncidentObject | undefined> {
    if (!/^inc-\d+$/.test(id)) return undefined;
    let changed = false;
    const stored = await this.inc.update(id, (cur) => {
      const status = cur.status ?? {};
      changed = f(status, cur);
      if (!changed) return undefined;
      if (this.o.owner && isOpen({ ...cur, status })) status.owner = this.o.owner;
      return { ...cur, status };
    });
    if (stored && changed) this.emit(stored);
    return stored;
  }

  private incidentPort(): IncidentPort {
    const now = () => this.o.now();
    const get = async (id: string) => {
      if (!/^inc-\d+$/.test(id)) return undefined;
      const o = await this.inc.get(id);
      return o && toIncident(o);
    };
    // A record names the cluster it is about (a tool's `cluster`); without one it is this backend's own cluster.
    const ofKey = async (type: string, namespace: string, target: string, cluster = this.o.cluster) => {
      const key = incidentKeyHash(cluster, type, namespace, target);
      return { key, items: await this.inc.list({ labelSelector: `${KEY_LABEL}=${key}` }) };
    };
    const findOpen = async (type: string, namespace: string, target: string, cluster?: string) => {
      const { items } = await ofKey(type, namespace, target, cluster);
      const open = items.filter(isOpen).sort((a, b) => b.metadata.name.localeCompare(a.metadata.name, 'en', { numeric: true }));
      return open[0] && toIncident(open[0]);
    };
    const open = async (input: OpenIncidentInput): Promise<{ incident: Incident; opened: boolean }> => {
      for (let attempt = 1; attempt <= 10; attempt++) {
        const cluster = input.cluster ?? this.o.cluster;
        const { key, items } = await ofKey(input.type, input.namespace, input.target, cluster);
        const existing = items.find(isOpen);
        if (existing) return { incident: toIncident(existing), opened: false };
        const episode = items.reduce((max, o) => Math.max(max, Number(o.metadata.name.slice(4 + key.length)) || 0), 0) + 1;
        const name = `inc-${key}${String(episode).padStart(4, '0')}`;
        const at = input.at ?? now();
        try {
          const created = await this.inc.create({
            metadata: { name, labels: { [KEY_LABEL]: key, [CLUSTER_LABEL]: label(cluster) } },
            spec: {
              cluster,
              type: input.type,
              severity: input.severity,
              namespace: input.namespace,
              target: input.target,
              title: input.title,
              detectedAt: iso(at),
              details: input.details ?? {},
            },
            status: { outcome: 'open', summary: input.summary ?? '', timeline: [], actions: [], ...(this.o.owner ? { owner: this.o.owner } : {}) },
          });
          this.emit(created, 'opened');
          return { incident: toIncident(created), opened: true };
        } catch (err) {
          // Another replica created this episode first: look again (it is the open one, or it was resolved meanwhile).
          if (!(err instanceof ServiceError && err.code === 'conflict')) throw err;
        }
      }
      throw new ServiceError('conflict', `incident ${input.type} on ${input.namespace}/${input.target} kept changing: gave up opening it`);
    };
    const nextEntry = (s: IncidentStatus) => (s.timeline ?? []).reduce((m, t) => Math.max(m, t.entry), 0) + 1;
    return {
      events: this.emitter,
      open,
      get,
      findOpen,
      list: async (q: IncidentQuery = {}) => {
        // Every cluster's incidents in the namespace unless one is asked for, as the SQLite store lists them.
        const items = (await this.inc.list(q.cluster ? { labelSelector: `${CLUSTER_LABEL}=${label(q.cluster)}` } : {})).map(toIncident);
        const out = items
          .filter(
            (i) =>
              (!q.namespace || i.namespace === q.namespace) &&
              (!q.type || i.type === q.type) &&
              (!q.target || i.target === q.target) &&
              (!q.outcome || i.outcome === q.outcome) &&
              (q.since === undefined || Date.parse(i.detectedAt) >= q.since),
          )
          .sort((a, b) => Date.parse(b.detectedAt) - Date.parse(a.detectedAt) || b.id.localeCompare(a.id));
        return q.limit ? out.slice(0, q.limit) : out;
      },
      addAction: async (id, a) => {
        const at = a.at ?? now();
        const o = await this.mutateIncident(id, (s) => {
          s.actions = [
            ...(s.actions ?? []),
            { at: iso(at), tool: a.tool, arguments: a.arguments, ok: a.ok, ...(a.result === undefined ? {} : { result: a.result }), reason: a.reason },
          ];
          s.acknowledgedAt ??= iso(at);
          return true;
        });
        return o && toIncident(o);
      },
      intend: async (id, intent) => {
        const at = iso(intent.at ?? now());
        let entry = 0;
        const o = await this.mutateIncident(id, (s) => {
          entry = nextEntry(s);
          s.timeline = [
            ...(s.timeline ?? []),
            {
              entry,
              kind: 'intent',
              at,
              lastSeen: at,
              count: 1,
              tool: intent.tool,
              arguments: intent.arguments,
              reason: intent.reason,
              message: intent.message,
              ...(intent.observation === undefined ? {} : { observation: intent.observation }),
              state: 'pending',
              ok: null,
              settledAt: null,
            },
          ];
          s.acknowledgedAt ??= at;
          return true;
        });
        return o && { incident: toIncident(o), entry };
      },
      settleIntent: async (id, entry, outcome) => {
        const at = iso(outcome.at ?? now());
        let found = false;
        const o = await this.mutateIncident(id, (s) => {
          const t = (s.timeline ?? []).find((x) => x.entry === entry && x.kind === 'intent' && x.state === 'pending');
          found = !!t;
          if (!t) return false;
          Object.assign(t, {
            state: outcome.state ?? 'settled',
            ok: outcome.ok,
            settledAt: at,
            lastSeen: at,
            ...(outcome.result === undefined ? {} : { result: outcome.result }),
          });
          return true;
        });
        return found && o ? toIncident(o) : undefined;
      },
      hold: async (id, h) => {
        const at = iso(h.at ?? now());
        const o = await this.mutateIncident(id, (s) => {
          const same = (s.timeline ?? []).find((x) => x.kind === 'hold' && x.reason === h.reason && (x.tool ?? '') === (h.tool ?? ''));
          if (same) {
            same.count += 1;
            if (Date.parse(at) > Date.parse(same.lastSeen)) same.lastSeen = at;
            same.message = h.message;
            if (h.observation !== undefined) same.observation = h.observation;
            return true;
          }
          s.timeline = [
            ...(s.timeline ?? []),
            {
              entry: nextEntry(s),
              kind: 'hold',
              at,
              lastSeen: at,
              count: 1,
              tool: h.tool ?? null,
              arguments: h.arguments ?? null,
              reason: h.reason,
              message: h.message,
              ...(h.observation === undefined ? {} : { observation: h.observation }),
              state: 'held',
              ok: null,
              settledAt: null,
            },
          ];
          return true;
        });
        return o && toIncident(o);
      },
      update: async (id, patch) => {
        if (!/^inc-\d+$/.test(id)) return undefined;
        let changed = false;
        const stored = await this.inc.update(id, (cur) => {
          const status = cur.status ?? {};
          if (patch.outcome) status.outcome = patch.outcome;
          if (patch.summary !== undefined) status.summary = patch.summary;
          if (patch.details) status.details = { ...(status.details ?? {}), ...patch.details };
          changed = true;
          return { ...cur, spec: { ...cur.spec, severity: patch.severity ?? cur.spec.severity }, status };
        });
        if (stored && changed) this.emit(stored);
        return stored && toIncident(stored);
      },
      resolve: async (id, opts = {}) => {
        const at = opts.at ?? now();
        const o = await this.mutateIncident(id, (s, cur) => {
          s.outcome = 'resolved';
          if (!s.resolvedAt) {
            s.resolvedAt = iso(at);
            s.mttr = mttr(Date.parse(cur.spec.detectedAt), at);
          }
          if (opts.summary !== undefined) s.summary = opts.summary;
          return true;
        });
        return o && toIncident(o);
      },
    };
  }

  // --- audit -----------------------------------------------------------------------------------------------

  /** One cluster's audit records (the guardrails' scope), or every cluster's. */
  private async records(cluster?: string): Promise<AuditEntry[]> {
    return (await this.rec.list(cluster ? { labelSelector: `${CLUSTER_LABEL}=${label(cluster)}` } : {})).map(toAudit);
  }

  private async createRecord(e: AuditInput, pending: boolean): Promise<AuditEntry> {
    for (let attempt = 1; ; attempt++) {
      // Time-based ids keep "newest first" sortable; the random tail keeps replicas apart within a millisecond.
      const id = this.o.now() * 1000 + Math.floor(Math.random() * 1000);
      const [namespace] = (e.workload ?? '').split('/');
      try {
        const o = await this.rec.create({
          metadata: { name: `audit-${id}`, labels: { [CLUSTER_LABEL]: label(e.cluster ?? this.o.cluster), 'sentinelops.dev/tool': label(e.tool) } },
          spec: {
            cluster: e.cluster ?? this.o.cluster,
            tool: e.tool,
            ...(namespace ? { namespace } : {}),
            ...(e.target ? { target: e.target } : {}),
            caller: e.caller,
            args: e.arguments,
            at: iso(e.at ?? this.o.now()),
            pending,
            ok: pending ? false : e.ok,
            dryRun: e.dryRun ?? false,
            ...(e.error ? { error: e.error } : {}),
            ...(e.before === undefined ? {} : { before: { value: e.before } }),
            ...(e.after === undefined ? {} : { after: { value: e.after } }),
            ...(e.workload ? { workload: e.workload } : {}),
            pods: e.pods ?? 0,
          },
        });
        return toAudit(o);
      } catch (err) {
        if (!(err instanceof ServiceError && err.code === 'conflict') || attempt >= 5) throw err;
      }
    }
  }

  private auditPort(): AuditPort {
    const view = async (cluster?: string) => new RecordsView(await this.records(cluster ?? this.o.cluster));
    return {
      record: (e) => this.createRecord(e, false),
      claim: async (e, check) => {
        const cluster = e.cluster ?? this.o.cluster;
        const lock = cooldownName(cluster, undefined, e.workload ?? e.target ?? e.tool);
        for (let attempt = 1; attempt <= 10; attempt++) {
          const current = await this.cool.get(lock);
          check(new RecordsView(await this.records(cluster), current?.spec));
          const at = e.at ?? this.o.now();
          const spec: CooldownSpec = {
            cluster,
            target: e.target ?? e.tool,
            action: e.tool,
            holder: this.o.owner ?? e.caller,
            claimedAt: iso(at),
          };
          try {
            // The compare-and-swap: only one replica writes over the version it judged.
            if (current) await this.cool.replace({ ...current, spec });
            else await this.cool.create({ metadata: { name: lock, labels: { [CLUSTER_LABEL]: label(cluster) } }, spec });
          } catch (err) {
            if (err instanceof ServiceError && err.code === 'conflict') continue;
            throw err;
          }
          return this.createRecord({ ...e, at, ok: false }, true);
        }
        throw new ServiceError('conflict', `the cooldown of ${e.target ?? e.tool} kept changing: gave up claiming it`);
      },
      inspect: async (check, cluster) => check(await view(cluster)),
      settle: async (id, s) => {
        let settled = false;
        await this.rec.update(`audit-${id}`, (cur) => {
          settled = cur.spec.pending;
          if (!cur.spec.pending) return undefined;
          return {
            ...cur,
            spec: {
              ...cur.spec,
              pending: false,
              ok: s.ok,
              settledAt: iso(this.o.now()),
              ...(s.after === undefined ? {} : { after: { value: s.after } }),
              ...(s.error ? { error: s.error } : {}),
            },
          };
        });
        return settled;
      },
      lastChangeAt: async (target, tool) => (await view()).lastChangeAt(target, tool),
      disruptedSince: async (workload, since) => (await view()).disruptedSince(workload, since),
      get: async (id) => {
        const o = await this.rec.get(`audit-${id}`);
        return o && toAudit(o);
      },
      list: async (q = {}) =>
        (await this.records(q.cluster))
          .filter(
            (r) =>
              (!q.tool || r.tool === q.tool) &&
              (!q.caller || r.caller === q.caller) &&
              (!q.target || r.target === q.target) &&
              (q.since === undefined || Date.parse(r.at) >= q.since),
          )
          .sort((a, b) => b.id - a.id)
          .slice(0, q.limit ?? 100),
      pending: async (limit = 100) =>
        (await this.records())
          .filter((r) => r.pending)
          .sort((a, b) => a.id - b.id)
          .slice(0, limit),
    };
  }

  // --- agent state -----------------------------------------------------------------------------------------

  private agentStatePort(): AgentStatePort {
    const name = (key: string) => cooldownName(this.o.cluster, 'agent', key);
    const version = (o: { metadata: { resourceVersion?: string } }) => Number(o.metadata.resourceVersion);
    return {
      load: async (key) => {
        const o = await this.states.get(name(key));
        return o && { key, version: version(o), document: o.spec.history?.document, updatedAt: ms(o.spec.updatedAt) ?? 0 };
      },
      save: async (key, document, expectedVersion) => {
        const size = Buffer.byteLength(JSON.stringify(document));
        if (size > MAX_AGENT_STATE_BYTES)
          throw new AgentStateTooLarge(`agent state ${key} is ${size} bytes as JSON; at most ${MAX_AGENT_STATE_BYTES} are kept`);
        const spec: AgentStateSpec = { cluster: this.o.cluster, identity: key, updatedAt: iso(this.o.now()), history: { document } };
        const current = async () => {
          const o = await this.states.get(name(key));
          return o ? version(o) : 0;
        };
        try {
          if (expectedVersion === 0) {
            const o = await this.states.create({ metadata: { name: name(key), labels: { [CLUSTER_LABEL]: label(this.o.cluster) } }, spec });
            return { ok: true, version: version(o) };
          }
          if (expectedVersion !== undefined) {
            const cur = await this.states.get(name(key));
            if (!cur) return { ok: false, conflict: true, version: 0 };
            const o = await this.states.replace({ ...cur, metadata: { ...cur.metadata, resourceVersion: String(expectedVersion) }, spec });
            return { ok: true, version: version(o) };
          }
          const o =
            (await this.states.update(name(key), (cur) => ({ ...cur, spec }))) ??
            (await this.states.create({ metadata: { name: name(key), labels: { [CLUSTER_LABEL]: label(this.o.cluster) } }, spec }));
          return { ok: true, version: version(o) };
        } catch (err) {
          if (err instanceof ServiceError && err.code === 'conflict') return { ok: false, conflict: true, version: await current() };
          throw err;
        }
      },
    };
  }
}
