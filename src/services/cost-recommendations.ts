/**
 * cost_recommendations: right-sized requests from observed usage. A deployment's pods should request
 * what their busiest pod uses (p95 over the recorded samples, or the current reading when that is all
 * there is) times a headroom, never below a floor; idle and over-provisioned workloads are flagged and
 * each recommendation carries the monthly saving it would bring.
 */
import { z } from 'zod';
import type { ServiceContext } from './context.js';
import { percentile } from '../base/stats.js';
import { cpuHourlyOf, memoryHourlyOf, pricesOf, roundMonthly } from './cost-model.js';
import { observeWorkloads, recordObservation, type ObservedWorkload, type ObserveInput } from './cost-observe.js';
import { PricesSchema } from './cost-report.js';

const MIB = 2 ** 20;
export const FINDINGS = ['idle', 'over-provisioned', 'under-provisioned', 'no-requests'] as const;
type Finding = (typeof FINDINGS)[number];

export const RecommendationSchema = z.object({
  namespace: z.string(),
  deployment: z.string(),
  replicas: z.number().int(),
  action: z.enum(['reduce-requests', 'increase-requests', 'set-requests', 'keep']),
  findings: z.array(z.enum(FINDINGS)),
  basis: z.string().describe('which observations the recommendation rests on'),
  samples: z.number().int(),
  confidence: z.enum(['low', 'medium', 'high']).describe('low below 6 samples, high from 48'),
  cpu: z.object({ requestMillicores: z.number(), observedMillicores: z.number(), recommendedMillicores: z.number() }).describe('per pod'),
  memory: z.object({ requestBytes: z.number(), observedBytes: z.number(), recommendedBytes: z.number() }).describe('per pod'),
  containers: z
    .array(z.object({ name: z.string(), cpu: z.string(), memory: z.string() }))
    .describe('recommended requests per container, as quantities for the manifest (split in proportion to the current requests)'),
  monthlySavings: z.number().describe('USD per month for all replicas; negative when the workload needs more'),
  message: z.string(),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

export const CostRecommendationsSchema = {
  source: z.string().nullable(),
  prices: PricesSchema,
  headroom: z.number(),
  windowHours: z.number(),
  totalMonthlySavings: z.number().describe('sum of the positive savings'),
  recommendations: z.array(RecommendationSchema).describe('largest saving first'),
  skipped: z.array(z.object({ namespace: z.string(), deployment: z.string(), reason: z.string() })),
  truncated: z.boolean(),
  notes: z.array(z.string()),
};
export type CostRecommendations = z.infer<z.ZodObject<typeof CostRecommendationsSchema>>;

export interface CostRecommendationsInput extends ObserveInput {
  windowHours?: number;
  headroom?: number;
  limit?: number;
}

export async function costRecommendations(ctx: ServiceContext, input: CostRecommendationsInput): Promise<CostRecommendations> {
  const prices = pricesOf(ctx.config);
  const cost = ctx.config.cost;
  const headroom = input.headroom ?? cost.headroom;
  const windowHours = input.windowHours ?? 24;
  const obs = await observeWorkloads(ctx, input);
  recordObservation(ctx, obs);
  const since = ctx.clock.now() - windowHours * 3_600_000;
  const recs: Recommendation[] = [];
  const skipped: CostRecommendations['skipped'] = [];
  for (const w of obs.workloads) {
    if (w.deployment === null || w.replicas === null) continue;
    const history = ctx.store.usage.list({ namespace: w.namespace, deployment: w.deployment, since });
    const measured = w.pods.filter((p) => p.cpuMillicores !== undefined);
    // The current reading counts as a sample unless recordObservation just stored it.
    const current = measured.length
      ? { cpu: Math.max(...measured.map((p) => p.cpuMillicores!)), memory: Math.max(...measured.map((p) => p.memoryBytes!)) }
      : undefined;
    const cpuValues = history.map((s) => s.cpuMaxPodMillicores);
    const memValues = history.map((s) => s.memoryMaxPodBytes);
    if (current && history.at(-1)?.at !== ctx.clock.now()) cpuValues.push(current.cpu), memValues.push(current.memory);
    if (cpuValues.length === 0) {
      skipped.push({
        namespace: w.namespace,
        deployment: w.deployment,
        reason: w.pods.length ? 'no usage readings from the metrics source yet' : 'no running pods',
      });
      continue;
    }
    recs.push(
      recommend(
        w,
        cpuValues,
        memValues,
        { headroom, windowHours, minCpu: cost.minCpuMillicores, minMemory: cost.minMemoryMiB * MIB, idleThreshold: cost.idleThreshold },
        (c, m) => cpuHourlyOf(c, prices) + memoryHourlyOf(m, prices),
        prices.hoursPerMonth,
      ),
    );
  }
  recs.sort((a, b) => b.monthlySavings - a.monthlySavings || a.namespace.localeCompare(b.namespace) || a.deployment.localeCompare(b.deployment));
  const limit = Math.min(input.limit ?? ctx.config.safety.maxListItems, ctx.config.safety.maxListItems);
  return {
    source: obs.source,
    prices: { ...prices, currency: 'USD' },
    headroom,
    windowHours,
    totalMonthlySavings: roundMonthly(recs.reduce((n, r) => n + Math.max(0, r.monthlySavings), 0)),
    recommendations: recs.slice(0, limit),
    skipped,
    truncated: recs.length > limit,
    notes: [
      `Recommended request per pod = p95 of the busiest pod's usage over the last ${windowHours} h of samples (nearest rank; with few samples that is their maximum) × headroom ${headroom}, rounded up (CPU to 5m, memory to 1Mi), never below ${cost.minCpuMillicores}m CPU and ${cost.minMemoryMiB}Mi memory.`,
      `Idle: p95 CPU usage below ${Math.round(cost.idleThreshold * 100)}% of the request. Over-provisioned: the recommendation is at least 10% below the current request.`,
      "Savings price each pod at max(request, usage) before and after, times spec.replicas, per month. Nothing is changed: apply a recommendation by editing the deployment's resources.requests.",
      'Samples are recorded when cost tools run (and by the agent each cycle); more samples give a better p95 (see confidence).',
    ],
  };
}

interface Policy {
  headroom: number;
  windowHours: number;
  minCpu: number;
  minMemory: number;
  idleThreshold: number;
}

/** Pure: one deployment's recommendation from its per-pod peak samples. */
export function recommend(
  w: Pick<ObservedWorkload, 'namespace' | 'deployment' | 'replicas' | 'templateCpuRequestMillicores' | 'templateMemoryRequestBytes' | 'templateContainers'>,
  cpuValues: readonly number[],
  memValues: readonly number[],
  policy: Policy,
  hourlyOf: (cpuMillicores: number, memoryBytes: number) => number,
  hoursPerMonth: number,
): Recommendation {
  // Never null: the caller skips workloads without readings.
  const cpuObserved = percentile(cpuValues, 95) ?? 0;
  const memObserved = percentile(memValues, 95) ?? 0;
  const cpuRec = Math.max(policy.minCpu, Math.ceil((cpuObserved * policy.headroom) / 5) * 5);
  const memRec = Math.max(policy.minMemory, Math.ceil((memObserved * policy.headroom) / MIB) * MIB);
  const cpuReq = w.templateCpuRequestMillicores;
  const memReq = w.templateMemoryRequestBytes;
  const findings: Finding[] = [];
  if (cpuReq === 0 || memReq === 0) findings.push('no-requests');
  if (cpuReq > 0 && cpuObserved < policy.idleThreshold * cpuReq) findings.push('idle');
  const over = (cpuReq > 0 && cpuRec <= 0.9 * cpuReq) || (memReq > 0 && memRec <= 0.9 * memReq);
  const under = (cpuReq > 0 && cpuRec > cpuReq) || (memReq > 0 && memRec > memReq);
  if (over) findings.push('over-provisioned');
  if (under) findings.push('under-provisioned');
  const action = findings.includes('no-requests') ? 'set-requests' : under ? 'increase-requests' : over ? 'reduce-requests' : 'keep';
  const replicas = w.replicas ?? 0;
  const before = hourlyOf(Math.max(cpuReq, cpuObserved), Math.max(memReq, memObserved));
  const after = action === 'keep' ? before : hourlyOf(Math.max(cpuRec, cpuObserved), Math.max(memRec, memObserved));
  const monthlySavings = roundMonthly((before - after) * replicas * hoursPerMonth);
  const n = cpuValues.length;
  const containers = splitAcross(w.templateContainers, cpuRec, memRec);
  const cpuText = `CPU ${cpuReq}m → ${cpuRec}m`;
  const memText = `memory ${mib(memReq)} → ${mib(memRec)}`;
  return {
    namespace: w.namespace,
    deployment: w.deployment!,
    replicas,
    action,
    findings,
    basis: n === 1 ? 'the current usage reading only (1 sample)' : `p95 of ${n} samples over the last ${policy.windowHours} h`,
    samples: n,
    confidence: n < 6 ? 'low' : n < 48 ? 'medium' : 'high',
    cpu: { requestMillicores: cpuReq, observedMillicores: Math.round(cpuObserved * 10) / 10, recommendedMillicores: cpuRec },
    memory: { requestBytes: memReq, observedBytes: Math.round(memObserved), recommendedBytes: memRec },
    containers,
    monthlySavings,
    message:
      action === 'keep'
        ? `requests fit the observed usage (${cpuText}, ${memText} would change little); keep them`
        : `${action.replace('-', ' ')} per pod: ${cpuText}, ${memText}${findings.includes('idle') ? '; the workload is idle (consider scaling it down or removing it)' : ''}; ${monthlySavings >= 0 ? `saves $${monthlySavings}` : `costs $${-monthlySavings} more`} per month over ${replicas} replicas`,
  };
}

function splitAcross(containers: ObservedWorkload['templateContainers'], cpu: number, memory: number) {
  const cpuTotal = containers.reduce((n, c) => n + c.cpuRequestMillicores, 0);
  const memTotal = containers.reduce((n, c) => n + c.memoryRequestBytes, 0);
  return containers.map((c) => {
    const cpuShare = cpuTotal > 0 ? c.cpuRequestMillicores / cpuTotal : 1 / containers.length;
    const memShare = memTotal > 0 ? c.memoryRequestBytes / memTotal : 1 / containers.length;
    return { name: c.name, cpu: `${Math.max(1, Math.ceil(cpu * cpuShare))}m`, memory: `${Math.max(1, Math.ceil((memory * memShare) / MIB))}Mi` };
  });
}

const mib = (bytes: number) => `${Math.round((bytes / MIB) * 10) / 10}Mi`;
