/**
 * Every tool the server can expose, listed explicitly (no registration by import side effect). The
 * configuration's filterTools decides which of them a given server registers.
 */
import type { AnyTool } from '../src/catalog/define-tool.js';
import { TOOLSET_NAMES, type ToolsetName } from '../src/config/schema.js';
import { agentObservationTool } from './agent-observation.js';
import { agentRunCycleTool } from './agent-run-cycle.js';
import { agentStateTool } from './agent-state.js';
import { agentStatusTool } from './agent-status.js';
import { chaosCascadeTool } from './chaos-cascade.js';
import { chaosCleanupTool } from './chaos-cleanup.js';
import { chaosCpuSpikeTool } from './chaos-cpu-spike.js';
import { chaosPodCrashTool } from './chaos-pod-crash.js';
import { chaosStatusTool } from './chaos-status.js';
import { clusterHealthTool } from './cluster-health.js';
import { costRecommendationsTool } from './cost-recommendations.js';
import { costReportTool } from './cost-report.js';
import { costSavingsTool } from './cost-savings.js';
import { decidePlanTool } from './decide-plan.js';
import { deletePodTool } from './delete-pod.js';
import { getIncidentTool } from './get-incident.js';
import { getMetricsTool } from './get-metrics.js';
import { getPodLogsTool } from './get-pod-logs.js';
import { incidentStatsTool } from './incident-stats.js';
import { listClustersTool } from './list-clusters.js';
import { listDeploymentsTool } from './list-deployments.js';
import { listEventsTool } from './list-events.js';
import { listIncidentsTool } from './list-incidents.js';
import { listNodesTool } from './list-nodes.js';
import { listNotificationsTool } from './list-notifications.js';
import { listPlansTool } from './list-plans.js';
import { listPodsTool } from './list-pods.js';
import { logIncidentTool } from './log-incident.js';
import { proposePlanTool } from './propose-plan.js';
import { queryPrometheusTool } from './query-prometheus.js';
import { restartDeploymentTool } from './restart-deployment.js';
import { rollbackDeploymentTool } from './rollback-deployment.js';
import { scaleDeploymentTool } from './scale-deployment.js';
import { undoActionTool } from './undo-action.js';

/**
 * The catalog by toolset, in the order tools/list shows them (`--toolsets` picks whole groups). Every tool is
 * in exactly one toolset; the order here is the only order, so tools/list is the same on every start.
 */
export const TOOLSETS: Readonly<Record<ToolsetName, readonly AnyTool[]>> = {
  core: [clusterHealthTool, listClustersTool, listPodsTool, listDeploymentsTool, listNodesTool, listEventsTool, getPodLogsTool, getMetricsTool],
  prometheus: [queryPrometheusTool],
  healing: [scaleDeploymentTool, restartDeploymentTool, deletePodTool, rollbackDeploymentTool, undoActionTool, listPlansTool, decidePlanTool],
  incidents: [listIncidentsTool, getIncidentTool, logIncidentTool, incidentStatsTool, listNotificationsTool],
  // read-only
  cost: [costReportTool, costSavingsTool, costRecommendationsTool],
  // off unless chaos.enabled
  chaos: [chaosStatusTool, chaosPodCrashTool, chaosCascadeTool, chaosCpuSpikeTool, chaosCleanupTool],
  // need the agent running in this process (serve --agent, demo)
  agent: [agentStatusTool, agentRunCycleTool, agentStateTool, agentObservationTool, proposePlanTool],
};

export const ALL_TOOLS: readonly AnyTool[] = TOOLSET_NAMES.flatMap((toolset) => TOOLSETS[toolset].map((tool) => ({ ...tool, toolset })));
