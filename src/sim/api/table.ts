/**
 * Server-side printing: `kubectl get` asks for `as=Table` and prints the columns the server sends. These
 * are the columns (and cell formats) of the real API server's printers for the simulator's kinds, with
 * ages computed from the simulator's clock so they agree with virtual time.
 */
import type { KObject, ResourceType } from '../types.js';

type Obj = Record<string, any>;

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number';
  format?: string;
  priority?: number;
  description?: string;
  cells: (o: Obj, now: number) => unknown;
}

/** kubectl's HumanDuration, so AGE reads exactly like on a real cluster. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (h < 24 * 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

function since(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}

const name: Column = { name: 'Name', type: 'string', format: 'name', cells: (o) => o.metadata.name };
const age: Column = { name: 'Age', type: 'string', cells: (o, now) => since(o.metadata.creationTimestamp, now) };

/** metav1.FormatLabelSelector: `app=web,tier in (a,b)`; also the Scale subresource's `status.selector`. */
export function selectorString(sel: Obj | undefined): string {
  if (!sel) return '<none>';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

const containerNames = (o: Obj) => (o.spec?.template?.spec?.containers ?? []).map((c: Obj) => c.name).join(',');
const images = (o: Obj) => (o.spec?.template?.spec?.containers ?? []).map((c: Obj) => c.image).join(',');

/** The STATUS column of `kubectl get pods`: the most telling reason, as kubectl's printPod derives it. */
export function podStatusReason(pod: Obj): { reason: string; ready: number; restarts: number; lastRestart?: string } {
  const status = pod.status ?? {};
  let reason: string = status.reason || status.phase || 'Unknown';
  let ready = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  const noteRestart = (cs: Obj) => {
    restarts += cs.restartCount ?? 0;
    const finished = cs.lastState?.terminated?.finishedAt;
    if (finished && (!lastRestart || finished > lastRestart)) lastRestart = finished;
  };
  let initializing = false;
  const inits: Obj[] = status.initContainerStatuses ?? [];
  inits.forEach((cs, i) => {
    noteRestart(cs);
    if (initializing) return;
    const t = cs.state?.terminated;
    const w = cs.state?.waiting;
    if (t && t.exitCode === 0) return;
    initializing = true;
    if (t) reason = `Init:${t.reason || (t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`)}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${(pod.spec?.initContainers ?? []).length}`;
  });
  if (!initializing) {
    let hasRunning = false;
    const statuses: Obj[] = [...(status.containerStatuses ?? [])].reverse();
    for (const cs of statuses) {
      noteRestart(cs);
      const w = cs.state?.waiting;
      const t = cs.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const readyCond = (status.conditions ?? []).find((c: Obj) => c.type === 'Ready');
      reason = readyCond?.status === 'True' ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { reason, ready, restarts, lastRestart };
}

const COLUMNS: Record<string, Column[]> = {
  '/pods': [
    name,
    { name: 'Ready', type: 'string', cells: (o) => `${podStatusReason(o).ready}/${(o.spec?.containers ?? []).length}` },
    { name: 'Status', type: 'string', cells: (o) => podStatusReason(o).reason },
    {
      name: 'Restarts',
      type: 'string',
      cells: (o, now) => {
        const { restarts, lastRestart } = podStatusReason(o);
        return lastRestart && restarts > 0 ? `${restarts} (${since(lastRestart, now)} ago)` : String(restarts);
      },
    },
    age,
    { name: 'IP', type: 'string', priority: 1, cells: (o) => o.status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cells: (o) => o.spec?.nodeName ?? '<none>' },
    { name: 'Nominated Node', type: 'string', priority: 1, cells: (o) => o.status?.nominatedNodeName ?? '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, cells: () => '<none>' },
  ],
  'apps/deployments': [
    name,
    { name: 'Ready', type: 'string', cells: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
    { name: 'Up-to-date', type: 'integer', cells: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cells: (o) => o.status?.availableReplicas ?? 0 },
    age,
    { name: 'Containers', type: 'string', priority: 1, cells: containerNames },
    { name: 'Images', type: 'string', priority: 1, cells: images },
    { name: 'Selector', type: 'string', priority: 1, cells: (o) => selectorString(o.spec?.selector) },
  ],
  'apps/replicasets': [
    name,
    { name: 'Desired', type: 'integer', cells: (o) => o.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', cells: (o) => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cells: (o) => o.status?.readyReplicas ?? 0 },
    age,
    { name: 'Containers', type: 'string', priority: 1, cells: containerNames },
    { name: 'Images', type: 'string', priority: 1, cells: images },
    { name: 'Selector', type: 'string', priority: 1, cells: (o) => selectorString(o.spec?.selector) },
  ],
  '/nodes': [
    name,
    {
      name: 'Status',
      type: 'string',
      cells: (o) => {
        const ready = (o.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
        const s = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
        return o.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
      },
    },
    {
      name: 'Roles',
      type: 'string',
      cells: (o) => {
        const roles = Object.keys(o.metadata.labels ?? {})
          .filter((k) => k.startsWith('node-role.kubernetes.io/'))
          .map((k) => k.slice('node-role.kubernetes.io/'.length));
        return roles.length ? roles.join(',') : '<none>';
      },
    },
    age,
    { name: 'Version', type: 'string', cells: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
    {
      name: 'Internal-IP',
      type: 'string',
      priority: 1,
      cells: (o) => (o.status?.addresses ?? []).find((a: Obj) => a.type === 'InternalIP')?.address ?? '<none>',
    },
    {
      name: 'External-IP',
      type: 'string',
      priority: 1,
      cells: (o) => (o.status?.addresses ?? []).find((a: Obj) => a.type === 'ExternalIP')?.address ?? '<none>',
    },
    { name: 'OS-Image', type: 'string', priority: 1, cells: (o) => o.status?.nodeInfo?.osImage ?? '<unknown>' },
    { name: 'Kernel-Version', type: 'string', priority: 1, cells: (o) => o.status?.nodeInfo?.kernelVersion ?? '<unknown>' },
    { name: 'Container-Runtime', type: 'string', priority: 1, cells: (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '<unknown>' },
  ],
  '/namespaces': [name, { name: 'Status', type: 'string', cells: (o) => o.status?.phase ?? '' }, age],
  '/events': [
    { name: 'Last Seen', type: 'string', cells: (o, now) => since(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now) },
    { name: 'Type', type: 'string', cells: (o) => o.type ?? '' },
    { name: 'Reason', type: 'string', cells: (o) => o.reason ?? '' },
    { name: 'Object', type: 'string', cells: (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}` },
    { name: 'Subobject', type: 'string', priority: 1, cells: (o) => o.involvedObject?.fieldPath ?? '' },
    { name: 'Source', type: 'string', priority: 1, cells: (o) => [o.source?.component, o.source?.host].filter(Boolean).join(', ') },
    { name: 'Message', type: 'string', cells: (o) => String(o.message ?? '').trim() },
    { name: 'First Seen', type: 'string', priority: 1, cells: (o, now) => since(o.firstTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now) },
    { name: 'Count', type: 'string', priority: 1, cells: (o) => String(o.count ?? 1) },
    { ...name, priority: 1 },
  ],
  '/services': [
    name,
    { name: 'Type', type: 'string', cells: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cells: (o) => o.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', type: 'string', cells: (o) => (o.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip ?? i.hostname).join(',') || '<none>' },
    {
      name: 'Port(s)',
      type: 'string',
      cells: (o) => (o.spec?.ports ?? []).map((p: Obj) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>',
    },
    age,
    {
      name: 'Selector',
      type: 'string',
      priority: 1,
      cells: (o) =>
        Object.entries(o.spec?.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    },
  ],
  '/configmaps': [name, { name: 'Data', type: 'integer', cells: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length }, age],
  'coordination.k8s.io/leases': [name, { name: 'Holder', type: 'string', cells: (o) => o.spec?.holderIdentity ?? '' }, age],
  'autoscaling/horizontalpodautoscalers': [
    name,
    { name: 'Reference', type: 'string', cells: (o) => `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}` },
    {
      name: 'Targets',
      type: 'string',
      cells: (o) => {
        const metrics: Obj[] = o.spec?.metrics ?? [];
        const current: Obj[] = o.status?.currentMetrics ?? [];
        const parts = metrics.map((m, i) => {
          const target = m.resource?.target?.averageUtilization;
          const now = current[i]?.resource?.current?.averageUtilization;
          return `${m.resource?.name ?? m.type}: ${now === undefined ? '<unknown>' : `${now}%`}/${target === undefined ? '?' : `${target}%`}`;
        });
        return parts.join(', ') || '<none>';
      },
    },
    { name: 'MinPods', type: 'string', cells: (o) => String(o.spec?.minReplicas ?? 1) },
    { name: 'MaxPods', type: 'integer', cells: (o) => o.spec?.maxReplicas ?? 0 },
    { name: 'Replicas', type: 'integer', cells: (o) => o.status?.currentReplicas ?? 0 },
    age,
  ],
};

const DEFAULT_COLUMNS: Column[] = [name, { name: 'Created At', type: 'date', cells: (o) => o.metadata.creationTimestamp ?? '' }];

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  now: number;
  includeObject: IncludeObject;
  resourceVersion?: string;
  continue?: string;
  /** Watch events carry the column definitions only in their first table, as the real server does. */
  withColumns?: boolean;
}

function rowObject(res: ResourceType, o: KObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o.kind ? o : { ...o, apiVersion: res.group ? `${res.group}/${res.version}` : res.version, kind: res.kind };
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(res: ResourceType, items: KObject[], opts: TableOptions): Record<string, unknown> {
  const columns = COLUMNS[`${res.group}/${res.plural}`] ?? DEFAULT_COLUMNS;
  const rows = items.map((o) => ({
    cells: columns.map((c) => c.cells(o, opts.now)),
    object: rowObject(res, o, opts.includeObject),
  }));
  const metadata: Record<string, string> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions:
      opts.withColumns === false
        ? null
        : columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? c.name, priority: c.priority ?? 0 })),
    rows,
  };
}

/** True when the Accept header asks for server-side printing. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
