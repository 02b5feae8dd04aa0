/**
 * What a successor does with an intent nobody settled (its agent was killed between recording it and recording the
 * outcome): it reads the cluster to find out whether the change happened — never repeats it blindly. The intent's
 * observation holds the target as it was when the intent was written, so "did it change as intended?" is a
 * comparison: scale → spec.replicas is the replicas asked for; restart or rollback → the deployment's revision moved
 * on; delete_pod → the pod is gone. Either way the decision is made afresh by the next cycle, under the server's
 * cooldown (its audit counts the claimed change, pending or not).
 */
import { listDeploymentsTool } from '../../tools/list-deployments.js';
import { listPodsTool } from '../../tools/list-pods.js';
import type { PendingIntent } from './incidents.js';
import type { ToolClient } from './tool-client.js';

export interface Reconciled {
  /** the change happened */
  ok: boolean;
  detail: string;
}

export async function reconcileIntent(client: ToolClient, p: PendingIntent): Promise<Reconciled | undefined> {
  const a = p.arguments;
  const namespace = String(a.namespace ?? '');
  if (p.tool === 'delete_pod') {
    const pods = await client.call(listPodsTool, { namespace });
    if (!pods.ok) return undefined;
    const gone = !pods.value.items.some((x) => x.name === a.pod);
    return {
      ok: gone,
      detail: gone ? `pod ${namespace}/${String(a.pod)} is gone: the deletion happened` : `pod ${namespace}/${String(a.pod)} still runs: not deleted`,
    };
  }
  const deps = await client.call(listDeploymentsTool, { namespace });
  if (!deps.ok) return undefined;
  const d = deps.value.items.find((x) => x.name === a.deployment);
  const key = `${namespace}/${String(a.deployment)}`;
  if (!d) return { ok: false, detail: `deployment ${key} no longer exists` };
  if (p.tool === 'scale_deployment') {
    const happened = d.replicas === a.replicas;
    return {
      ok: happened,
      detail: `spec.replicas is ${d.replicas}${happened ? ' as intended: the scale happened' : `, not ${String(a.replicas)}: the scale did not happen`}`,
    };
  }
  const before = typeof p.observation?.revision === 'number' ? p.observation.revision : undefined;
  if (before === undefined || d.revision === null) return { ok: false, detail: `revision unknown; the outcome of ${p.tool} cannot be read from the cluster` };
  const moved = d.revision !== before;
  return {
    ok: moved,
    detail: moved ? `revision moved from ${before} to ${d.revision}: ${p.tool} happened` : `revision is still ${before}: ${p.tool} did not happen`,
  };
}
