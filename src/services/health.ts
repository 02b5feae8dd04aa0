/**
 * One call that answers "is the cluster OK?": API server, metrics source, nodes, pods by phase and the
 * problems worth acting on. An unreachable API is a finding here, not an error.
 */
import { z } from 'zod';
import type { ServiceContext } from './context.js';
import { isServiceError } from '../base/errors.js';
import { redactUrl } from '../base/redact.js';
import { summarizeNode } from './nodes.js';
import { isUnhealthy, type PodSummary, summarizePod } from './pod-summary.js';
import { API_SOURCE, cachedAll, ReadSourceSchema, summarizeCachedPod } from './cached-reads.js';

export const ProblemSchema = z.object({
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  kind: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  reason: z.string(),
  message: z.string(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const HealthSchema = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  apiServer: z.object({
    reachable: z.boolean(),
    url: z.string(),
    version: z.string().nullable(),
    latencyMs: z.number().nullable(),
    error: z.string().nullable(),
  }),
  metrics: z.object({
    source: z.string().nullable(),
    available: z.boolean(),
    ageMs: z.number().int().optional().describe('ms since the usage sample was read (one sample per metrics resolution is shared)'),
  }),
  nodes: z.object({ total: z.number().int(), ready: z.number().int(), notReady: z.array(z.string()) }),
  pods: z.object({ total: z.number().int(), byPhase: z.record(z.number().int()), unhealthy: z.number().int() }),
  deployments: z.object({ total: z.number().int(), degraded: z.number().int() }),
  problems: z.array(ProblemSchema),
  problemsTruncated: z.boolean(),
  source: ReadSourceSchema.optional(),
});
export type Health = z.infer<typeof HealthSchema>;

const MAX_PROBLEMS = 50;
const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3 } as const;

