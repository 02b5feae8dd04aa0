/**
 * The REST face of the MCP tools, as data. Each route names the tool that does the work; the request's
 * query, JSON body and path parameters are merged (body over query), renamed through `aliases` so the
 * seed's parameter names keep working (`duration` → `durationSeconds`, `pod_name` → `pod`), coerced to
 * the tool's types and validated by the tool's own zod input. A name the route does not accept is refused
 * (400 naming the accepted ones), never dropped: a misspelt `dryrun` must not make a real change.
 * Nothing here re-implements a tool.
 */
import { z } from 'zod';
import { NamespaceCostSchema, PricesSchema } from '../services/cost-report.js';
import { MetricRowSchema } from '../services/metrics.js';
import { HUMAN_ROUTES } from './human-routes.js';
import { PLAN_ROUTES } from './plan-routes.js';

export type HttpMethod = 'GET' | 'POST';

export interface ToolRoute {
  method: HttpMethod;
  /** relative to /api/v1; `{name}` is a path parameter */
  path: string;
  tool: string;
  summary: string;
  /** request name → tool input name */
  aliases?: Readonly<Record<string, string>>;
  /** input fixed by the route (the caller cannot override it) */
  fixed?: Readonly<Record<string, unknown>>;
  /** reshapes the tool's output for this route; `response` documents the result */
  present?: (output: Record<string, unknown>) => unknown;
  response?: z.ZodTypeAny;
  tag: string;
}

const CPU_FIELDS = [
  'kind',
  'namespace',
  'name',
  'pods',
  'podsWithMetrics',
  'cpuMillicores',
  'cpuRequestMillicores',
  'cpuLimitMillicores',
  'cpuUtilization',
] as const;
const MEMORY_FIELDS = [
  'kind',
  'namespace',
  'name',
  'pods',
  'podsWithMetrics',
  'memoryBytes',
  'memoryRequestBytes',
  'memoryLimitBytes',
  'memoryUtilization',
] as const;

function project(fields: readonly string[]) {
  return (out: Record<string, unknown>) => ({
    ...out,
    items: (out.items as Record<string, unknown>[]).map((row) => Object.fromEntries(fields.map((f) => [f, row[f]]))),
  });
}

function metricsResponse(fields: readonly (keyof typeof MetricRowSchema.shape)[]) {
  const pick = Object.fromEntries(fields.map((f) => [f, true])) as { [K in keyof typeof MetricRowSchema.shape]?: true };
  return MetricRowSchema.pick(pick);
}

const BREAKDOWN_FIELDS = ['namespace', 'name', 'replicas', 'hourly', 'monthly', 'cpuHourly', 'memoryHourly', 'idleHourly', 'idleMonthly'] as const;

/** The seed's breakdown: where the money goes, without the request/usage detail of /cost/current. */
function breakdown(out: Record<string, unknown>) {
  const rows = out.deployments as Record<string, unknown>[];
  return {
    prices: out.prices,
    total: out.total,
    namespaces: out.namespaces,
    deployments: rows.map((r) => Object.fromEntries(BREAKDOWN_FIELDS.map((f) => [f, r[f]]))),
  };
}

// The seed's names for the same inputs.
const SEED = { deployment_name: 'deployment', pod_name: 'pod', dry_run: 'dryRun' } as const;

