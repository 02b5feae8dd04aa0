/**
 * The agent's memory, as an explicit value: what it did to which target and when, the replica recommendations
 * of the stabilization window, which incidents are open and how often they were escalated, and which revision of
 * each deployment was last seen healthy. decide reads it; `observe` and `recordActions` return new values, so a
 * runner (or a test) threads it through cycles and can persist it as JSON.
 */
import type { Decision } from './decision.js';
import { type Finding, type FindingType, type Severity, type TargetKind, incidentKey, maxSeverity } from './findings.js';
import type { Recommendation } from './hpa.js';
import { type KnownLeaks, type MemoryTrack, knownLeaksOf, trackMemory } from './leak.js';
import { type Observation, deploymentKey, podsOf } from './observation.js';
import { type PersonsCount, personsCounts } from './consent.js';
import { type StartupMemory, learnStartup } from './startup-budget.js';

export interface ActionRecord {
  at: number;
  action: Decision['action'];
  /** `namespace/name` of the deployment or bare pod, `node/x` for nodes. */
  targetKey: string;
  findingType?: FindingType;
  /** delete_pod: the pod deleted. */
  pod?: string;
  /** scale: replicas before and after. */
  from?: number;
  to?: number;
  /** The metric value that motivated the action (e.g. memory utilization), to judge later whether it helped. */
  observed?: number;
}

export interface IncidentState {
  type: FindingType;
  kind: TargetKind;
  namespace?: string;
  target: string;
  openedAt: number;
  lastSeenAt: number;
  severity: Severity;
  escalations: number;
  lastEscalatedAt?: number;
}

export interface History {
  actions: ActionRecord[];
  recommendations: Record<string, Recommendation[]>;
  incidents: Record<string, IncidentState>;
  healthyRevisions: Record<string, { revision: string; at: number }>;
  /**
   * `namespace/pod` → since when the pod has been seen ready at every check with this restart count. A pod ready at
   * two checks a minute apart with no restart in between has run that long: the evidence that a crash cause cleared.
   * Optional so a history persisted before it existed still loads.
   */
  readySince?: Record<string, { restarts: number; since: number }>;
  /** `namespace/pod` → memory samples of the container's current run: the trend that tells a leak from demand. */
  memory?: Record<string, MemoryTrack>;
  /** A new revision running clean since `since`, not yet baked long enough to replace the healthy one. */
  revisionCandidates?: Record<string, { revision: string; since: number }>;
  /** Deployments found leaking memory, and when: their fresh pods are judged with that in mind. */
  leaks?: KnownLeaks;
  /** `namespace/name` → the replica count a person set (consent.ts): the floor of scale-downs without consent. */
  personsCounts?: Record<string, PersonsCount>;
  /** `namespace/name` → how long its rollouts took to become ready (startup-budget.ts). */
  startup?: Record<string, StartupMemory>;
}

export function emptyHistory(): History {
  return { actions: [], recommendations: {}, incidents: {}, healthyRevisions: {}, readySince: {}, memory: {} };
}

/** How long actions and recommendations are kept; must exceed every window the policy uses. */
export const DEFAULT_RETENTION_SECONDS = 6 * 3600;

/** How long a new revision must run clean before it counts as the healthy one (the kubelet's back-off reset). */
export const REVISION_BAKE_SECONDS = 600;

const UNHEALTHY_FOR_REVISION = new Set<FindingType>(['crash_loop', 'image_pull_error', 'oom_killed', 'replicas_unavailable', 'bad_rollout', 'unschedulable']);

/**
 * Folds one analyzed snapshot into the history before decide runs: opens incidents for new findings, refreshes
 * open ones, closes those whose finding is gone, and remembers each deployment's revision when it is fully healthy
 * (the evidence that makes a later rollback safe).
 */
export function observe(history: History, obs: Observation, findings: readonly Finding[], now: number, retentionSeconds = DEFAULT_RETENTION_SECONDS): History {
  const incidents: Record<string, IncidentState> = {};
  for (const f of findings) {
    const key = incidentKey(f);
    const prev = history.incidents[key] ?? incidents[key];
    incidents[key] = prev
      ? { ...prev, lastSeenAt: now, severity: maxSeverity(prev.severity, f.severity) }
      : { type: f.type, kind: f.kind, namespace: f.namespace, target: f.target, openedAt: now, lastSeenAt: now, severity: f.severity, escalations: 0 };
  }
  const { healthyRevisions, revisionCandidates } = bakeRevisions(history, obs, findings, now);
  return prune(
    {
      ...history,
      incidents,
      healthyRevisions,
      revisionCandidates,
      readySince: readySinceOf(history.readySince ?? {}, obs, now),
      memory: trackMemory(history.memory, obs, now),
      leaks: knownLeaksOf(history.leaks, findings, now),
      personsCounts: personsCounts(history, obs, now),
      startup: learnStartup(history.startup, obs, now),
    },
    now,
    retentionSeconds,
  );
}

