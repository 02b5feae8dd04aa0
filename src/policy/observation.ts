/**
 * The agent's view of the cluster at one instant, independent of how it was fetched (MCP tools, the
 * simulator, a test builder). Field names follow docs/architecture.md "Tool outputs the agent relies on"
 * so the monitor step maps `list_deployments`, `list_pods`, `list_nodes` and `get_metrics` onto it 1:1.
 * Times are epoch milliseconds: the agent compares them against the injected clock, never parses dates twice.
 */

export interface DeploymentCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface DeploymentView {
  namespace: string;
  name: string;
  /** spec.replicas */
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  /** deployment.kubernetes.io/revision of the newest ReplicaSet. */
  revision?: string;
  /** Revision of the ReplicaSet the deployment would roll back to, when one exists. */
  previousRevision?: string;
  images: string[];
  /** Creation time of the newest ReplicaSet: when the current revision started rolling out. */
  rolloutStartedAt?: number;
  hpaControlled: boolean;
  /**
   * Another controller that owns spec.replicas ("HorizontalPodAutoscaler demo/web", "KEDA ScaledObject demo/web",
   * "Argo CD (field manager argocd-controller)"): the agent never changes the replicas then. Absent = nobody known.
   */
  replicasOwner?: string;
  /** The field manager that last wrote spec.replicas, when the API server keeps managedFields. */
  replicasSetBy?: string;
  /** The deployment or its namespace carries sentinelops.dev/scale-down: "allow". */
  scaleDownOptIn?: boolean;
  paused: boolean;
  conditions: DeploymentCondition[];
}

/** Reasons the monitor reports for a pod: the worst container waiting/terminated reason, or a pod-level one. */
export type PodReason =
  | 'CrashLoopBackOff'
  | 'ImagePullBackOff'
  | 'ErrImagePull'
  | 'InvalidImageName'
  | 'CreateContainerConfigError'
  | 'ContainerCreating'
  | 'OOMKilled'
  | 'Error'
  | 'Completed'
  | 'Unschedulable'
  | 'Terminating'
  | 'Evicted'
  | 'NodeLost'
  | (string & {});

export interface PodView {
  namespace: string;
  name: string;
  ownerDeployment?: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  ready: boolean;
  node?: string;
  restarts: number;
  reason?: PodReason;
  message?: string;
  lastTerminationReason?: string;
  /** When the last container termination happened; lets analyze tell a fresh crash from an old one. */
  lastTerminatedAt?: number;
  /** How long the container ran before its last termination (absent when the API does not say). */
  lastRunSeconds?: number;
  scheduled: boolean;
  unschedulableMessage?: string;
  createdAt: number;
  /** Since when the pod has been waiting in ContainerCreating (absent when it is not). */
  containerCreatingSince?: number;
  /** Revision of the ReplicaSet that owns the pod, when the monitor can tell. */
  revision?: string;
  /** Summed container requests/limits of the pod. */
  cpuRequestMillicores?: number;
  cpuLimitMillicores?: number;
  memoryRequestBytes?: number;
  memoryLimitBytes?: number;
  /** Current usage from the metrics pipeline; absent when the pipeline has no sample for this pod. */
  cpuMillicores?: number;
  memoryBytes?: number;
}

export interface NodeView {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  /** Since when Ready has been False/Unknown. */
  notReadySince?: number;
}

/** Per-deployment aggregate from `get_metrics` (ready pods with a sample). */
export interface DeploymentMetrics {
  cpuMillicores: number;
  cpuRequestMillicores: number;
  cpuLimitMillicores?: number;
  /** Percent of request. */
  cpuUtilization: number;
  memoryBytes?: number;
  memoryRequestBytes?: number;
  memoryLimitBytes?: number;
  /** Percent of request. */
  memoryUtilization: number;
  podsWithMetrics: number;
  readyPods: number;
  /** False when some pods had no sample. */
  complete: boolean;
}

export interface Observation {
  /** When the snapshot was taken (epoch ms). */
  at: number;
  namespaces: string[];
  deployments: DeploymentView[];
  pods: PodView[];
  nodes: NodeView[];
  /** Keyed by deploymentKey(); a missing key means no metrics for that deployment. */
  metrics: Record<string, DeploymentMetrics>;
  /** False when the metrics pipeline (metrics-server / Prometheus) did not answer at all. */
  metricsAvailable: boolean;
}

/** `namespace/name`: the key used for deployments in metrics, history and reports. */
export function deploymentKey(d: { namespace: string; name: string }): string {
  return `${d.namespace}/${d.name}`;
}

/**
 * The pods of one deployment. Indexed once per pods array (rebuilt if its length changes), not filtered per call:
 * the policy asks this for every deployment several times a cycle, which at 10k pods was O(deployments x pods).
 * A copy is returned so a caller that sorts or splices cannot disturb the index.
 */
export function podsOf(obs: Observation, d: { namespace: string; name: string }): PodView[] {
  let index = podIndex.get(obs.pods);
  if (!index || index.size !== obs.pods.length) {
    const byOwner = new Map<string, PodView[]>();
    for (const p of obs.pods) {
      if (!p.ownerDeployment) continue;
      const key = `${p.namespace}/${p.ownerDeployment}`;
      const list = byOwner.get(key);
      if (list) list.push(p);
      else byOwner.set(key, [p]);
    }
    index = { size: obs.pods.length, byOwner };
    podIndex.set(obs.pods, index);
  }
  return index.byOwner.get(`${d.namespace}/${d.name}`)?.slice() ?? [];
}

const podIndex = new WeakMap<readonly PodView[], { size: number; byOwner: Map<string, PodView[]> }>();

/** Pods that are going away are neither healthy nor unhealthy: they are leaving. */
export function isTerminating(p: PodView): boolean {
  return p.reason === 'Terminating';
}
