import type { V1ReplicaSet, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { ServiceContext } from './context.js';
import { summarizeDeployment, type DeploymentSummary } from './deployment-summary.js';
import { type CuttablePage, fetchPage } from './paging.js';

export interface ListDeploymentsInput {
  namespace?: string;
  labelSelector?: string;
  limit?: number;
  continue?: string;
}

export async function listDeployments(ctx: ServiceContext, input: ListDeploymentsInput): Promise<CuttablePage<DeploymentSummary>> {
  let replicaSets: V1ReplicaSet[] = [];
  let hpas: V2HorizontalPodAutoscaler[] = [];
  return fetchPage(
    ctx.config,
    input,
    async (opts) => {
      const page = await ctx.cluster.listDeployments(input.namespace, { labelSelector: input.labelSelector, ...opts });
      const namespaces = [...new Set(page.items.map((d) => d.metadata?.namespace ?? ''))];
      [replicaSets, hpas] = await Promise.all([
        Promise.all(namespaces.map((ns) => ctx.cluster.listReplicaSets(ns))).then((l) => l.flat()),
        ctx.cluster.listHpas(input.namespace).then((h) => h ?? []),
      ]);
      return page;
    },
    (d) => summarizeDeployment(d, replicaSets, hpas),
  );
}

export async function getDeployment(ctx: ServiceContext, namespace: string, name: string): Promise<DeploymentSummary> {
  const dep = await ctx.cluster.readDeployment(namespace, name);
  const [replicaSets, hpas] = await Promise.all([ctx.cluster.listReplicaSets(namespace), ctx.cluster.listHpas(namespace)]);
  return summarizeDeployment(dep, replicaSets, hpas ?? []);
}
