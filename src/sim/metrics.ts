/**
 * What metrics-server and Prometheus would see: metrics.k8s.io PodMetrics/NodeMetrics from the workload
 * model, and a Prometheus text exposition with cAdvisor and kube-state-metrics names and labels, so
 * PromQL written for real clusters (joins through kube_pod_owner / kube_replicaset_owner included)
 * works unchanged. Pods on a node that is down have no usage metrics, as with a real metrics-server.
 *
 * metrics.k8s.io is served like metrics-server serves it: the kubelets' cumulative CPU counters are
 * scraped every `resolutionSeconds` (metrics-server's --metric-resolution, default 15 s) and a pod's CPU
 * is the rate between the last two scrapes, so what a client reads is 0–2 resolutions old (a demand step
 * is invisible until the next scrape, and shows in full only at the one after); a container seen in one
 * scrape only (just started or restarted) has no metrics yet. Memory is the working set at the last
 * scrape. The Prometheus exposition is the live counters: a Prometheus server's own scrape interval and
 * rate() windows make its lag.
 */
import type { Clock, TimerHandle } from '../base/clock.js';
import { isoSeconds } from './controllers/context.js';
import { controllerOf, getCondition } from './controllers/pods.js';
import { cpuMillicores, memoryBytes } from '../base/quantity.js';
import { containerResources } from './controllers/quantity.js';
import { R } from './resources.js';
import type { ObjectStore } from './store.js';
import type { KObject } from './types.js';
import { NODE_SYSTEM_CPU_M, type PodUsage, type WorkloadModel } from './workload.js';

export interface MetricsSources {
  store: ObjectStore;
  clock: Clock;
  workload: WorkloadModel;
  isNodeDown(node: string): boolean;
  /** metrics-server's scrape interval (default 15 s). */
  resolutionSeconds?: number;
}

export interface MetricsProviders {
  podMetrics(namespace?: string): KObject[];
  nodeMetrics(): KObject[];
  prometheusText(): string;
}

export interface MetricsServer extends MetricsProviders {
  /** Starts the periodic scrape (the first one now). */
  start(): void;
  stop(): void;
  /** Scrapes now (tests and warm-up). */
  scrape(): void;
}

const NODE_SYSTEM_MEM = 512 * 1024 * 1024;

export function nanocores(millicores: number): string {
  return `${Math.round(millicores * 1e6)}n`;
}

export function kibibytes(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}

interface Scrape {
  at: number;
  /** By `ns/pod/container@startedAt`: cumulative CPU seconds and working set. */
  counters: Map<string, { cpuSeconds: number; memory: number }>;
  pods: PodUsage[];
}

interface RatedPod {
  namespace: string;
  name: string;
  node?: string;
  containers: { name: string; cpu: number; memory: number }[];
}

