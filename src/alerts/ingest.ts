/**
 * What a validated Alertmanager payload does: a firing alert about a workload opens an incident (or joins
 * the open one on that target) and asks for an agent cycle on that target; a resolved alert is written
 * onto the incident that holds it. Resolving the incident stays the agent's job: it verifies health itself.
 */
import type { Logger } from '../base/log.js';
import type { SentinelMetrics } from '../observability/metrics.js';
import type { Incident, IncidentPort } from '../store/index.js';
import type { Alert, AlertmanagerPayload } from './schema.js';
import { alertKey, severityOfAlert, targetOfAlert, type AlertTarget } from './target.js';

/** The slice of the incident store (the state port, src/store/backend.ts) this module writes through. */
export type AlertIncidents = Pick<IncidentPort, 'open' | 'update' | 'list'>;

export interface CycleRequest {
  /** the cluster the alert is about, when the server knows several */
  cluster?: string;
  namespace: string;
  /** The deployment, or the pod's name when its owner is unknown. */
  target: string;
  kind: 'deployment' | 'pod';
  incidentId: string;
  reason: string;
}

export interface AlertIngestDeps {
  incidents: AlertIncidents;
  /** Starts an agent cycle for the target now; not awaited, so Alertmanager gets its answer at once. */
  triggerCycle: (req: CycleRequest) => void | Promise<void>;
  /** The deployment owning a pod, when the cluster can tell (see podOwnerResolver). */
  ownerOfPod?: (namespace: string, pod: string, cluster?: string) => Promise<string | undefined>;
  /**
   * The cluster an alert is about, from its `cluster` label (Prometheus' usual external label), as the name its
   * incident records; `{ ignored }` when the label names a cluster this server does not know (acting on another
   * cluster's namesake would be wrong). Absent: a store of one cluster, no cluster recorded.
   */
  clusterOf?: (label: string | undefined) => { cluster: string } | { ignored: string };
  now: () => number;
  metrics?: SentinelMetrics;
  logger?: Logger;
}

export interface AlertOutcome {
  alertname: string;
  status: Alert['status'];
  key: string;
  result: 'opened' | 'joined' | 'recorded' | 'ignored';
  incidentId?: string;
  namespace?: string;
  target?: string;
  reason?: string;
}

/** One alert as kept in `incident.details.alerts[key]`. */
export interface StoredAlert {
  alertname: string;
  status: Alert['status'];
  severity: string;
  startsAt: string;
  endsAt?: string;
  summary: string;
  labels: Record<string, string>;
  generatorURL?: string;
  receiver: string;
  receivedAt: string;
}

export const ALERT_INCIDENT_TYPE = 'alert';
const ACTIVE: ReadonlySet<string> = new Set(['open', 'escalated']);

export async function ingestAlerts(payload: AlertmanagerPayload, deps: AlertIngestDeps): Promise<AlertOutcome[]> {
  // Every cluster lookup happens before the first write; the alerts are then applied one after another, and the
  // store's open is idempotent on (type, namespace, target): two concurrent webhooks cannot open two incidents.
  const targets = await Promise.all(payload.alerts.map((a) => resolveTarget(a, deps)));
  const outcomes: AlertOutcome[] = [];
  for (const [i, alert] of payload.alerts.entries()) outcomes.push(await apply(alert, targets[i]!, payload, deps));

  const requested = new Set<string>();
  outcomes.forEach((o, i) => {
    const t = targets[i]!;
    if (o.status !== 'firing' || !o.incidentId || 'ignored' in t) return;
    const id = `${t.cluster ?? ''}/${t.namespace}/${t.name}`;
    if (requested.has(id)) return;
    requested.add(id);
    const req: CycleRequest = { namespace: t.namespace, target: t.name, kind: t.kind, incidentId: o.incidentId, reason: `alert ${o.alertname}` };
    if (t.cluster) req.cluster = t.cluster;
    Promise.resolve()
      .then(() => deps.triggerCycle(req))
      .catch((err: unknown) => deps.logger?.error({ err, target: id }, 'agent cycle for alert failed'));
  });
  return outcomes;
}

