/**
 * Every Kubernetes API call SentinelOps makes, as RBAC: per tool (by name) and per background component, the
 * group, resource and verbs, read from the code that makes the call (client.ts, services/, chaos/, agent/). The
 * Helm chart's ClusterRoles and Roles are generated from this table (scripts/rbac.ts), and test/deploy proves the
 * table names every tool and the chart matches it, so a new API call without a new entry fails a test instead of
 * failing in a user's cluster with a 403.
 *
 * Profiles are what an installation grants: read-only (observe), operator (the mutating tools), agent (the Lease
 * and the watches of the headless runner), chaos (fault injection, always limited to the chaos namespaces), store
 * (the Kubernetes store's custom objects in the release namespace, with store.backend=kubernetes).
 * Nothing here touches Secrets, uses `*`, or needs escalate/bind/impersonate.
 */

export const PROFILES = ['read-only', 'operator', 'agent', 'chaos', 'store'] as const;
export type Profile = (typeof PROFILES)[number];

/** Canonical order, so generated rules are stable. */
export const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;
export type Verb = (typeof VERBS)[number];

/**
 * cluster: a cluster-scoped resource (nodes), always a ClusterRole.
 * namespaced: a ClusterRole, or Roles in each allowed namespace when the installation narrows them.
 * lease: the leader-election Lease in its own namespace; get/update are limited to the lease's name.
 * store: the Kubernetes store's custom objects (src/kube-store), a Role in the release namespace, granted only
 *   with store.backend=kubernetes.
 */
export type Scope = 'cluster' | 'namespaced' | 'lease' | 'store';

export interface Access {
  apiGroup: '' | 'apps' | 'autoscaling' | 'coordination.k8s.io' | 'metrics.k8s.io' | 'sentinelops.dev';
  /** plural resource, with /subresource where the call uses one (pods/log) */
  resource: string;
  verbs: readonly Verb[];
  scope: Scope;
}

export interface Use {
  profile: Profile;
  access: readonly Access[];
  /** Non-resource URLs (GET), e.g. /version; only ClusterRoles can grant them. */
  nonResourceURLs?: readonly string[];
}

const pods = (...verbs: Verb[]): Access => ({ apiGroup: '', resource: 'pods', verbs, scope: 'namespaced' });
const podLogs: Access = { apiGroup: '', resource: 'pods/log', verbs: ['get'], scope: 'namespaced' };
const deployments = (...verbs: Verb[]): Access => ({ apiGroup: 'apps', resource: 'deployments', verbs, scope: 'namespaced' });
const replicaSets: Access = { apiGroup: 'apps', resource: 'replicasets', verbs: ['list'], scope: 'namespaced' };
const hpas: Access = { apiGroup: 'autoscaling', resource: 'horizontalpodautoscalers', verbs: ['list'], scope: 'namespaced' };
const events: Access = { apiGroup: '', resource: 'events', verbs: ['list'], scope: 'namespaced' };
const namespaces: Access = { apiGroup: '', resource: 'namespaces', verbs: ['list'], scope: 'cluster' };
const nodes = (...verbs: Verb[]): Access => ({ apiGroup: '', resource: 'nodes', verbs, scope: 'cluster' });
/** Metrics.getPodMetrics: GET /apis/metrics.k8s.io/v1beta1[/namespaces/ns]/pods (a list). */
const podMetrics: Access = { apiGroup: 'metrics.k8s.io', resource: 'pods', verbs: ['list'], scope: 'namespaced' };

function storeKind(resource: string, ...verbs: Verb[]): Access {
  return { apiGroup: 'sentinelops.dev', resource, verbs, scope: 'store' };
}

