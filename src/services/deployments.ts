import type { V1Namespace, V1ReplicaSet, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { ServiceContext } from './context.js';
import { summarizeDeployment, type DeploymentSummary } from './deployment-summary.js';
import { type CuttablePage, fetchPage } from './paging.js';
import { API_SOURCE, cachedAll, cachedPage } from './cached-reads.js';
import type { ReadSource } from '../k8s/cache/index.js';

export interface ListDeploymentsInput {
  namespace?: string;
  labelSelector?: string;
  limit?: number;
  continue?: string;
}

export async function listDeployments(ctx: ServiceContext, input: ListDeploymentsInput): Promise<CuttablePage<DeploymentSummary> & { source: ReadSource }> {
  let replicaSets: V1ReplicaSet[] = [];
  let hpas: V2HorizontalPodAutoscaler[] = [];
  let namespaces: V1Namespace[] = [];
  let source: ReadSource = API_SOURCE;
  let rsByNamespace: Map<string, V1ReplicaSet[]> | undefined;
  const page = await fetchPage(
    ctx.config,
    input,
    async (opts) => {
      const listOpts = { labelSelector: input.labelSelector, ...opts };
      const cached = cachedPage(ctx, 'deployments', input.namespace, listOpts);
      const cachedRs = cached && cachedAll(ctx, 'replicasets', input.namespace);
      const cachedHpas = cached && cachedAll(ctx, 'hpas', input.namespace);
      if (cached && cachedRs && cachedHpas) {
        source = cached.source;
        [replicaSets, hpas, namespaces] = [cachedRs.items, cachedHpas.items, await readableNamespaces(ctx)];
        return cached.page;
      }
      source = API_SOURCE;
      const page = await ctx.cluster.listDeployments(input.namespace, listOpts);
      const inPage = [...new Set(page.items.map((d) => d.metadata?.namespace ?? ''))];
      [replicaSets, hpas, namespaces] = await Promise.all([
        Promise.all(inPage.map((ns) => ctx.cluster.listReplicaSets(ns))).then((l) => l.flat()),
        ctx.cluster.listHpas(input.namespace).then((h) => h ?? []),
        readableNamespaces(ctx),
      ]);
      return page;
    },
    (d) => {
      const ns = d.metadata?.namespace ?? '';
      rsByNamespace ??= groupByNamespace(replicaSets);
      return summarizeDeployment(
        d,
        rsByNamespace.get(ns) ?? [],
        hpas,
        namespaces.find((n) => n.metadata?.name === ns),
      );
    },
  );
  return { ...page, source };
}

function groupByNamespace(replicaSets: readonly V1ReplicaSet[]): Map<string, V1ReplicaSet[]> {
  const out = new Map<string, V1ReplicaSet[]>();
  for (const rs of replicaSets) {
    const ns = rs.metadata?.namespace ?? '';
    const list = out.get(ns);
    if (list) list.push(rs);
    else out.set(ns, [rs]);
  }
  return out;
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
