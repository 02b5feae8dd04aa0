/**
 * cost_report: what the running workloads cost per deployment and per namespace, per hour and per
 * month, split into CPU and memory, with the idle part (requested but unused) priced separately.
 */
import { z } from 'zod';
import type { ServiceContext } from './context.js';
import { addCost, costFigures, podCost, pricesOf, ZERO_COST, type CostLine, type Prices } from './cost-model.js';
import { observeWorkloads, recordObservation, type ObserveInput } from './cost-observe.js';

const money = z.number().describe('USD');
export const CostFiguresSchema = z.object({
  hourly: money,
  monthly: money.describe('USD per month (hourly × cost.hoursPerMonth, default 730)'),
  cpuHourly: money,
  memoryHourly: money,
  idleHourly: money.describe('(request − usage) priced, over pods with a usage reading'),
  idleMonthly: money,
  idleCpuHourly: money,
  idleMemoryHourly: money,
});

export const PricesSchema = z.object({
  cpuHourly: z.number().describe('USD per vCPU-hour'),
  gbHourly: z.number().describe('USD per GiB-hour of memory'),
  hoursPerMonth: z.number(),
  currency: z.literal('USD'),
});

export const DeploymentCostSchema = CostFiguresSchema.extend({
  namespace: z.string(),
  name: z.string().describe('deployment name, or "(no deployment)" for pods no deployment owns'),
  replicas: z.number().int().nullable(),
  pods: z.number().int().describe('running pods counted'),
  podsWithMetrics: z.number().int(),
  cpuRequestMillicores: z.number(),
  cpuUsageMillicores: z.number().nullable(),
  memoryRequestBytes: z.number(),
  memoryUsageBytes: z.number().nullable(),
});

export const NamespaceCostSchema = CostFiguresSchema.extend({
  namespace: z.string(),
  deployments: z.number().int(),
  pods: z.number().int(),
});

export const CostReportSchema = {
  source: z.string().nullable().describe('metrics source of the usage figures; null: none answered, requests only'),
  complete: z.boolean().describe('false when some pods had no usage reading (they are billed at their requests)'),
  prices: PricesSchema,
  total: CostFiguresSchema.extend({ pods: z.number().int() }),
  namespaces: z.array(NamespaceCostSchema),
  deployments: z.array(DeploymentCostSchema).describe('most expensive first'),
  truncated: z.boolean(),
  notes: z.array(z.string()),
};
export type CostReport = z.infer<z.ZodObject<typeof CostReportSchema>>;

export interface CostReportInput extends ObserveInput {
  limit?: number;
}

export const NO_DEPLOYMENT = '(no deployment)';

export async function costReport(ctx: ServiceContext, input: CostReportInput): Promise<CostReport> {
  const prices = pricesOf(ctx.config);
  const obs = await observeWorkloads(ctx, input);
  recordObservation(ctx, obs);
  const rows = obs.workloads
    .filter((w) => w.pods.length > 0)
    .map((w) => {
      const cost = w.pods.reduce((c, p) => addCost(c, podCost(p, prices)), ZERO_COST);
      const measured = w.pods.filter((p) => p.cpuMillicores !== undefined);
      const sum = (xs: typeof w.pods, f: (p: (typeof w.pods)[number]) => number) => xs.reduce((n, p) => n + f(p), 0);
      return {
        cost,
        row: {
          namespace: w.namespace,
          name: w.deployment ?? NO_DEPLOYMENT,
          replicas: w.replicas,
          pods: w.pods.length,
          podsWithMetrics: measured.length,
          cpuRequestMillicores: sum(w.pods, (p) => p.cpuRequestMillicores),
          cpuUsageMillicores: measured.length ? Math.round(sum(measured, (p) => p.cpuMillicores!) * 10) / 10 : null,
          memoryRequestBytes: sum(w.pods, (p) => p.memoryRequestBytes),
          memoryUsageBytes: measured.length ? Math.round(sum(measured, (p) => p.memoryBytes!)) : null,
          ...costFigures(cost, prices),
        },
      };
    });
  const namespaces = new Map<string, { cost: CostLine; deployments: number; pods: number }>();
  for (const { cost, row } of rows) {
    const n = namespaces.get(row.namespace) ?? { cost: ZERO_COST, deployments: 0, pods: 0 };
    namespaces.set(row.namespace, { cost: addCost(n.cost, cost), deployments: n.deployments + (row.name === NO_DEPLOYMENT ? 0 : 1), pods: n.pods + row.pods });
  }
  const total = rows.reduce((c, r) => addCost(c, r.cost), ZERO_COST);
  const sorted = rows.map((r) => r.row).sort((a, b) => b.hourly - a.hourly || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const limit = Math.min(input.limit ?? ctx.config.safety.maxListItems, ctx.config.safety.maxListItems);
  return {
    source: obs.source,
    complete: obs.complete,
    prices: { ...prices, currency: 'USD' },
    total: { ...costFigures(total, prices), pods: rows.reduce((n, r) => n + r.row.pods, 0) },
    namespaces: [...namespaces.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([namespace, n]) => ({ namespace, deployments: n.deployments, pods: n.pods, ...costFigures(n.cost, prices) })),
    deployments: sorted.slice(0, limit),
    truncated: sorted.length > limit,
    notes: costNotes(prices, obs.source, obs.complete),
  };
}

export function costNotes(p: Prices, source: string | null, complete: boolean): string[] {
  return [
    `Each running pod is billed for max(request, usage) of CPU and memory at $${p.cpuHourly} per vCPU-hour and $${p.gbHourly} per GiB-hour (OpenCost's default list prices unless configured in cost.*), summed per pod over its containers.`,
    `Monthly = hourly × ${p.hoursPerMonth} h: a projection of the current rate, not a bill. Node overhead, storage, network and discounts are not included.`,
    'Idle cost is the requested but unused part, (request − usage) priced: what right-sizing could reclaim.',
    ...(source === null ? ['No metrics source answered: pods are billed at their requests and no idle cost is claimed.'] : []),
    ...(source !== null && !complete ? ['Some pods had no usage reading; they are billed at their requests and add no idle cost.'] : []),
  ];
}