export const TOOL_ROUTES: readonly ToolRoute[] = [
  {
    method: 'GET',
    path: '/health',
    tool: 'cluster_health',
    tag: 'cluster',
    summary: 'Cluster health: API server, metrics source, nodes, pods by phase, problems',
  },
  {
    method: 'GET',
    path: '/stats/summary',
    tool: 'incident_stats',
    tag: 'incidents',
    summary: 'Incident statistics: MTTR mean/p50/p95, success rate, counts by type and outcome',
    aliases: { since: 'sinceSeconds' },
  },
  { method: 'GET', path: '/metrics', tool: 'get_metrics', tag: 'metrics', summary: 'CPU and memory per deployment (default), pod or namespace' },
  {
    method: 'GET',
    path: '/metrics/cpu',
    tool: 'get_metrics',
    tag: 'metrics',
    summary: 'CPU usage, requests, limits and utilization',
    present: project(CPU_FIELDS),
    response: metricsResponse([...CPU_FIELDS]),
  },
  {
    method: 'GET',
    path: '/metrics/memory',
    tool: 'get_metrics',
    tag: 'metrics',
    summary: 'Memory usage, requests, limits and utilization',
    present: project(MEMORY_FIELDS),
    response: metricsResponse([...MEMORY_FIELDS]),
  },
  { method: 'GET', path: '/cost/current', tool: 'cost_report', tag: 'cost', summary: 'Cost now: per deployment and namespace, per hour and per month' },
  {
    method: 'GET',
    path: '/cost/breakdown',
    tool: 'cost_report',
    tag: 'cost',
    summary: 'Cost per namespace and deployment, split into CPU, memory and idle',
    present: breakdown,
    response: z.object({
      prices: PricesSchema,
      total: z.record(z.unknown()),
      namespaces: z.array(NamespaceCostSchema),
      deployments: z.array(z.record(z.unknown())),
    }),
  },
  { method: 'GET', path: '/cost/savings', tool: 'cost_savings', tag: 'cost', summary: 'Savings from autoscaling against a static baseline, with assumptions' },
  { method: 'GET', path: '/cost/recommendations', tool: 'cost_recommendations', tag: 'cost', summary: 'Right-sizing recommendations from observed usage' },
  { method: 'GET', path: '/pods', tool: 'list_pods', tag: 'cluster', summary: 'Pods with phase, readiness, restarts and the worst reason' },
  {
    method: 'GET',
    path: '/deployments',
    tool: 'list_deployments',
    tag: 'cluster',
    summary: 'Deployments with desired/ready/updated/available replicas and revisions',
  },
  {
    method: 'GET',
    path: '/clusters',
    tool: 'list_clusters',
    tag: 'cluster',
    summary: 'The clusters this server can reach (kubeconfig contexts): default, reachable, server; pass one as ?cluster= to any endpoint',
  },
  { method: 'GET', path: '/nodes', tool: 'list_nodes', tag: 'cluster', summary: 'Nodes with readiness, pressure conditions, capacity and allocatable' },
  { method: 'GET', path: '/events', tool: 'list_events', tag: 'cluster', summary: 'Kubernetes events, newest first' },
  {
    method: 'GET',
    path: '/logs/{pod_name}',
    tool: 'get_pod_logs',
    tag: 'cluster',
    summary: "The last lines of a pod's log",
    aliases: { ...SEED, lines: 'tailLines', tail: 'tailLines' },
  },
  {
    method: 'POST',
    path: '/scale',
    tool: 'scale_deployment',
    tag: 'actions',
    summary: 'Set the replica count of a deployment (guardrails, cooldown, audit)',
    aliases: SEED,
  },
  { method: 'POST', path: '/restart', tool: 'restart_deployment', tag: 'actions', summary: 'Rolling restart of a deployment', aliases: SEED },
  {
    method: 'POST',
    path: '/rollback',
    tool: 'rollback_deployment',
    tag: 'actions',
    summary: 'Roll a deployment back to its previous (or a given) revision',
    aliases: { ...SEED, revision: 'toRevision' },
  },
  { method: 'POST', path: '/delete_pod', tool: 'delete_pod', tag: 'actions', summary: 'Delete a named pod, or a random pod of a deployment', aliases: SEED },
  {
    method: 'GET',
    path: '/incidents',
    tool: 'list_incidents',
    tag: 'incidents',
    summary: 'Recent incidents, newest first, with actions and outcome',
    aliases: { since: 'sinceSeconds' },
  },
  { method: 'GET', path: '/incidents/{id}', tool: 'get_incident', tag: 'incidents', summary: 'One incident with its actions' },
  { method: 'POST', path: '/incidents', tool: 'log_incident', tag: 'incidents', summary: 'Open an incident, or update one (id): action, severity, outcome' },
  {
    method: 'POST',
    path: '/simulate/cpu_spike',
    tool: 'chaos_cpu_spike',
    tag: 'chaos',
    summary: 'Raise CPU load on a deployment for a while (chaos must be enabled)',
    aliases: { ...SEED, duration: 'durationSeconds' },
  },
  {
    method: 'POST',
    path: '/simulate/crash',
    tool: 'chaos_pod_crash',
    tag: 'chaos',
    summary: 'Crash a pod of a deployment (chaos must be enabled)',
    aliases: SEED,
  },
  {
    method: 'POST',
    path: '/simulate/cascade',
    tool: 'chaos_cascade',
    tag: 'chaos',
    summary: "Crash a share of a deployment's pods at once (chaos must be enabled)",
    aliases: SEED,
  },
  { method: 'POST', path: '/simulate/cleanup', tool: 'chaos_cleanup', tag: 'chaos', summary: 'End every running chaos experiment' },
  { method: 'GET', path: '/chaos/status', tool: 'chaos_status', tag: 'chaos', summary: 'Whether chaos is enabled, its limits and the running experiments' },
  { method: 'GET', path: '/agent/status', tool: 'agent_status', tag: 'agent', summary: 'The autonomous agent: running, leader, last cycles' },
  {
    method: 'POST',
    path: '/agent/run_cycle',
    tool: 'agent_run_cycle',
    tag: 'agent',
    summary: 'Run one monitor → analyze → decide → act cycle now',
    aliases: SEED,
  },
  ...HUMAN_ROUTES,
  ...PLAN_ROUTES,
];

/** The `{name}` parameters of a route's path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/**
 * The names a route accepts in its query string or JSON body: the tool's input fields that the route
 * neither fixes nor takes from the path, then the seed's aliases of those fields.
 */
export function acceptedNames(route: ToolRoute, inputFields: readonly string[]): string[] {
  const fromPath = pathParams(route.path);
  const taken = new Set([...Object.keys(route.fixed ?? {}), ...fromPath.map((n) => route.aliases?.[n] ?? n)]);
  const fields = inputFields.filter((f) => !taken.has(f));
  const aliases = Object.entries(route.aliases ?? {})
    .filter(([from, to]) => fields.includes(to) && !fromPath.includes(from))
    .map(([from]) => from);
  return [...fields, ...aliases];
}
