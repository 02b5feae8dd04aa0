/**
 * cost_savings: what running the recorded (autoscaled) replica counts cost against a static baseline —
 * the seed's "10 static replicas vs 5 dynamic" — from the replica history in the store.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { z } from 'zod';
import { cpuMillicores, memoryBytes } from '../base/quantity.js';
import type { ServiceContext } from './context.js';
import { cpuHourlyOf, memoryHourlyOf, pricesOf, roundHourly, roundMonthly, type Prices } from './cost-model.js';
import { PricesSchema } from './cost-report.js';

export const BASELINE_SOURCES = ['argument', 'config', 'max-observed'] as const;

export const DeploymentSavingsSchema = z.object({
  namespace: z.string(),
  deployment: z.string(),
  samples: z.number().int(),
  observedHours: z.number(),
  averageReplicas: z.number(),
  maxReplicas: z.number().int(),
  baselineReplicas: z.number().int(),
  baselineSource: z.enum(BASELINE_SOURCES),
  perReplicaHourly: z.number().describe('USD per replica-hour from the pod template requests'),
  actualCost: z.number().describe('USD over the observed period'),
  baselineCost: z.number().describe('USD the static baseline would have cost over the same period'),
  savings: z.number().describe('baselineCost − actualCost; negative means autoscaling cost more'),
  savingsPercent: z.number().nullable(),
  projectedMonthlySavings: z.number().describe('(baseline − average replicas) × perReplicaHourly × hours per month'),
});

export const CostSavingsSchema = {
  windowHours: z.number(),
  prices: PricesSchema,
  total: z.object({
    actualCost: z.number(),
    baselineCost: z.number(),
    savings: z.number(),
    savingsPercent: z.number().nullable(),
    projectedMonthlySavings: z.number(),
  }),
  deployments: z.array(DeploymentSavingsSchema),
  skipped: z.array(z.object({ namespace: z.string(), deployment: z.string(), reason: z.string() })),
  assumptions: z.array(z.string()),
};
export type CostSavings = z.infer<z.ZodObject<typeof CostSavingsSchema>>;
type DeploymentSavings = z.infer<typeof DeploymentSavingsSchema>;

export interface CostSavingsInput {
  namespace?: string;
  deployment?: string;
  windowHours?: number;
  baselineReplicas?: number;
}

const HOUR_MS = 3_600_000;

export async function costSavings(ctx: ServiceContext, input: CostSavingsInput): Promise<CostSavings> {
  const prices = pricesOf(ctx.config);
  const now = ctx.clock.now();
  const windowHours = input.windowHours ?? 24;
  const since = now - windowHours * HOUR_MS;
  const inWindow = ctx.store.replicas.list({ namespace: input.namespace, deployment: input.deployment, since, until: now });
  const targets = [...new Set(inWindow.map((s) => `${s.namespace}/${s.deployment}`))].sort();
  const deployments = new Map<string, V1Deployment>(
    (await ctx.cluster.listDeployments(input.namespace)).items.map((d) => [`${d.metadata?.namespace}/${d.metadata?.name}`, d]),
  );
  const out: DeploymentSavings[] = [];
  const skipped: CostSavings['skipped'] = [];
  for (const key of targets) {
    const [namespace, deployment] = key.split('/') as [string, string];
    const d = deployments.get(key);
    if (!d) {
      skipped.push({ namespace, deployment, reason: 'the deployment no longer exists, so its per-replica price is unknown' });
      continue;
    }
    // The state at the window's start is the last sample before it, when there is one.
    const before = ctx.store.replicas.list({ namespace, deployment, until: since - 1 }).at(-1);
    const samples = [
      ...(before ? [{ at: since, replicas: before.replicas }] : []),
      ...inWindow.filter((s) => s.namespace === namespace && s.deployment === deployment).map((s) => ({ at: Date.parse(s.at), replicas: s.replicas })),
    ];
    const containers = d.spec?.template?.spec?.containers ?? [];
    const perReplicaHourly =
      cpuHourlyOf(
        containers.reduce((n, c) => n + cpuMillicores(c.resources?.requests?.cpu), 0),
        prices,
      ) +
      memoryHourlyOf(
        containers.reduce((n, c) => n + memoryBytes(c.resources?.requests?.memory), 0),
        prices,
      );
    const baseline =
      input.baselineReplicas !== undefined
        ? { replicas: input.baselineReplicas, source: 'argument' as const }
        : ctx.config.cost.baselineReplicas !== undefined
          ? { replicas: ctx.config.cost.baselineReplicas, source: 'config' as const }
          : undefined;
    const r = savingsOf(samples, now, perReplicaHourly, baseline, prices);
    if (!r) {
      skipped.push({ namespace, deployment, reason: 'one sample at the current time only; savings need replica history over time' });
      continue;
    }
    out.push({ namespace, deployment, samples: samples.length, ...r });
  }
  const sum = (f: (d: DeploymentSavings) => number) => out.reduce((n, d) => n + f(d), 0);
  const baselineCost = sum((d) => d.baselineCost);
  const savings = sum((d) => d.savings);
  return {
    windowHours,
    prices: { ...prices, currency: 'USD' },
    total: {
      actualCost: roundMonthly(sum((d) => d.actualCost)),
      baselineCost: roundMonthly(baselineCost),
      savings: roundMonthly(savings),
      savingsPercent: baselineCost > 0 ? Math.round((savings / baselineCost) * 1000) / 10 : null,
      projectedMonthlySavings: roundMonthly(sum((d) => d.projectedMonthlySavings)),
    },
    deployments: out,
    skipped,
    assumptions: [
      `Replica counts come from SentinelOps' recorded replica history over the last ${windowHours} h; each recorded count holds until the next sample (the last one until now).`,
      'The baseline is a static replica count running the whole period: the baselineReplicas argument, else cost.baselineReplicas, else the most replicas observed in the window (baselineSource says which).',
      `A replica costs its pod template's requests at $${prices.cpuHourly} per vCPU-hour and $${prices.gbHourly} per GiB-hour; usage above requests is not counted, so both sides are priced alike.`,
      `projectedMonthlySavings extrapolates the average over ${prices.hoursPerMonth} h; it assumes the observed traffic pattern repeats.`,
    ],
  };
}

/** Pure: time-weighted replica-hours of a step function against a static baseline. */
export function savingsOf(
  samples: readonly { at: number; replicas: number }[],
  now: number,
  perReplicaHourly: number,
  baseline: { replicas: number; source: 'argument' | 'config' } | undefined,
  prices: Prices,
): Omit<DeploymentSavings, 'namespace' | 'deployment' | 'samples'> | undefined {
  if (samples.length === 0) return undefined;
  const start = samples[0]!.at;
  const observedHours = (now - start) / HOUR_MS;
  if (observedHours <= 0) return undefined;
  let replicaHours = 0;
  samples.forEach((s, i) => {
    const end = i + 1 < samples.length ? samples[i + 1]!.at : now;
    replicaHours += (s.replicas * Math.max(0, end - s.at)) / HOUR_MS;
  });
  const maxReplicas = Math.max(...samples.map((s) => s.replicas));
  const base = baseline ?? { replicas: maxReplicas, source: 'max-observed' as const };
  const averageReplicas = replicaHours / observedHours;
  const actualCost = replicaHours * perReplicaHourly;
  const baselineCost = base.replicas * observedHours * perReplicaHourly;
  return {
    observedHours: Math.round(observedHours * 1000) / 1000,
    averageReplicas: Math.round(averageReplicas * 1000) / 1000,
    maxReplicas,
    baselineReplicas: base.replicas,
    baselineSource: base.source,
    perReplicaHourly: roundHourly(perReplicaHourly),
    actualCost: roundMonthly(actualCost),
    baselineCost: roundMonthly(baselineCost),
    savings: roundMonthly(baselineCost - actualCost),
    savingsPercent: baselineCost > 0 ? Math.round(((baselineCost - actualCost) / baselineCost) * 1000) / 10 : null,
    projectedMonthlySavings: roundMonthly((base.replicas - averageReplicas) * perReplicaHourly * prices.hoursPerMonth),
  };
}
