/**
 * Nodes: created at start with capacity/allocatable and a Ready condition; each kubelet renews its Lease
 * in kube-node-lease every 10 s. A node taken down stops its kubelet at once; after the monitor grace
 * period the node controller marks it Ready=Unknown, taints it unreachable, marks its pods not ready,
 * and evicts each pod when its toleration for the unreachable taint runs out. Evicted pods stay
 * Terminating until the node returns (nobody is there to confirm they stopped), while their
 * ReplicaSets create replacements elsewhere: the upstream behaviour.
 */
import type { TimerHandle } from '../../base/clock.js';
import { R } from '../resources.js';
import type { KObject } from '../types.js';
import { isoSeconds, type SimContext } from './context.js';
import type { Kubelet } from './kubelet.js';
import { deletePodGracefully, getCondition, setCondition, type Condition } from './pods.js';
import { NOT_READY_TAINT, UNREACHABLE_TAINT } from './pod-template.js';
import { cpuMillicores, memoryBytes } from '../../base/quantity.js';
import { formatCpu } from './quantity.js';
import { POD_CONDITION_ORDER } from './scheduler.js';

const LEASE_MS = 10_000;
const STATUS_MS = 60_000;
const LEASE_NS = 'kube-node-lease';
const NODE_SOURCE = { component: 'node-controller' };

export interface NodeSpec {
  name: string;
  cpu: string;
  memory: string;
  pods?: number;
}

interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export class NodeLifecycle {
  private readonly down = new Map<string, { since: number; timers: TimerHandle[] }>();
  private leaseTimer?: TimerHandle;
  private statusTimer?: TimerHandle;

  constructor(
    private readonly ctx: SimContext,
    private readonly kubelet: Kubelet,
  ) {}

  start(): void {
    const { clock } = this.ctx;
    const renew = (): void => {
      this.renewLeases();
      this.leaseTimer = clock.setTimeout(renew, LEASE_MS);
    };
    const heartbeat = (): void => {
      this.heartbeat();
      this.statusTimer = clock.setTimeout(heartbeat, STATUS_MS);
    };
    this.leaseTimer = clock.setTimeout(renew, LEASE_MS);
    this.statusTimer = clock.setTimeout(heartbeat, STATUS_MS);
  }

  stop(): void {
    this.ctx.clock.clearTimeout(this.leaseTimer);
    this.ctx.clock.clearTimeout(this.statusTimer);
    for (const d of this.down.values()) for (const t of d.timers) this.ctx.clock.clearTimeout(t);
  }

  createNode(spec: NodeSpec, index: number): KObject {
    const { store, clock } = this.ctx;
    const now = isoSeconds(clock.now());
    const cpu = formatCpu(cpuMillicores(spec.cpu));
    const memKi = `${Math.floor(memoryBytes(spec.memory) / 1024)}Ki`;
    const resources = { cpu, memory: memKi, pods: String(spec.pods ?? 110), 'ephemeral-storage': '102626232Ki', 'hugepages-2Mi': '0' };
    const ip = `10.0.${Math.floor(index / 250)}.${(index % 250) + 10}`;
    const node = store.create(R.nodes, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: spec.name,
        labels: {
          'kubernetes.io/hostname': spec.name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux',
          'beta.kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': 'sim.standard',
          'topology.kubernetes.io/zone': `sim-${String.fromCharCode(97 + (index % 3))}`,
        },
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: { podCIDR: `10.244.${index % 256}.0/24`, podCIDRs: [`10.244.${index % 256}.0/24`], providerID: `sentinelops-sim://${spec.name}` },
    });
    store.mutate(
      R.nodes,
      undefined,
      node.metadata.name,
      (n) => {
        n.status = {
          capacity: resources,
          allocatable: { ...resources },
          conditions: this.healthyConditions(now),
          addresses: [
            { type: 'InternalIP', address: ip },
            { type: 'Hostname', address: spec.name },
          ],
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
          nodeInfo: {
            machineID: this.ctx.rng.hex(32),
            systemUUID: this.ctx.rng.uuid(),
            bootID: this.ctx.rng.uuid(),
            kernelVersion: '6.8.0-sim',
            osImage: 'SentinelOps Simulated Linux',
            containerRuntimeVersion: 'containerd://1.7.22',
            kubeletVersion: 'v1.31.0',
            kubeProxyVersion: 'v1.31.0',
            operatingSystem: 'linux',
            architecture: 'amd64',
          },
        };
      },
      { subresource: 'status' },
    );
    this.renewLease(spec.name);
    return store.get(R.nodes, undefined, spec.name)!;
  }

  private healthyConditions(at: string): Condition[] {
    const c = (type: string, status: Condition['status'], reason: string, message: string): Condition => ({
      type,
      status,
      lastHeartbeatTime: at,
      lastTransitionTime: at,
      reason,
      message,
    });
    return [
      c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ];
  }

  isDown(node: string): boolean {
    return this.down.has(node);
  }

  /** Stops the node's kubelet now; the node controller notices after the grace period. */
  setDown(node: string): void {
    if (this.down.has(node)) return;
    const { clock, config } = this.ctx;
    this.kubelet.pauseNode(node);
    const entry = { since: clock.now(), timers: [] as TimerHandle[] };
    this.down.set(node, entry);
    entry.timers.push(clock.setTimeout(() => this.markUnreachable(node), config.nodeMonitorGraceSeconds * 1000));
  }

  setUp(node: string): void {
    const entry = this.down.get(node);
    if (!entry) return;
    for (const t of entry.timers) this.ctx.clock.clearTimeout(t);
    this.down.delete(node);
    const { store, clock } = this.ctx;
    const now = clock.now();
    const wasUnknown = getCondition(store.get(R.nodes, undefined, node) ?? ({ metadata: { name: node } } as KObject), 'Ready')?.status !== 'True';
    store.mutate(R.nodes, undefined, node, (n) => {
      n.spec.taints = ((n.spec.taints ?? []) as { key: string }[]).filter((t) => t.key !== UNREACHABLE_TAINT && t.key !== NOT_READY_TAINT);
      if (n.spec.taints.length === 0) delete n.spec.taints;
      n.status.conditions = this.healthyConditions(isoSeconds(now)).map((c) => {
        const prev = (n.status.conditions as Condition[]).find((p) => p.type === c.type);
        return prev && prev.status === c.status ? { ...c, lastTransitionTime: prev.lastTransitionTime } : c;
      });
    });
    const obj = store.get(R.nodes, undefined, node);
    if (obj && wasUnknown) this.ctx.events.normal(obj, 'NodeReady', `Node ${node} status is now: NodeReady`, { component: 'kubelet', host: node });
    this.renewLease(node);
    this.kubelet.resumeNode(node);
  }

  private markUnreachable(node: string): void {
    const entry = this.down.get(node);
    const { store, clock } = this.ctx;
    const obj = store.get(R.nodes, undefined, node);
    if (!entry || !obj) return;
    const now = clock.now();
    const at = isoSeconds(now);
    store.mutate(R.nodes, undefined, node, (n) => {
      const taints = ((n.spec.taints ?? []) as Record<string, unknown>[]).filter((t) => t.key !== UNREACHABLE_TAINT);
      taints.push({ key: UNREACHABLE_TAINT, effect: 'NoSchedule', timeAdded: at }, { key: UNREACHABLE_TAINT, effect: 'NoExecute', timeAdded: at });
      n.spec.taints = taints;
      n.status.conditions = (n.status.conditions as Condition[]).map((c) => ({
        ...c,
        status: 'Unknown' as const,
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastTransitionTime: c.status === 'Unknown' ? c.lastTransitionTime : at,
      }));
    });
    this.ctx.events.normal(obj, 'NodeNotReady', `Node ${node} status is now: NodeNotReady`, NODE_SOURCE);
    for (const pod of store.list(R.pods, { fieldSelector: `spec.nodeName=${node}` }).items) {
      store.mutate(
        R.pods,
        pod.metadata.namespace,
        pod.metadata.name,
        (p) => {
          p.status ??= {};
          let conds = (p.status.conditions ?? []) as Condition[];
          conds = setCondition(conds, { type: 'Ready', status: 'False', lastProbeTime: null }, now, POD_CONDITION_ORDER);
          p.status.conditions = conds;
        },
        { subresource: 'status' },
      );
      this.ctx.events.warning(pod, 'NodeNotReady', 'Node is not ready', NODE_SOURCE);
      const seconds = unreachableToleration(pod);
      if (seconds === null) continue; // tolerates forever
      const ref = { ns: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
      entry.timers.push(
        clock.setTimeout(() => {
          const cur = store.get(R.pods, ref.ns, ref.name);
          if (!cur || cur.metadata.uid !== ref.uid || !this.down.has(node)) return;
          this.ctx.events.normal(cur, 'TaintManagerEviction', `Marking for deletion Pod ${ref.ns}/${ref.name}`, { component: 'taint-eviction-controller' });
          deletePodGracefully(store, cur, clock.now());
        }, Math.max(0, seconds) * 1000),
      );
    }
  }

  private renewLeases(): void {
    for (const node of this.ctx.store.all(R.nodes)) if (!this.down.has(node.metadata.name)) this.renewLease(node.metadata.name);
  }

  private renewLease(node: string): void {
    const { store, clock } = this.ctx;
    const renewTime = new Date(clock.now()).toISOString().replace('Z', '000Z');
    const existing = store.get(R.leases, LEASE_NS, node);
    if (!existing) {
      if (!store.get(R.namespaces, undefined, LEASE_NS)) return;
      store.create(R.leases, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: node, namespace: LEASE_NS },
        spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime },
      });
      return;
    }
    store.mutate(R.leases, LEASE_NS, node, (l) => {
      l.spec.renewTime = renewTime;
    });
  }

  /** The kubelet's periodic node status report: refreshes lastHeartbeatTime on healthy nodes. */
  private heartbeat(): void {
    const at = isoSeconds(this.ctx.clock.now());
    for (const node of this.ctx.store.all(R.nodes)) {
      if (this.down.has(node.metadata.name) || !node.status?.conditions) continue;
      this.ctx.store.mutate(
        R.nodes,
        undefined,
        node.metadata.name,
        (n) => {
          n.status.conditions = (n.status.conditions as Condition[]).map((c) => ({ ...c, lastHeartbeatTime: at }));
        },
        { subresource: 'status' },
      );
    }
  }
}

/** Seconds the pod tolerates the unreachable NoExecute taint: 0 without a toleration, null for ever. */
function unreachableToleration(pod: KObject): number | null {
  const tols = (pod.spec?.tolerations ?? []) as Toleration[];
  const t = tols.find(
    (x) => (x.effect === 'NoExecute' || !x.effect) && ((x.operator === 'Exists' && (!x.key || x.key === UNREACHABLE_TAINT)) || x.key === UNREACHABLE_TAINT),
  );
  if (!t) return 0;
  return t.tolerationSeconds === undefined ? null : Number(t.tolerationSeconds);
}