/** Per tool name (tools/*.ts). Tools that only use the store or other tools have an empty access list. */
export const TOOL_PERMISSIONS: Readonly<Record<string, Use>> = {
  // health.ts: /version, nodes, pods, deployments, and the metrics source's pod usage.
  cluster_health: { profile: 'read-only', access: [nodes('list'), pods('list'), deployments('list'), podMetrics], nonResourceURLs: ['/version'] },
  list_pods: { profile: 'read-only', access: [pods('list')] },
  // cluster-registry.ts: each context's reachability is a GET /version (on that cluster, with its own credentials).
  list_clusters: { profile: 'read-only', access: [], nonResourceURLs: ['/version'] },
  // deployments.ts: ReplicaSets for the revision, HPAs for "who owns the replica count", namespaces for their
  // sentinelops.dev/scale-down consent (a denied namespace list only means no namespace consents).
  list_deployments: { profile: 'read-only', access: [deployments('list', 'get'), replicaSets, hpas, namespaces] },
  list_nodes: { profile: 'read-only', access: [nodes('list')] },
  list_events: { profile: 'read-only', access: [events] },
  get_pod_logs: { profile: 'read-only', access: [podLogs] },
  get_metrics: { profile: 'read-only', access: [deployments('get'), pods('list'), podMetrics] },
  // Prometheus over HTTP, not the Kubernetes API.
  query_prometheus: { profile: 'read-only', access: [] },
  // Mutations are JSON merge patches of the Deployment (scale.ts, restart.ts, rollback.ts), never deployments/scale.
  scale_deployment: { profile: 'operator', access: [deployments('get', 'patch')] },
  restart_deployment: { profile: 'operator', access: [deployments('get', 'patch')] },
  delete_pod: { profile: 'operator', access: [pods('get', 'list', 'delete'), deployments('get')] },
  rollback_deployment: { profile: 'operator', access: [deployments('get', 'patch'), replicaSets] },
  // approvals/undo: puts back the replicas or the pod template an audited change replaced, as scale/rollback do.
  undo_action: { profile: 'operator', access: [deployments('get', 'patch'), replicaSets] },
  // Incidents live in the store.
  list_incidents: { profile: 'read-only', access: [] },
  get_incident: { profile: 'read-only', access: [] },
  log_incident: { profile: 'operator', access: [] },
  incident_stats: { profile: 'read-only', access: [] },
  // approvals: plans live in the store; approving one runs the planned change through scale/restart/rollback/delete.
  list_plans: { profile: 'read-only', access: [] },
  decide_plan: { profile: 'operator', access: [deployments('get', 'patch'), replicaSets, pods('get', 'list', 'delete')] },
  // the dry run of the planned change (deployment and its pods read) plus the store.
  propose_plan: { profile: 'operator', access: [deployments('get'), replicaSets, pods('list')] },
  // The notification outbox lives in the store.
  list_notifications: { profile: 'read-only', access: [] },
  // cost-observe.ts and cost-savings.ts.
  cost_report: { profile: 'read-only', access: [deployments('get', 'list'), pods('list'), podMetrics] },
  cost_savings: { profile: 'read-only', access: [deployments('list')] },
  cost_recommendations: { profile: 'read-only', access: [deployments('get', 'list'), pods('list'), podMetrics] },
  // chaos/kubernetes-backend.ts: crash = delete (grace 0); cpu spike = a burner pod beside the target, deleted by label.
  chaos_status: { profile: 'chaos', access: [] },
  chaos_pod_crash: { profile: 'chaos', access: [deployments('get'), pods('get', 'list', 'delete')] },
  chaos_cascade: { profile: 'chaos', access: [deployments('get'), pods('list', 'delete')] },
  chaos_cpu_spike: { profile: 'chaos', access: [deployments('get'), pods('get', 'list', 'create', 'delete')] },
  chaos_cleanup: { profile: 'chaos', access: [pods('list', 'delete')] },
  // The agent reaches the cluster only through the tools above.
  agent_status: { profile: 'read-only', access: [] },
  // observation.ts: the agent's one read per cycle — list_deployments' reads, nodes, pods and the pod metrics.
  agent_observation: { profile: 'read-only', access: [deployments('list', 'get'), replicaSets, hpas, namespaces, nodes('list'), pods('list'), podMetrics] },
  agent_run_cycle: { profile: 'operator', access: [] },
  agent_state: { profile: 'operator', access: [] },
};

