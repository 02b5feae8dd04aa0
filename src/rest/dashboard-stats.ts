/**
 * GET /api/v1/dashboard/stats: everything the dashboard shows, in one answer, built only from tool calls.
 * A section whose tool is missing (not in this build, filtered out) or failing is null and its reason is
 * in `unavailable`, so one broken source never blanks the page.
 */
import { z } from 'zod';
import { DeploymentSummarySchema } from '../services/deployment-summary.js';
import { HealthSchema } from '../services/health.js';
import { NodeSummarySchema } from '../services/nodes.js';
import { IncidentSchema, IncidentStatsSchema } from '../store/types.js';
import { toHttpFailure } from './errors.js';
import type { ToolInvoker } from './invoker.js';

export const DashboardDeploymentSchema = DeploymentSummarySchema.pick({
  name: true,
  namespace: true,
  replicas: true,
  readyReplicas: true,
  updatedReplicas: true,
  availableReplicas: true,
  revision: true,
  images: true,
  hpaControlled: true,
}).extend({
  cpuUtilization: z.number().nullable().describe('% of CPU request'),
  memoryUtilization: z.number().nullable(),
  cpuMillicores: z.number().nullable(),
});

export const SeriesSchema = z.object({
  intervalSeconds: z.number(),
  deployments: z.array(
    z.object({
      namespace: z.string(),
      name: z.string(),
      points: z.array(
        z.tuple([
          z.number().describe('epoch seconds'),
          z.number().nullable().describe('CPU % of request'),
          z.number().int().describe('desired replicas'),
          z.number().int().describe('ready replicas'),
        ]),
      ),
    }),
  ),
});

const Loose = z.record(z.unknown());

export const DashboardStatsSchema = z.object({
  generatedAt: z.string(),
  health: HealthSchema.nullable(),
  nodes: z.array(NodeSummarySchema).nullable(),
  deployments: z.array(DashboardDeploymentSchema).nullable(),
  metricsSource: z.string().nullable(),
  incidents: z.array(IncidentSchema).nullable().describe('the 25 most recent'),
  stats: IncidentStatsSchema.nullable(),
  cost: Loose.nullable().describe('cost_report output'),
  savings: Loose.nullable().describe('cost_savings output'),
  agent: Loose.nullable().describe('agent_status output'),
  agentCycles: z.array(Loose).describe('the last agent cycles seen by this server, newest first'),
  chaos: Loose.nullable().describe('chaos_status output'),
  chaosEnabled: z.boolean(),
  series: SeriesSchema.optional(),
  unavailable: z.record(z.string()).describe('section → why it is null'),
});
export type DashboardStats = z.infer<typeof DashboardStatsSchema>;
export type DashboardDeployment = z.infer<typeof DashboardDeploymentSchema>;

interface MetricsOut {
  source: string;
  items: { namespace: string; name: string; cpuUtilization: number | null; memoryUtilization: number | null; cpuMillicores: number }[];
}

export async function collectDashboardStats(invoker: ToolInvoker, opts: { namespace?: string; now: number; chaosEnabled: boolean }): Promise<DashboardStats> {
  const unavailable: Record<string, string> = {};
  const ns = opts.namespace ? { namespace: opts.namespace } : {};
  const call = async <T>(section: string, tool: string, args: Record<string, unknown>): Promise<T | null> => {
    try {
      return (await invoker.invoke(tool, args, { caller: 'dashboard' })) as T;
    } catch (err) {
      const failure = toHttpFailure(err);
      if (!failure) throw err;
      unavailable[section] = failure.body.error;
      return null;
    }
  };
  const [health, nodes, deployments, metrics, incidents, stats, cost, savings, agent, chaos] = await Promise.all([
    call<z.infer<typeof HealthSchema>>('health', 'cluster_health', ns),
    call<{ items: z.infer<typeof NodeSummarySchema>[] }>('nodes', 'list_nodes', {}),
    call<{ items: z.infer<typeof DeploymentSummarySchema>[] }>('deployments', 'list_deployments', ns),
    call<MetricsOut>('metrics', 'get_metrics', { ...ns, scope: 'deployment' }),
    call<{ items: z.infer<typeof IncidentSchema>[] }>('incidents', 'list_incidents', { ...ns, limit: 25 }),
    call<z.infer<typeof IncidentStatsSchema>>('stats', 'incident_stats', ns),
    call<Record<string, unknown>>('cost', 'cost_report', ns),
    call<Record<string, unknown>>('savings', 'cost_savings', ns),
    call<Record<string, unknown>>('agent', 'agent_status', {}),
    call<Record<string, unknown>>('chaos', 'chaos_status', {}),
  ]);
  const usage = new Map((metrics?.items ?? []).map((m) => [`${m.namespace}/${m.name}`, m]));
  return {
    generatedAt: new Date(opts.now).toISOString(),
    health,
    nodes: nodes?.items ?? null,
    deployments:
      deployments?.items.map((d) => {
        const m = usage.get(`${d.namespace}/${d.name}`);
        return {
          name: d.name,
          namespace: d.namespace,
          replicas: d.replicas,
          readyReplicas: d.readyReplicas,
          updatedReplicas: d.updatedReplicas,
          availableReplicas: d.availableReplicas,
          revision: d.revision,
          images: d.images,
          hpaControlled: d.hpaControlled,
          cpuUtilization: m?.cpuUtilization ?? null,
          memoryUtilization: m?.memoryUtilization ?? null,
          cpuMillicores: m ? m.cpuMillicores : null,
        };
      }) ?? null,
    metricsSource: metrics?.source ?? null,
    incidents: incidents?.items ?? null,
    stats,
    cost,
    savings,
    agent,
    agentCycles: [],
    chaos,
    chaosEnabled: opts.chaosEnabled,
    unavailable,
  };
}