async function resolveTarget(alert: Alert, deps: AlertIngestDeps): Promise<AlertTarget | { ignored: string }> {
  const found = targetOfAlert(alert);
  if ('ignored' in found) return found;
  const where = deps.clusterOf?.(alert.labels.cluster);
  if (where && 'ignored' in where) return where;
  const t: AlertTarget = where ? { ...found, cluster: where.cluster } : found;
  if (t.kind === 'deployment' || !deps.ownerOfPod) return t;
  const owner = await deps.ownerOfPod(t.namespace, t.name, t.cluster).catch(() => undefined);
  return owner ? { ...t, kind: 'deployment', name: owner } : t;
}

async function apply(alert: Alert, target: AlertTarget | { ignored: string }, payload: AlertmanagerPayload, deps: AlertIngestDeps): Promise<AlertOutcome> {
  const alertname = alert.labels.alertname ?? 'unnamed';
  const key = alertKey(alert);
  const base = { alertname, status: alert.status, key };
  const outcome = (o: Omit<AlertOutcome, keyof typeof base>): AlertOutcome => {
    deps.metrics?.recordAlert(alert.status, o.result === 'ignored' ? 'ignored' : o.result === 'recorded' ? 'recorded' : 'incident');
    return { ...base, ...o };
  };
  if ('ignored' in target) return outcome({ result: 'ignored', reason: target.ignored });

  const { namespace, name, cluster } = target;
  const recent = await deps.incidents.list({ namespace, target: name, limit: 50, ...(cluster ? { cluster } : {}) });
  const stored = storedAlert(alert, alertname, payload.receiver, deps.now());

  if (alert.status === 'resolved') {
    const holder = recent.find((i) => alertsOf(i)[key] !== undefined);
    if (!holder) return outcome({ result: 'ignored', namespace, target: name, reason: 'no incident holds this alert' });
    await writeAlert(deps, holder, key, { ...alertsOf(holder)[key]!, status: 'resolved', endsAt: stored.endsAt, receivedAt: stored.receivedAt });
    return outcome({ result: 'recorded', incidentId: holder.id, namespace, target: name });
  }

  const active = recent.find((i) => ACTIVE.has(i.outcome));
  if (active) {
    await writeAlert(deps, active, key, stored);
    return outcome({ result: 'joined', incidentId: active.id, namespace, target: name });
  }
  const startedAt = Date.parse(alert.startsAt);
  const { incident: opened, opened: created } = await deps.incidents.open({
    type: ALERT_INCIDENT_TYPE,
    cluster,
    severity: severityOfAlert(alert),
    namespace,
    target: name,
    title: `${alertname} firing on ${namespace}/${name}`,
    summary: stored.summary,
    // Detection is when Prometheus saw the problem, unless its clock runs ahead of ours.
    at: Math.min(startedAt, deps.now()),
    details: { source: 'alertmanager', alerts: { [key]: stored } },
  });
  if (!created) await writeAlert(deps, opened, key, stored);
  return outcome({ result: created ? 'opened' : 'joined', incidentId: opened.id, namespace, target: name });
}

function storedAlert(alert: Alert, alertname: string, receiver: string, now: number): StoredAlert {
  const s: StoredAlert = {
    alertname,
    status: alert.status,
    severity: alert.labels.severity ?? 'unknown',
    startsAt: alert.startsAt,
    summary: alert.annotations.summary ?? alert.annotations.description ?? alert.annotations.message ?? '',
    labels: alert.labels,
    receiver,
    receivedAt: new Date(now).toISOString(),
  };
  // Alertmanager sends the zero time for "no end yet".
  if (alert.endsAt && !alert.endsAt.startsWith('0001-')) s.endsAt = alert.endsAt;
  if (alert.generatorURL) s.generatorURL = alert.generatorURL;
  return s;
}

function alertsOf(incident: Incident): Record<string, StoredAlert> {
  const a = incident.details.alerts;
  return a && typeof a === 'object' ? (a as Record<string, StoredAlert>) : {};
}

async function writeAlert(deps: AlertIngestDeps, incident: Incident, key: string, value: StoredAlert): Promise<void> {
  await deps.incidents.update(incident.id, { details: { alerts: { ...alertsOf(incident), [key]: value } } });
}