/**
 * Each deployment's revision last seen fully healthy (the evidence that makes a later rollback safe). The first one
 * seen healthy counts at once; a new revision replaces it only after running clean for REVISION_BAKE_SECONDS, so
 * pods that crash minutes after a rollout still find their previous revision to roll back to. Any crash restarts
 * the bake.
 */
function bakeRevisions(
  history: History,
  obs: Observation,
  findings: readonly Finding[],
  now: number,
): Pick<History, 'healthyRevisions' | 'revisionCandidates'> {
  const healthyRevisions = { ...history.healthyRevisions };
  const revisionCandidates = { ...(history.revisionCandidates ?? {}) };
  for (const d of obs.deployments) {
    if (d.revision === undefined) continue;
    const key = deploymentKey(d);
    const mine = findings.filter((f) => f.kind === 'deployment' && f.namespace === d.namespace && f.target === d.name);
    const crashed = mine.some((f) => UNHEALTHY_FOR_REVISION.has(f.type) || f.type === 'pod_crashed');
    const complete = d.replicas > 0 && d.readyReplicas >= d.replicas && d.updatedReplicas >= d.replicas;
    const settled = podsOf(obs, d).every((p) => p.revision === undefined || p.revision === d.revision);
    const known = healthyRevisions[key];
    if (crashed || !complete || !settled) {
      if (crashed && revisionCandidates[key]?.revision === d.revision) delete revisionCandidates[key];
      continue;
    }
    if (!known || known.revision === d.revision) {
      healthyRevisions[key] = { revision: d.revision, at: now };
      delete revisionCandidates[key];
      continue;
    }
    const candidate = revisionCandidates[key];
    if (candidate?.revision !== d.revision) revisionCandidates[key] = { revision: d.revision, since: now };
    else if (now - candidate.since >= REVISION_BAKE_SECONDS * 1000) {
      healthyRevisions[key] = { revision: d.revision, at: now };
      delete revisionCandidates[key];
    }
  }
  return { healthyRevisions, revisionCandidates };
}

/** Pods seen ready keep their first-seen time while the restart count stays; an unready or gone pod is forgotten. */
function readySinceOf(prev: NonNullable<History['readySince']>, obs: Observation, now: number): NonNullable<History['readySince']> {
  const out: NonNullable<History['readySince']> = {};
  for (const p of obs.pods) {
    if (!p.ready) continue;
    const key = `${p.namespace}/${p.name}`;
    const was = prev[key];
    out[key] = was && was.restarts === p.restarts ? was : { restarts: p.restarts, since: now };
  }
  return out;
}

/** Appends what was decided this cycle: mutating actions, escalations, and every scaling recommendation. */
export interface RecordOptions {
  retentionSeconds?: number;
  /**
   * Record every deployment's scaling recommendation (default). Cycles started by failure events pass false: they
   * then record only the recommendations they acted on, so the stabilization window samples load at the interval's
   * cadence — a crash loop in one deployment must not slow down the scale-downs of all the others.
   */
  allRecommendations?: boolean;
}

export function recordActions(history: History, decisions: readonly Decision[], now: number, o: RecordOptions = {}): History {
  const retentionSeconds = o.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
  const actions = [...history.actions];
  const recommendations = { ...history.recommendations };
  const incidents = { ...history.incidents };
  for (const d of decisions) {
    const key = d.kind === 'deployment' || d.kind === 'pod' ? `${d.namespace}/${d.target}` : `${d.kind}/${d.target}`;
    if (d.scaling && (o.allRecommendations !== false || d.action === 'scale'))
      recommendations[key] = [...(recommendations[key] ?? []), { at: now, replicas: d.scaling.recommendation }];
    if (d.action === 'none') continue;
    if (d.action === 'escalate' && d.findingType) {
      const ik = incidentKey({ type: d.findingType, kind: d.kind, namespace: d.namespace, target: d.target });
      const inc = incidents[ik];
      if (inc) incidents[ik] = { ...inc, escalations: inc.escalations + 1, lastEscalatedAt: now, severity: maxSeverity(inc.severity, d.severity) };
    }
    actions.push({
      at: now,
      action: d.action,
      targetKey: key,
      findingType: d.findingType,
      pod: d.action === 'delete_pod' ? String(d.arguments?.pod) : undefined,
      from: d.scaling?.current,
      to: d.action === 'scale' ? d.scaling?.desired : undefined,
      observed: d.observed,
    });
  }
  return prune({ ...history, actions, recommendations, incidents }, now, retentionSeconds);
}