export async function clusterHealth(ctx: ServiceContext, input: { namespace?: string }): Promise<Health> {
  const started = ctx.clock.now();
  // A kubeconfig server URL may carry user:password@; the answer shows where, never who.
  const server = redactUrl(ctx.cluster.server);
  let version: string;
  let latencyMs: number;
  const known = cachedVersion(ctx, started);
  try {
    if (known) ({ version, latencyMs } = known);
    else {
      version = await ctx.cluster.version();
      latencyMs = ctx.clock.now() - started;
      versions.set(ctx.cluster, { version, latencyMs, at: started });
    }
  } catch (err) {
    const message = isServiceError(err) ? err.message : String(err);
    return {
      status: 'unhealthy',
      apiServer: { reachable: false, url: server, version: null, latencyMs: null, error: message },
      metrics: { source: null, available: false },
      nodes: { total: 0, ready: 0, notReady: [] },
      pods: { total: 0, byPhase: {}, unhealthy: 0 },
      deployments: { total: 0, degraded: 0 },
      problems: [{ severity: 'critical', kind: 'APIServer', namespace: null, name: server, reason: 'Unreachable', message }],
      problemsTruncated: false,
    };
  }
  let metricsError: string | undefined;
  // The watch-fed cache when it holds all three kinds; otherwise the API server, as the answer's `source` says.
  const cached = { nodes: cachedAll(ctx, 'nodes'), pods: cachedAll(ctx, 'pods', input.namespace), deployments: cachedAll(ctx, 'deployments', input.namespace) };
  const fromCache = cached.nodes && cached.pods && cached.deployments;
  const [nodes, pods, deployments, sample] = await Promise.all([
    cached.nodes ?? ctx.cluster.listNodes(),
    cached.pods ?? ctx.cluster.listPods(input.namespace),
    cached.deployments ?? ctx.cluster.listDeployments(input.namespace),
    ctx.metrics.podUsage(input.namespace).catch((err: unknown) => {
      metricsError = err instanceof Error ? err.message : String(err);
      return undefined;
    }),
  ]);
  const problems: Problem[] = [];
  const nodeSummaries = nodes.items.map(summarizeNode);
  for (const n of nodeSummaries.filter((n) => !n.ready)) {
    problems.push({ severity: 'critical', kind: 'Node', namespace: null, name: n.name, reason: 'NotReady', message: `node ${n.name} is not Ready` });
  }
  const podSummaries = pods.items.map(cached.pods ? summarizeCachedPod : summarizePod);
  const byPhase: Record<string, number> = {};
  for (const p of podSummaries) byPhase[p.phase] = (byPhase[p.phase] ?? 0) + 1;
  const unhealthy = podSummaries.filter(isUnhealthy);
  const now = ctx.clock.now();
  const starting = new Set<string>();
  for (const p of unhealthy) {
    if (p.reason === 'Terminating') continue;
    const severe = ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'OOMKilled'].includes(p.reason ?? '');
    if (!severe && isStarting(p, now)) {
      // A pod seconds old that is scheduled and creating its containers is starting, not failing.
      if (p.ownerDeployment) starting.add(`${p.namespace}/${p.ownerDeployment}`);
      problems.push({
        severity: 'low',
        kind: 'Pod',
        namespace: p.namespace,
        name: p.name,
        reason: 'Starting',
        message: `pod is starting (${p.reason ?? p.phase})`,
      });
      continue;
    }
    problems.push({
      severity: severe ? 'high' : 'medium',
      kind: 'Pod',
      namespace: p.namespace,
      name: p.name,
      reason: p.reason ?? (p.scheduled ? 'NotReady' : 'Unschedulable'),
      message: p.unschedulableMessage ?? p.message ?? `pod ${p.phase}, not ready, ${p.restarts} restarts`,
    });
  }
  // Deployments with a pod failing past its start: one pass over the pods, not one per degraded deployment.
  const failingDeployments = new Set<string>();
  for (const p of unhealthy) {
    if (p.ownerDeployment && p.reason !== 'Terminating' && !isStarting(p, now)) failingDeployments.add(`${p.namespace}/${p.ownerDeployment}`);
  }
  let degraded = 0;
  for (const d of deployments.items) {
    const want = d.spec?.replicas ?? 0;
    const ready = d.status?.readyReplicas ?? 0;
    if (ready >= want) continue;
    degraded++;
    const key = `${d.metadata?.namespace ?? ''}/${d.metadata?.name ?? ''}`;
    const failing = failingDeployments.has(key);
    const created = d.metadata?.creationTimestamp ? new Date(d.metadata.creationTimestamp).getTime() : Number.NaN;
    // Pods starting, or a deployment too young to have pods yet: a fresh cluster is starting, not unavailable.
    const stillStarting = !failing && (starting.has(key) || now - created < STARTING_GRACE_MS);
    if (stillStarting) {
      problems.push({
        severity: 'low',
        kind: 'Deployment',
        namespace: d.metadata?.namespace ?? null,
        name: d.metadata?.name ?? '',
        reason: 'Starting',
        message: `${ready}/${want} replicas ready; the others are starting`,
      });
      continue;
    }
    problems.push({
      severity: ready === 0 && want > 0 ? 'critical' : 'medium',
      kind: 'Deployment',
      namespace: d.metadata?.namespace ?? null,
      name: d.metadata?.name ?? '',
      reason: ready === 0 ? 'Unavailable' : 'Degraded',
      message: `${ready}/${want} replicas ready`,
    });
  }
  if (!sample) {
    problems.push({
      severity: 'medium',
      kind: 'Metrics',
      namespace: null,
      name: ctx.metrics.name,
      reason: 'Unavailable',
      message: `no metrics source answered${metricsError ? ` (${metricsError})` : ''}; scaling decisions are blind`,
    });
  }
  problems.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const status = problems.some((p) => p.severity === 'critical') ? 'unhealthy' : problems.length ? 'degraded' : 'healthy';
  return {
    status,
    apiServer: { reachable: true, url: server, version, latencyMs, error: null },
    metrics: { source: sample?.source ?? null, available: sample !== undefined, ...(sample?.ageMs !== undefined ? { ageMs: sample.ageMs } : {}) },
    nodes: {
      total: nodeSummaries.length,
      ready: nodeSummaries.filter((n) => n.ready).length,
      notReady: nodeSummaries.filter((n) => !n.ready).map((n) => n.name),
    },
    pods: { total: podSummaries.length, byPhase, unhealthy: unhealthy.length },
    deployments: { total: deployments.items.length, degraded },
    problems: problems.slice(0, MAX_PROBLEMS),
    problemsTruncated: problems.length > MAX_PROBLEMS,
    source: fromCache ? { source: 'cache', ageMs: Math.max(...Object.values(cached).map((c) => c?.source.ageMs ?? 0)) } : API_SOURCE,
  };
}

/**
 * The server version changes only with an upgrade. While the watch-fed cache is synced (its watches are open, so the
 * API server answers) the version read within VERSION_TTL_MS is reused with the latency measured then; without a
 * synced cache every call asks /version, which is also the reachability check.
 */
const VERSION_TTL_MS = 300_000;
const versions = new WeakMap<object, { version: string; latencyMs: number; at: number }>();

function cachedVersion(ctx: ServiceContext, now: number): { version: string; latencyMs: number } | undefined {
  const cache = ctx.cache;
  if (!cache || !cache.synced('nodes') || !cache.synced('pods') || !cache.synced('deployments')) return undefined;
  const v = versions.get(ctx.cluster);
  return v && now - v.at < VERSION_TTL_MS ? v : undefined;
}

/** Within this long of creation, a scheduled pod still creating its containers counts as starting. */
const STARTING_GRACE_MS = 120_000;

function isStarting(p: PodSummary, now: number): boolean {
  if (!p.scheduled || !p.createdAt || p.restarts > 0) return false;
  // No reason: running but not ready yet (readiness pending); other reasons (pull errors, crashes) are failures.
  if (p.reason !== null && p.reason !== 'ContainerCreating' && p.reason !== 'PodInitializing') return false;
  return now - Date.parse(p.createdAt) < STARTING_GRACE_MS;
}
