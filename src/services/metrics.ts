/**
 * CPU and memory per pod, deployment or namespace: usage from the metrics source, requests and limits
 * from the pod specs, utilization as % of request (the number HPA and the agent reason with).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { cpuMillicores, memoryBytes } from '../base/quantity.js';
import { selectorToString } from '../k8s/selectors.js';
import type { ServiceContext } from './context.js';
import { ServiceError } from '../base/errors.js';
import type { PodUsage } from '../ports/metrics-source.js';
import { ownerDeploymentOf } from './pod-summary.js';
import { cachedAll } from './cached-reads.js';

export const METRIC_SCOPES = ['pod', 'deployment', 'namespace'] as const;
export type MetricScope = (typeof METRIC_SCOPES)[number];

export const MetricRowSchema = z.object({
  kind: z.enum(METRIC_SCOPES),
  namespace: z.string(),
  name: z.string().describe('pod, deployment or namespace name'),
  pods: z.number().int().describe('running pods counted'),
  podsWithMetrics: z.number().int(),
  cpuMillicores: z.number(),
  memoryBytes: z.number(),
  cpuRequestMillicores: z.number(),
  memoryRequestBytes: z.number(),
  cpuLimitMillicores: z.number(),
  memoryLimitBytes: z.number(),
  cpuUtilization: z.number().nullable().describe('% of CPU request, over pods that have metrics; null without requests or metrics'),
  memoryUtilization: z.number().nullable(),
});
export type MetricRow = z.infer<typeof MetricRowSchema>;

export interface GetMetricsInput {
  namespace?: string;
  deployment?: string;
  scope?: MetricScope;
}

export interface MetricsResult {
  source: string;
  complete: boolean;
  scope: MetricScope;
  items: MetricRow[];
  /** why the answer is incomplete when nothing could be measured yet */
  note?: string;
}

interface PodFigures {
  namespace: string;
  pod: string;
  deployment: string | null;
  cpuRequest: number;
  memRequest: number;
  cpuLimit: number;
  memLimit: number;
  usage?: PodUsage;
}

export async function getMetrics(ctx: ServiceContext, input: GetMetricsInput): Promise<MetricsResult> {
  const scope = input.scope ?? 'deployment';
  let labelSelector: string | undefined;
  if (input.deployment) {
    if (!input.namespace) throw new ServiceError('invalid', 'deployment needs a namespace; pass namespace too');
    const dep = await ctx.cluster.readDeployment(input.namespace, input.deployment);
    labelSelector = selectorToString(dep.spec?.selector) || undefined;
  }
  const cached = cachedAll(ctx, 'pods', input.namespace, labelSelector);
  const [pods, sample] = await Promise.all([cached ?? ctx.cluster.listPods(input.namespace, { labelSelector }), ctx.metrics.podUsage(input.namespace)]);
  if (!sample) {
    throw new ServiceError(
      'unavailable',
      'no metrics source answered: metrics.k8s.io is not served and no Prometheus is configured. Install metrics-server or set metrics.prometheusUrl; list_pods still works.',
    );
  }
  const usage = new Map(sample.pods.map((u) => [`${u.namespace}/${u.pod}`, u]));
  const running = pods.items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
  const figures = running.map((p) => podFigures(p, usage)).filter((f) => !input.deployment || f.deployment === input.deployment);
  const note = notScrapedYet(pods.items, running, figures, input.namespace);
  const rows = aggregate(figures, scope);
  const complete = note === undefined && figures.every((f) => f.usage !== undefined);
  return { source: sample.source, complete, scope, items: rows, ...(note ? { note } : {}) };
}

/**
 * "Nothing measured yet" is not an empty, complete answer: pods that exist but do not run yet, or running pods
 * the metrics source has not scraped yet (metrics-server scrapes every ~15 s), make the answer incomplete with a
 * note saying so. Not an error: the pipeline works, it has not caught up, and a caller (the agent) must not take a
 * young cluster for a metrics outage.
 */
function notScrapedYet(all: V1Pod[], running: V1Pod[], figures: PodFigures[], namespace: string | undefined): string | undefined {
  const where = namespace ? `namespace ${namespace}` : 'the cluster';
  if (running.length === 0 && all.length > 0)
    return `no pod in ${where} is running yet (${all.length} starting): no metrics until they run; retry in a few seconds`;
  if (figures.length > 0 && figures.every((f) => f.usage === undefined)) {
    return `metrics are not scraped yet for the ${figures.length} running pod(s) in ${where} (the metrics source samples every ~15 s); retry shortly`;
  }
  return undefined;
}

function podFigures(p: V1Pod, usage: Map<string, PodUsage>): PodFigures {
  const containers = p.spec?.containers ?? [];
  const sum = (f: (c: (typeof containers)[number]) => number) => containers.reduce((n, c) => n + f(c), 0);
  const namespace = p.metadata?.namespace ?? '';
  const pod = p.metadata?.name ?? '';
  return {
    namespace,
    pod,
    deployment: ownerDeploymentOf(p),
    cpuRequest: sum((c) => cpuMillicores(c.resources?.requests?.cpu)),
    memRequest: sum((c) => memoryBytes(c.resources?.requests?.memory)),
    cpuLimit: sum((c) => cpuMillicores(c.resources?.limits?.cpu)),
    memLimit: sum((c) => memoryBytes(c.resources?.limits?.memory)),
    usage: usage.get(`${namespace}/${pod}`),
  };
}

/** Pure: groups pod figures into rows of the requested scope. */
export function aggregate(figures: readonly PodFigures[], scope: MetricScope): MetricRow[] {
  const groups = new Map<string, { kind: MetricScope; namespace: string; name: string; pods: PodFigures[] }>();
  for (const f of figures) {
    const name = scope === 'pod' ? f.pod : scope === 'deployment' ? (f.deployment ?? `(no deployment) ${f.pod}`) : f.namespace;
    const key = `${f.namespace}/${name}`;
    const g = groups.get(key) ?? { kind: scope, namespace: f.namespace, name, pods: [] };
    g.pods.push(f);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => {
      const measured = g.pods.filter((p) => p.usage);
      const total = (xs: PodFigures[], f: (p: PodFigures) => number) => xs.reduce((n, p) => n + f(p), 0);
      const cpu = total(measured, (p) => p.usage!.cpuMillicores);
      const mem = total(measured, (p) => p.usage!.memoryBytes);
      // Utilization compares like with like: usage and requests of the same (measured) pods.
      const cpuReqMeasured = total(measured, (p) => p.cpuRequest);
      const memReqMeasured = total(measured, (p) => p.memRequest);
      return {
        kind: g.kind,
        namespace: g.namespace,
        name: g.name,
        pods: g.pods.length,
        podsWithMetrics: measured.length,
        cpuMillicores: cpu,
        memoryBytes: mem,
        cpuRequestMillicores: total(g.pods, (p) => p.cpuRequest),
        memoryRequestBytes: total(g.pods, (p) => p.memRequest),
        cpuLimitMillicores: total(g.pods, (p) => p.cpuLimit),
        memoryLimitBytes: total(g.pods, (p) => p.memLimit),
        cpuUtilization: measured.length && cpuReqMeasured > 0 ? round1((cpu / cpuReqMeasured) * 100) : null,
        memoryUtilization: measured.length && memReqMeasured > 0 ? round1((mem / memReqMeasured) * 100) : null,
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

const round1 = (n: number) => Math.round(n * 10) / 10;