export function createMetrics(src: MetricsSources): MetricsServer {
  const visibleUsage = (): PodUsage[] => src.workload.usage().filter((u) => !u.node || !src.isNodeDown(u.node));
  const resolutionMs = (src.resolutionSeconds ?? 15) * 1000;
  let prev: Scrape | undefined;
  let last: Scrape | undefined;
  let rated: RatedPod[] = [];
  let timer: TimerHandle | undefined;

  const counterKey = (u: PodUsage, c: PodUsage['containers'][number]) => `${u.namespace}/${u.name}/${c.name}@${c.startedAt}`;
  const scrape = (): void => {
    const pods = visibleUsage();
    const counters = new Map<string, { cpuSeconds: number; memory: number }>();
    for (const u of pods) for (const c of u.containers) counters.set(counterKey(u, c), { cpuSeconds: c.cpuSecondsTotal, memory: c.memoryBytes });
    prev = last;
    last = { at: src.clock.now(), counters, pods };
    rated = [];
    if (!prev) return;
    const dt = (last.at - prev.at) / 1000;
    if (dt <= 0) return;
    for (const u of pods) {
      const containers: RatedPod['containers'] = [];
      for (const c of u.containers) {
        const before = prev.counters.get(counterKey(u, c));
        if (!before) continue; // one point only: no rate yet
        containers.push({ name: c.name, cpu: (Math.max(0, c.cpuSecondsTotal - before.cpuSeconds) / dt) * 1000, memory: c.memoryBytes });
      }
      if (containers.length) rated.push({ namespace: u.namespace, name: u.name, node: u.node, containers });
    }
    rated.sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
  };
  const window = () => `${Math.round(last && prev ? (last.at - prev.at) / 1000 : resolutionMs / 1000)}s`;

  return {
    start() {
      scrape();
      const tick = () => {
        scrape();
        timer = src.clock.setTimeout(tick, resolutionMs);
      };
      timer = src.clock.setTimeout(tick, resolutionMs);
    },
    stop() {
      src.clock.clearTimeout(timer);
    },
    scrape,

    podMetrics(namespace?: string): KObject[] {
      if (!last) return [];
      const timestamp = isoSeconds(last.at);
      const out: KObject[] = [];
      for (const u of rated) {
        if (namespace && u.namespace !== namespace) continue;
        const pod = src.store.get(R.pods, u.namespace, u.name);
        if (!pod) continue; // deleted since the scrape
        out.push({
          kind: 'PodMetrics',
          apiVersion: 'metrics.k8s.io/v1beta1',
          metadata: { name: u.name, namespace: u.namespace, labels: { ...(pod.metadata.labels ?? {}) }, creationTimestamp: isoSeconds(src.clock.now()) },
          timestamp,
          window: window(),
          containers: u.containers.map((c) => ({ name: c.name, usage: { cpu: nanocores(c.cpu), memory: kibibytes(c.memory) } })),
        });
      }
      return out;
    },

    nodeMetrics(): KObject[] {
      if (!last) return [];
      const timestamp = isoSeconds(last.at);
      const perNode = new Map<string, { cpu: number; mem: number }>();
      for (const u of rated) {
        if (!u.node) continue;
        const acc = perNode.get(u.node) ?? { cpu: 0, mem: 0 };
        for (const c of u.containers) {
          acc.cpu += c.cpu;
          acc.mem += c.memory;
        }
        perNode.set(u.node, acc);
      }
      return src.store
        .all(R.nodes)
        .filter((n) => !src.isNodeDown(n.metadata.name))
        .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
        .map((n) => {
          const acc = perNode.get(n.metadata.name) ?? { cpu: 0, mem: 0 };
          return {
            kind: 'NodeMetrics',
            apiVersion: 'metrics.k8s.io/v1beta1',
            metadata: { name: n.metadata.name, labels: { ...(n.metadata.labels ?? {}) }, creationTimestamp: isoSeconds(src.clock.now()) },
            timestamp,
            window: window(),
            usage: { cpu: nanocores(acc.cpu + NODE_SYSTEM_CPU_M + src.workload.hogUsage(n.metadata.name)), memory: kibibytes(acc.mem + NODE_SYSTEM_MEM) },
          };
        });
    },

    prometheusText(): string {
      return exposition(src.store, visibleUsage(), src.workload);
    },
  };
}

type Labels = Record<string, string>;

/** Builds Prometheus text format 0.0.4: one HELP/TYPE header per family, then its samples. */
class Exposition {
  private readonly families = new Map<string, { help: string; type: string; lines: string[] }>();

  family(name: string, type: 'counter' | 'gauge', help: string): void {
    if (!this.families.has(name)) this.families.set(name, { help, type, lines: [] });
  }

  sample(name: string, labels: Labels, value: number): void {
    const f = this.families.get(name)!;
    const body = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    f.lines.push(`${name}{${body}} ${formatValue(value)}`);
  }

