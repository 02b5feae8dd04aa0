/**
 * GET /api/v1/dashboard/stats: everything the dashboard shows, in one answer, built only from tool calls.
 * A section whose tool is missing (not in this build, filtered out) or failing is null and its reason is
 * in `unavailable`, so one broken source never blanks the page. Each call is typed by the tool's definition:
 * its answer is read through the tool's output schema, so a renamed field is a compile error here and, should
 * a handler ever answer off its schema, that section's reason names the tool and the field.
 */
import { z } from 'zod';
import { agentStatusTool } from '../../tools/agent-status.js';
import { chaosStatusTool } from '../../tools/chaos-status.js';
import { clusterHealthTool } from '../../tools/cluster-health.js';
import { costReportTool } from '../../tools/cost-report.js';
import { costSavingsTool } from '../../tools/cost-savings.js';
import { getMetricsTool } from '../../tools/get-metrics.js';
import { incidentStatsTool } from '../../tools/incident-stats.js';
import { listDeploymentsTool } from '../../tools/list-deployments.js';
import { listIncidentsTool } from '../../tools/list-incidents.js';
import { listNodesTool } from '../../tools/list-nodes.js';
import { type ToolContract, ToolContractError, checkArguments, parseOutput } from '../catalog/tool-contract.js';
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
  cluster: z.string().nullable().describe("the cluster shown (?cluster=); null: the default cluster, with every cluster's incidents"),
  series: SeriesSchema.optional(),
  unavailable: z.record(z.string()).describe('section → why it is null'),
});
export type DashboardStats = z.infer<typeof DashboardStatsSchema>;
export type DashboardDeployment = z.infer<typeof DashboardDeploymentSchema>;

/**
 * One tool through the REST invoker (same filter, context, guardrails and audit as any REST call), typed by its
 * definition: arguments checked with its input schema, the answer parsed with its output schema.
 */
export async function invokeTool<T extends ToolContract>(
  invoker: ToolInvoker,
  tool: T,
  args: z.input<T['input']>,
  opts?: { caller?: string; signal?: AbortSignal },
): Promise<z.output<T['output']>> {
  checkArguments(tool, args);
  return parseOutput(tool, await invoker.invoke(tool.name, args as Record<string, unknown>, opts));
}

export async function collectDashboardStats(
  invoker: ToolInvoker,
  opts: { namespace?: string; cluster?: string; now: number; chaosEnabled: boolean },
): Promise<DashboardStats> {
  const unavailable: Record<string, string> = {};
  // `cluster` runs the cluster reads there and filters the incident reads to it (every tool takes it).
  const ns = { ...(opts.namespace ? { namespace: opts.namespace } : {}), ...(opts.cluster ? { cluster: opts.cluster } : {}) };
  // `cluster` is every tool's (defineTool adds it) though the tools' own types do not list it.
  const call = async <T extends ToolContract>(
    section: string,
    tool: T,
    args: z.input<T['input']> & { cluster?: string },
  ): Promise<z.output<T['output']> | null> => {
    try {
      return await invokeTool(invoker, tool, args as z.input<T['input']>, { caller: 'dashboard' });
    } catch (err) {
      const failure = err instanceof ToolContractError && err.side === 'output' ? { body: { error: err.message } } : toHttpFailure(err);
      if (!failure) throw err;
      unavailable[section] = failure.body.error;
      return null;
    }
  };
  let [health, nodes, deployments, metrics, incidents, stats, cost, savings, agent, chaos] = await Promise.all([
    call('health', clusterHealthTool, ns),
    call('nodes', listNodesTool, opts.cluster ? { cluster: opts.cluster } : {}),
    call('deployments', listDeploymentsTool, ns),
    call('metrics', getMetricsTool, { ...ns, scope: 'deployment' }),
    call('incidents', listIncidentsTool, { ...ns, limit: 25 }),
    call('stats', incidentStatsTool, ns),
    call('cost', costReportTool, ns),
    call('savings', costSavingsTool, ns),
    call('agent', agentStatusTool, {}),
    call('chaos', chaosStatusTool, {}),
  ]);
  // The picked cluster's runner when the agent loops over it (agent.clusters); else the agent as a whole.
  if (agent && opts.cluster && agent.clusters?.some((c) => c.cluster === opts.cluster)) agent = await call('agent', agentStatusTool, { cluster: opts.cluster });
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
    cluster: opts.cluster ?? null,
    unavailable,
  };
}