/** Background work that calls the API outside any tool. */
export const COMPONENT_PERMISSIONS: Readonly<Record<string, Use>> = {
  // mcp/streamable-http.ts: /readyz asks the API server's version.
  'http.readyz': { profile: 'read-only', access: [], nonResourceURLs: ['/version'] },
  // services/replica-sampler.ts (serve): replica history for cost_savings.
  'serve.replicaSampler': { profile: 'read-only', access: [deployments('list')] },
  // k8s/cache: the watch-fed cache lists then watches what the read tools and the agent read (cluster-wide; where only
  // namespaced Roles are granted the list is refused and the tools read the API directly).
  'k8s.cache': {
    profile: 'read-only',
    access: [
      { apiGroup: '', resource: 'pods', verbs: ['list', 'watch'], scope: 'namespaced' },
      { apiGroup: 'apps', resource: 'deployments', verbs: ['list', 'watch'], scope: 'namespaced' },
      { apiGroup: 'apps', resource: 'replicasets', verbs: ['list', 'watch'], scope: 'namespaced' },
      { apiGroup: 'autoscaling', resource: 'horizontalpodautoscalers', verbs: ['list', 'watch'], scope: 'namespaced' },
      { apiGroup: '', resource: 'nodes', verbs: ['list', 'watch'], scope: 'cluster' },
    ],
  },
  // alerts/pod-owner.ts: an alert naming only a pod is traced to its deployment.
  'alerts.podOwner': { profile: 'read-only', access: [pods('get')] },
  // agent/leader.ts: read, create when absent, replace to renew/take over/release.
  'agent.leaderElection': {
    profile: 'agent',
    access: [{ apiGroup: 'coordination.k8s.io', resource: 'leases', verbs: ['get', 'create', 'update'], scope: 'lease' }],
  },
  // agent/watch-trigger.ts: watches (no initial list) on nodes, and on pods and deployments per namespace.
  'agent.watchTrigger': { profile: 'agent', access: [nodes('watch'), pods('watch'), deployments('watch')] },
  // kube-store/client.ts, cooldown.ts, prune.ts: incidents, the audit of mutations, agent state and cooldown claims.
  // Its own profile: a read-only installation still records incidents, and read-only grants no writes.
  'store.kubernetes': {
    profile: 'store',
    access: [
      storeKind('incidents', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete'),
      storeKind('incidents/status', 'get', 'update', 'patch'),
      storeKind('auditrecords', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete'),
      storeKind('agentstates', 'get', 'list', 'create', 'update', 'patch'),
      storeKind('cooldowns', 'get', 'list', 'create', 'update', 'delete'),
    ],
  },
};

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

export interface ProfileRules {
  /** ClusterRole rules: cluster-scoped resources and non-resource URLs. */
  cluster: PolicyRule[];
  /** Namespaced rules: a ClusterRole, or a Role per allowed namespace. */
  namespaced: PolicyRule[];
  /** Rules of the Role in the lease's namespace; `resourceNames: [LEASE_NAME]` marks where the lease name goes. */
  lease: PolicyRule[];
  /** Rules of the Role in the release namespace for the Kubernetes store. */
  store: PolicyRule[];
}

/** Placeholder the chart replaces with the configured lease name. */
export const LEASE_NAME = '<lease-name>';

/** Every use (tools and components) of one profile, merged into one rule per resource. */
export function profileRules(profile: Profile): ProfileRules {
  const uses = [...Object.values(TOOL_PERMISSIONS), ...Object.values(COMPONENT_PERMISSIONS)].filter((u) => u.profile === profile);
  const merged = new Map<string, Access & { verbs: Verb[] }>();
  const urls = new Set<string>();
  for (const u of uses) {
    for (const url of u.nonResourceURLs ?? []) urls.add(url);
    for (const a of u.access) {
      const key = `${a.scope}|${a.apiGroup}|${a.resource}`;
      const m = merged.get(key) ?? { ...a, verbs: [] };
      m.verbs = VERBS.filter((v) => m.verbs.includes(v) || a.verbs.includes(v));
      merged.set(key, m);
    }
  }
  const sorted = [...merged.values()].sort((a, b) => `${a.apiGroup}/${a.resource}`.localeCompare(`${b.apiGroup}/${b.resource}`));
  const rule = (a: Access, verbs: readonly Verb[]): PolicyRule => ({ apiGroups: [a.apiGroup], resources: [a.resource], verbs: [...verbs] });
  const cluster = sorted.filter((a) => a.scope === 'cluster').map((a) => rule(a, a.verbs));
  if (urls.size) cluster.push({ nonResourceURLs: [...urls].sort(), verbs: ['get'] });
  const lease: PolicyRule[] = [];
  for (const a of sorted.filter((a) => a.scope === 'lease')) {
    // create cannot be limited by name (the object does not exist yet); everything else can.
    const named = a.verbs.filter((v) => v !== 'create');
    if (a.verbs.includes('create')) lease.push(rule(a, ['create']));
    if (named.length) lease.push({ ...rule(a, named), resourceNames: [LEASE_NAME] });
  }
  return {
    cluster,
    namespaced: sorted.filter((a) => a.scope === 'namespaced').map((a) => rule(a, a.verbs)),
    lease,
    store: sorted.filter((a) => a.scope === 'store').map((a) => rule(a, a.verbs)),
  };
}
