import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { ServiceContext } from './context.js';
import { summarizeDeployment, type DeploymentSummary } from './deployment-summary.js';
import { effectiveLimit, toPaged, type Paged } from './paging.js';

export interface ListDeploymentsInput {
  namespace?: string;
  labelSelector?: string;
  limit?: number;
  continue?: string;
}

export async function listDeployments(ctx: ServiceContext, input: ListDeploymentsInput): Promise<Paged<DeploymentSummary>> {
  const limit = effectiveLimit(ctx.config, input.limit);
  const page = toPaged(await ctx.cluster.listDeployments(input.namespace, { labelSelector: input.labelSelector, limit, continue: input.continue }), limit);
  const namespaces = [...new Set(page.items.map((d) => d.metadata?.namespace ?? ''))];
  const [replicaSets, hpas] = await Promise.all([
    Promise.all(namespaces.map((ns) => ctx.cluster.listReplicaSets(ns))).then((l) => l.flat()),
    ctx.cluster.listHpas(input.namespace),
  ]);
  return { ...page, items: page.items.map((d) => summarizeDeployment(d, replicaSets, hpas ?? ([] as V2HorizontalPodAutoscaler[]))) };
}

export async function getDeployment(ctx: ServiceContext, namespace: string, name: string): Promise<DeploymentSummary> {
  const dep = await ctx.cluster.readDeployment(namespace, name);
  const [replicaSets, hpas] = await Promise.all([ctx.cluster.listReplicaSets(namespace), ctx.cluster.listHpas(namespace)]);
  return summarizeDeployment(dep, replicaSets, hpas ?? []);
}