function prune(h: History, now: number, retentionSeconds: number): History {
  const cutoff = now - retentionSeconds * 1000;
  const recommendations: Record<string, Recommendation[]> = {};
  for (const [k, recs] of Object.entries(h.recommendations)) {
    const kept = recs.filter((r) => r.at > cutoff);
    if (kept.length) recommendations[k] = kept;
  }
  return { ...h, actions: h.actions.filter((a) => a.at > cutoff), recommendations };
}

/** How long a pod has been running ready without a restart, as far as the checks so far show (0 if not ready). */
export function readyForMs(h: History, p: { namespace: string; name: string; ready: boolean; restarts: number }, now: number): number {
  const r = h.readySince?.[`${p.namespace}/${p.name}`];
  return p.ready && r && r.restarts === p.restarts ? now - r.since : 0;
}

/** Actions on one target (optionally of some kinds) since `since`. */
export function actionsOn(h: History, targetKey: string, since: number, kinds?: readonly Decision['action'][]): ActionRecord[] {
  return h.actions.filter((a) => a.targetKey === targetKey && a.at > since && (!kinds || kinds.includes(a.action)));
}

/** Version of the persisted form; a document of another version is not read (the agent starts with an empty history). */
export const HISTORY_FORMAT = 1;

/**
 * Bounds of the persisted form, well above what the policy's windows keep (6 h of actions at one per cycle and
 * target would exceed them only in a pathological cluster): the newest entries are kept.
 */
export const HISTORY_LIMITS = { actions: 500, recommendationsPerTarget: 400, targets: 500, pods: 2000 } as const;

export interface HistoryJson {
  format: typeof HISTORY_FORMAT;
  history: History;
}

const newest = <V>(rec: Record<string, V> | undefined, max: number, at: (v: V) => number): Record<string, V> =>
  Object.fromEntries(
    Object.entries(rec ?? {})
      .sort(([, a], [, b]) => at(b) - at(a))
      .slice(0, max),
  );

/** The history as a bounded JSON value (plain data: numbers, strings, arrays, objects). */
export function historyToJSON(h: History): HistoryJson {
  const L = HISTORY_LIMITS;
  const recommendations: Record<string, Recommendation[]> = {};
  for (const [k, recs] of Object.entries(newest(h.recommendations, L.targets, (r) => r.at(-1)?.at ?? 0)))
    recommendations[k] = recs.slice(-L.recommendationsPerTarget);
  const history: History = {
    actions: h.actions.slice(-L.actions),
    recommendations,
    incidents: newest(h.incidents, L.targets, (i) => i.lastSeenAt),
    healthyRevisions: newest(h.healthyRevisions, L.targets, (r) => r.at),
    readySince: newest(h.readySince, L.pods, (r) => r.since),
    memory: newest(h.memory, L.pods, (m) => m.samples.at(-1)?.at ?? 0),
  };
  if (h.revisionCandidates) history.revisionCandidates = newest(h.revisionCandidates, L.targets, (r) => r.since);
  if (h.leaks) history.leaks = newest(h.leaks, L.targets, (l) => l.lastSeenAt);
  // A deep copy through JSON: what is saved is what is loaded, nothing shared with the live value.
  return JSON.parse(JSON.stringify({ format: HISTORY_FORMAT, history })) as HistoryJson;
}

/** The history of a persisted document, or undefined when it is not one this version can read. */
export function historyFromJSON(value: unknown): History | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<HistoryJson>;
  if (v.format !== HISTORY_FORMAT || typeof v.history !== 'object' || v.history === null) return undefined;
  const h = v.history as Partial<History>;
  if (!Array.isArray(h.actions) || !isRecord(h.recommendations) || !isRecord(h.incidents) || !isRecord(h.healthyRevisions)) return undefined;
  const out: History = {
    actions: h.actions,
    recommendations: h.recommendations,
    incidents: h.incidents,
    healthyRevisions: h.healthyRevisions,
    readySince: isRecord(h.readySince) ? h.readySince : {},
    memory: isRecord(h.memory) ? h.memory : {},
  };
  if (isRecord(h.revisionCandidates)) out.revisionCandidates = h.revisionCandidates;
  if (isRecord(h.leaks)) out.leaks = h.leaks;
  return out;
}

const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
