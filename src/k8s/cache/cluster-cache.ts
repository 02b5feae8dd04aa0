/**
 * The process's watch-fed view of the cluster: one informer per kind the tools and the agent read (pods,
 * deployments, replicasets, nodes, HPAs), shared by every MCP session, REST and the in-process agent. Events are not
 * cached: list_events filters by object and reason server-side, and nothing reads all of them on a schedule.
 *
 * Readers ask `read(kind, namespace, labelSelector)`: the matching objects in API order (namespace, then name) with
 * the cache's age, or undefined when the cache cannot answer (not synced yet, failing, or a selector it does not
 * understand) — then the caller asks the API server as before.
 */
import { AutoscalingV2Api, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { V1Deployment, V1Node, V1Pod, V1ReplicaSet, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { Clock } from '../../base/clock.js';
import type { Logger } from '../../base/log.js';
import type { ClusterClient } from '../client.js';
import { type InformerStatus, ProjectedInformer } from './informer.js';
import { parseSelector } from './label-match.js';
import { keyOf } from './cache-page.js';
import { projectDeployment, projectHpa, projectNode, projectPod, projectReplicaSet } from './projections.js';

export interface CachedKinds {
  pods: V1Pod;
  deployments: V1Deployment;
  replicasets: V1ReplicaSet;
  nodes: V1Node;
  hpas: V2HorizontalPodAutoscaler;
}
export type CachedKind = keyof CachedKinds;

/** Where an answer came from; tools put it in their structured output. */
export interface ReadSource {
  source: 'cache' | 'api';
  /** cache only: ms since the newest information the cache holds (a list or a watch event) */
  ageMs?: number;
}

export interface CachedRead<T> {
  items: T[];
  source: ReadSource;
}

export interface CacheStatus {
  synced: boolean;
  kinds: InformerStatus[];
}

interface SortedView<T> {
  version: number;
  items: T[];
}

export class ClusterCache {
  private readonly informers: { [K in CachedKind]: ProjectedInformer<CachedKinds[K]> };
  private readonly sorted = new Map<string, SortedView<KubernetesObject>>();

  constructor(
    cluster: ClusterClient,
    private readonly clock: Clock,
    logger: Logger,
  ) {
    const kc = cluster.kubeConfig;
    const hpa = kc.makeApiClient(AutoscalingV2Api);
    const base = { kubeConfig: kc, clock, logger };
    const page = (limit: number, cont: string | undefined) => ({ limit, _continue: cont });
    this.informers = {
      pods: new ProjectedInformer<V1Pod>({
        ...base,
        kind: 'pods',
        path: '/api/v1/pods',
        project: projectPod,
        listPage: (l, c) => cluster.core.listPodForAllNamespaces(page(l, c)),
      }),
      deployments: new ProjectedInformer<V1Deployment>({
        ...base,
        kind: 'deployments',
        path: '/apis/apps/v1/deployments',
        project: projectDeployment,
        listPage: (l, c) => cluster.apps.listDeploymentForAllNamespaces(page(l, c)),
      }),
      replicasets: new ProjectedInformer<V1ReplicaSet>({
        ...base,
        kind: 'replicasets',
        path: '/apis/apps/v1/replicasets',
        project: projectReplicaSet,
        listPage: (l, c) => cluster.apps.listReplicaSetForAllNamespaces(page(l, c)),
      }),
      nodes: new ProjectedInformer<V1Node>({
        ...base,
        kind: 'nodes',
        path: '/api/v1/nodes',
        project: projectNode,
        listPage: (l, c) => cluster.core.listNode(page(l, c)),
      }),
      hpas: new ProjectedInformer<V2HorizontalPodAutoscaler>({
        ...base,
        kind: 'hpas',
        path: '/apis/autoscaling/v2/horizontalpodautoscalers',
        project: projectHpa,
        listPage: (l, c) => hpa.listHorizontalPodAutoscalerForAllNamespaces(page(l, c)) as Promise<KubernetesListObject<V2HorizontalPodAutoscaler>>,
      }),
    };
  }

  start(): void {
    for (const i of Object.values(this.informers)) i.start();
  }

  stop(): void {
    for (const i of Object.values(this.informers)) i.stop();
  }

  /** Resolves true once every kind has listed, false if that takes longer than timeoutMs. */
  async whenSynced(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const all = Promise.all(Object.values(this.informers).map((i) => i.whenSynced())).then(() => true);
    try {
      return await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  status(): CacheStatus {
    const kinds = Object.values(this.informers).map((i) => i.status());
    return { synced: kinds.every((k) => k.synced), kinds };
  }

  /** Whether `kind` can answer now. */
  synced(kind: CachedKind): boolean {
    return this.informers[kind].synced;
  }

  ageMs(kind: CachedKind): number {
    return this.informers[kind].ageMs(this.clock.now()) ?? 0;
  }

  /**
   * Objects of `kind` in `namespace` (all when undefined) matching `labelSelector`, sorted by namespace then name
   * as the API server lists them; undefined when the cache cannot answer.
   */
  read<K extends CachedKind>(kind: K, namespace?: string, labelSelector?: string): CachedRead<CachedKinds[K]> | undefined {
    const informer = this.informers[kind];
    if (!informer.synced) return undefined;
    const match = parseSelector(labelSelector);
    if (!match) return undefined;
    const all = this.sortedItems(kind);
    const scoped = namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
    const items = labelSelector ? scoped.filter((o) => match(o.metadata?.labels)) : scoped;
    return { items, source: { source: 'cache', ageMs: this.ageMs(kind) } };
  }

  get<K extends CachedKind>(kind: K, namespace: string | undefined, name: string): CachedKinds[K] | undefined {
    return this.informers[kind].get(namespace, name);
  }

  /** Sorted once per change, not once per read: a page of a 100k-pod list is a slice, not a sort. */
  private sortedItems<K extends CachedKind>(kind: K): CachedKinds[K][] {
    const informer = this.informers[kind];
    const view = this.sorted.get(kind);
    if (view && view.version === informer.version) return view.items as CachedKinds[K][];
    const keyed = informer.list().map((o) => [keyOf(o), o] as const);
    keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const items = keyed.map(([, o]) => o);
    this.sorted.set(kind, { version: informer.version, items });
    return items;
  }
}