  toString(): string {
    let out = '';
    for (const [name, f] of this.families) {
      out += `# HELP ${name} ${f.help}\n# TYPE ${name} ${f.type}\n`;
      for (const l of f.lines) out += `${l}\n`;
    }
    return out;
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
}

function exposition(store: ObjectStore, usage: PodUsage[], workload: WorkloadModel): string {
  const e = new Exposition();
  e.family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.');
  e.family('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.');
  for (const u of usage) {
    const pod = store.get(R.pods, u.namespace, u.name);
    for (const c of u.containers) {
      const image = (pod?.spec?.containers as { name: string; image?: string }[] | undefined)?.find((x) => x.name === c.name)?.image ?? '';
      const labels = { namespace: u.namespace, pod: u.name, container: c.name, image, node: u.node ?? '' };
      e.sample('container_cpu_usage_seconds_total', labels, c.cpuSecondsTotal);
      e.sample('container_memory_working_set_bytes', labels, c.memoryBytes);
    }
  }

  // What the application would export about its requests (the simulator's queue model), per deployment.
  e.family('sentinelops_sim_request_latency_p95_seconds', 'gauge', 'p95 request latency of the deployment (queue wait included).');
  e.family('sentinelops_sim_queue_wait_seconds', 'gauge', 'How long a request arriving now waits in the deployment queue.');
  e.family('sentinelops_sim_requests_dropped_cpu_seconds_total', 'counter', 'Work dropped (timed out or failed), in CPU seconds.');
  for (const d of store.all(R.deployments)) {
    const s = workload.service(`${d.metadata.namespace}/${d.metadata.name}`);
    if (!s) continue;
    const labels = { namespace: d.metadata.namespace!, deployment: d.metadata.name };
    e.sample('sentinelops_sim_request_latency_p95_seconds', labels, s.p95LatencyMs / 1000);
    e.sample('sentinelops_sim_queue_wait_seconds', labels, s.queueWaitSeconds);
    e.sample('sentinelops_sim_requests_dropped_cpu_seconds_total', labels, s.dropped / 1000);
  }

  e.family('kube_pod_info', 'gauge', 'Information about pod.');
  e.family('kube_pod_owner', 'gauge', "Information about the Pod's owner.");
  e.family('kube_pod_status_phase', 'gauge', 'The pods current phase.');
  e.family('kube_pod_status_ready', 'gauge', 'Describes whether the pod is ready to serve requests.');
  e.family('kube_pod_status_scheduled', 'gauge', 'Describes the status of the scheduling process for the pod.');
  e.family('kube_pod_status_unschedulable', 'gauge', 'Describes the unschedulable status for the pod.');
  e.family('kube_pod_container_resource_requests', 'gauge', 'The number of requested request resource by a container.');
  e.family('kube_pod_container_resource_limits', 'gauge', 'The number of requested limit resource by a container.');
  e.family('kube_pod_container_status_restarts_total', 'counter', 'The number of container restarts per container.');
  e.family('kube_pod_container_status_ready', 'gauge', 'Describes whether the containers readiness check succeeded.');
  e.family('kube_pod_container_status_waiting_reason', 'gauge', 'Describes the reason the container is currently in waiting state.');
  e.family('kube_pod_container_status_last_terminated_reason', 'gauge', 'Describes the last reason the container was in terminated state.');
  e.family('kube_pod_container_status_last_terminated_exitcode', 'gauge', 'Describes the exit code for the last container in terminated state.');
  for (const pod of store.all(R.pods)) podFamilies(e, pod);

  e.family('kube_replicaset_owner', 'gauge', "Information about the ReplicaSet's owner.");
  e.family('kube_replicaset_spec_replicas', 'gauge', 'Number of desired pods for a ReplicaSet.');
  e.family('kube_replicaset_status_ready_replicas', 'gauge', 'The number of ready replicas per ReplicaSet.');
  for (const rs of store.all(R.replicasets)) {
    const ns = rs.metadata.namespace!;
    const owner = controllerOf(rs);
    e.sample(
      'kube_replicaset_owner',
      {
        namespace: ns,
        replicaset: rs.metadata.name,
        owner_kind: owner?.kind ?? '<none>',
        owner_name: owner?.name ?? '<none>',
        owner_is_controller: owner ? 'true' : 'false',
      },
      1,
    );
    e.sample('kube_replicaset_spec_replicas', { namespace: ns, replicaset: rs.metadata.name }, Number(rs.spec?.replicas ?? 0));
    e.sample('kube_replicaset_status_ready_replicas', { namespace: ns, replicaset: rs.metadata.name }, Number(rs.status?.readyReplicas ?? 0));
  }

  const dep = [
    ['kube_deployment_spec_replicas', 'Number of desired pods for a deployment.', (d: KObject) => Number(d.spec?.replicas ?? 1)],
    ['kube_deployment_status_replicas', 'The number of replicas per deployment.', (d: KObject) => Number(d.status?.replicas ?? 0)],
    ['kube_deployment_status_replicas_ready', 'The number of ready replicas per deployment.', (d: KObject) => Number(d.status?.readyReplicas ?? 0)],
    ['kube_deployment_status_replicas_available', 'The number of available replicas per deployment.', (d: KObject) => Number(d.status?.availableReplicas ?? 0)],
    [
      'kube_deployment_status_replicas_unavailable',
      'The number of unavailable replicas per deployment.',
      (d: KObject) => Number(d.status?.unavailableReplicas ?? 0),
    ],
    ['kube_deployment_status_replicas_updated', 'The number of updated replicas per deployment.', (d: KObject) => Number(d.status?.updatedReplicas ?? 0)],
    [
      'kube_deployment_metadata_generation',
      'Sequence number representing a specific generation of the desired state.',
      (d: KObject) => Number(d.metadata.generation ?? 1),
    ],
    [
      'kube_deployment_status_observed_generation',
      'The generation observed by the deployment controller.',
      (d: KObject) => Number(d.status?.observedGeneration ?? 0),
    ],
    [
      'kube_deployment_spec_paused',
      'Whether the deployment is paused and will not be processed by the deployment controller.',
      (d: KObject) => (d.spec?.paused ? 1 : 0),
    ],
  ] as const;
  for (const [name, help] of dep) e.family(name, 'gauge', help);
  e.family('kube_deployment_status_condition', 'gauge', 'The current status conditions of a deployment.');
  for (const d of store.all(R.deployments)) {
    const labels = { namespace: d.metadata.namespace!, deployment: d.metadata.name };
    for (const [name, , f] of dep) e.sample(name, labels, f(d));
    for (const c of (d.status?.conditions ?? []) as { type: string; status: string }[]) {
      for (const s of ['true', 'false', 'unknown'])
        e.sample('kube_deployment_status_condition', { ...labels, condition: c.type, status: s }, c.status.toLowerCase() === s ? 1 : 0);
    }
  }

  e.family('kube_node_info', 'gauge', 'Information about a cluster node.');
  e.family('kube_node_status_condition', 'gauge', 'The condition of a cluster node.');
  e.family('kube_node_status_capacity', 'gauge', 'The capacity for different resources of a node.');
  e.family('kube_node_status_allocatable', 'gauge', 'The allocatable for different resources of a node that are available for scheduling.');
  e.family('kube_node_spec_unschedulable', 'gauge', 'Whether a node can schedule new pods.');
  e.family('kube_node_spec_taint', 'gauge', 'The taint of a cluster node.');
  for (const n of store.all(R.nodes)) {
    const node = n.metadata.name;
    const info = n.status?.nodeInfo ?? {};
    const ip = (n.status?.addresses as { type: string; address: string }[] | undefined)?.find((a) => a.type === 'InternalIP')?.address ?? '';
    e.sample(
      'kube_node_info',
      {
        node,
        kernel_version: info.kernelVersion ?? '',
        os_image: info.osImage ?? '',
        container_runtime_version: info.containerRuntimeVersion ?? '',
        kubelet_version: info.kubeletVersion ?? '',
        internal_ip: ip,
      },
      1,
    );
    for (const c of (n.status?.conditions ?? []) as { type: string; status: string }[]) {
      for (const s of ['true', 'false', 'unknown'])
        e.sample('kube_node_status_condition', { node, condition: c.type, status: s }, c.status.toLowerCase() === s ? 1 : 0);
    }
    for (const [fam, res] of [
      ['kube_node_status_capacity', n.status?.capacity],
      ['kube_node_status_allocatable', n.status?.allocatable],
    ] as const) {
      if (!res) continue;
      e.sample(fam, { node, resource: 'cpu', unit: 'core' }, cpuMillicores(res.cpu) / 1000);
      e.sample(fam, { node, resource: 'memory', unit: 'byte' }, memoryBytes(res.memory));
      e.sample(fam, { node, resource: 'pods', unit: 'integer' }, Number(res.pods ?? 0));
    }
    e.sample('kube_node_spec_unschedulable', { node }, n.spec?.unschedulable ? 1 : 0);
    for (const t of (n.spec?.taints ?? []) as { key: string; value?: string; effect: string }[])
      e.sample('kube_node_spec_taint', { node, key: t.key, value: t.value ?? '', effect: t.effect }, 1);
  }
  return e.toString();
}

function podFamilies(e: Exposition, pod: KObject): void {
  const namespace = pod.metadata.namespace!;
  const name = pod.metadata.name;
  const uid = pod.metadata.uid ?? '';
  const base = { namespace, pod: name, uid };
  const node = pod.spec?.nodeName ?? '';
  const owner = controllerOf(pod);
  e.sample(
    'kube_pod_info',
    {
      ...base,
      host_ip: pod.status?.hostIP ?? '',
      pod_ip: pod.status?.podIP ?? '',
      node,
      created_by_kind: owner?.kind ?? '<none>',
      created_by_name: owner?.name ?? '<none>',
      priority_class: '',
      host_network: 'false',
    },
    1,
  );
  e.sample(
    'kube_pod_owner',
    { ...base, owner_kind: owner?.kind ?? '<none>', owner_name: owner?.name ?? '<none>', owner_is_controller: owner ? 'true' : 'false' },
    1,
  );
  const phase = pod.status?.phase ?? 'Pending';
  for (const p of ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running']) e.sample('kube_pod_status_phase', { ...base, phase: p }, p === phase ? 1 : 0);
  const ready = getCondition(pod, 'Ready')?.status?.toLowerCase();
  for (const s of ['true', 'false', 'unknown']) e.sample('kube_pod_status_ready', { ...base, condition: s }, (ready ?? 'false') === s ? 1 : 0);
  const sched = getCondition(pod, 'PodScheduled');
  if (sched)
    for (const s of ['true', 'false', 'unknown']) e.sample('kube_pod_status_scheduled', { ...base, condition: s }, sched.status.toLowerCase() === s ? 1 : 0);
  if (sched?.status === 'False' && sched.reason === 'Unschedulable') e.sample('kube_pod_status_unschedulable', base, 1);
  for (const c of (pod.spec?.containers ?? []) as Record<string, any>[]) {
    const r = containerResources(c);
    const cl = { ...base, container: c.name, node };
    if (r.cpuRequest) e.sample('kube_pod_container_resource_requests', { ...cl, resource: 'cpu', unit: 'core' }, r.cpuRequest / 1000);
    if (r.memRequest) e.sample('kube_pod_container_resource_requests', { ...cl, resource: 'memory', unit: 'byte' }, r.memRequest);
    if (r.cpuLimit !== undefined) e.sample('kube_pod_container_resource_limits', { ...cl, resource: 'cpu', unit: 'core' }, r.cpuLimit / 1000);
    if (r.memLimit !== undefined) e.sample('kube_pod_container_resource_limits', { ...cl, resource: 'memory', unit: 'byte' }, r.memLimit);
  }
  for (const cs of (pod.status?.containerStatuses ?? []) as Record<string, any>[]) {
    const cl = { ...base, container: cs.name };
    e.sample('kube_pod_container_status_restarts_total', cl, Number(cs.restartCount ?? 0));
    e.sample('kube_pod_container_status_ready', cl, cs.ready ? 1 : 0);
    if (cs.state?.waiting?.reason) e.sample('kube_pod_container_status_waiting_reason', { ...cl, reason: cs.state.waiting.reason }, 1);
    const last = cs.lastState?.terminated;
    if (last) {
      e.sample('kube_pod_container_status_last_terminated_reason', { ...cl, reason: last.reason ?? '' }, 1);
      e.sample('kube_pod_container_status_last_terminated_exitcode', cl, Number(last.exitCode ?? 0));
    }
  }
}
