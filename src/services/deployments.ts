import type { V1Deployment, V1Namespace, V1ReplicaSet, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { ServiceContext } from './context.js';
import { summarizeDeployment, type DeploymentSummary } from './deployment-summary.js';
import { effectiveLimit, toPaged, type Paged } from './paging.js';
import { API_SOURCE, cachedAll, cachedPage } from './cached-reads.js';
import type { ReadSource } from '../k8s/cache/index.js';

export interface ListDeploymentsInput {
  namespace?: string;
  labelSelector?: string;
  limit?: number;
  continue?: string;
}

export async function listDeployments(ctx: ServiceContext, input: ListDeploymentsInput): Promise<Paged<DeploymentSummary> & { source: ReadSource }> {
  const limit = effectiveLimit(ctx.config, input.limit);
  const opts = { labelSelector: input.labelSelector, limit, continue: input.continue };
  const cached = cachedPage(ctx, 'deployments', input.namespace, opts);
  const cachedRs = cached && cachedAll(ctx, 'replicasets', input.namespace);
  const cachedHpas = cached && cachedAll(ctx, 'hpas', input.namespace);
  if (cached && cachedRs && cachedHpas) {
    const page = toPaged(cached.page, limit);
    const rsByNamespace = new Map<string, V1ReplicaSet[]>();
    for (const rs of cachedRs.items) {
      const ns = rs.metadata?.namespace ?? '';
      const list = rsByNamespace.get(ns);
      if (list) list.push(rs);
      else rsByNamespace.set(ns, [rs]);
    }
    const nsObjects = await readableNamespaces(ctx);
    const nsOf = (d: V1Deployment) => nsObjects.find((n) => n.metadata?.name === d.metadata?.namespace);
    const items = page.items.map((d) => summarizeDeployment(d, rsByNamespace.get(d.metadata?.namespace ?? '') ?? [], cachedHpas.items, nsOf(d)));
    return { ...page, items, source: cached.source };
  }
  const page = toPaged(await ctx.cluster.listDeployments(input.namespace, opts), limit);
  const namespaces = [...new Set(page.items.map((d) => d.metadata?.namespace ?? ''))];
  const [replicaSets, hpas, nsObjects] = await Promise.all([
    Promise.all(namespaces.map((ns) => ctx.cluster.listReplicaSets(ns))).then((l) => l.flat()),
    ctx.cluster.listHpas(input.namespace),
    readableNamespaces(ctx),
  ]);
  const nsOf = (d: V1Deployment) => nsObjects.find((n) => n.metadata?.name === d.metadata?.namespace);
  return {
    ...page,
    items: page.items.map((d) => summarizeDeployment(d, replicaSets, hpas ?? ([] as V2HorizontalPodAutoscaler[]), nsOf(d))),
    source: API_SOURCE,
  };
}

/**
 * Namespaces, for their sentinelops.dev/scale-down annotation. A user allowed only some namespaces may not list
 * them all: then no namespace gives consent, and deployment annotations still can.
 */
async function readableNamespaces(ctx: ServiceContext): Promise<V1Namespace[]> {
  try {
    return await ctx.cluster.listNamespaces();
  } catch {
    return [];
  }
}

export async function getDeployment(ctx: ServiceContext, namespace: string, name: string): Promise<DeploymentSummary> {
  const dep = await ctx.cluster.readDeployment(namespace, name);
  const [replicaSets, hpas, nsObjects] = await Promise.all([ctx.cluster.listReplicaSets(namespace), ctx.cluster.listHpas(namespace), readableNamespaces(ctx)]);
  return summarizeDeployment(
    dep,
    replicaSets,
    hpas ?? [],
    nsObjects.find((n) => n.metadata?.name === namespace),
  );
}
