/**
 * The runner's overload check between cycles (the judgement is src/policy/scaling-check.ts): one get_metrics call
 * at deployment scope, the lagged metrics-server view the cycle itself gets, read through the MCP tools like every
 * other observation. A failed read wakes nothing: the next cycle sees whatever is wrong with the metrics.
 */
import { getMetricsTool } from '../../tools/get-metrics.js';
import { type DeploymentLoad, overloadWake } from '../policy/scaling-check.js';
import type { AgentPolicy } from '../policy/settings.js';
import type { ToolClient } from './tool-client.js';

export async function checkOverload(client: ToolClient, namespaces: readonly string[], policy: AgentPolicy): Promise<string | undefined> {
  if (policy.scaling.overloadCheckSeconds <= 0) return undefined;
  const ns = namespaces.length === 1 ? { namespace: namespaces[0] } : {};
  const r = await client.call(getMetricsTool, { ...ns, scope: 'deployment' });
  if (!r.ok) return undefined;
  const loads: DeploymentLoad[] = r.value.items.filter((i) => namespaces.length <= 1 || namespaces.includes(i.namespace));
  return overloadWake(loads, policy);
}
