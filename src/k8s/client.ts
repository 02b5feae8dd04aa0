/**
 * The typed Kubernetes calls the services need, over @kubernetes/client-node (async, no kubectl). Every
 * failure is mapped to a ServiceError naming the object; callers never see ApiException.
 */
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  type KubeConfig,
  Metrics,
  PatchStrategy,
  VersionApi,
  setHeaderOptions,
  type NodeMetric,
  type PodMetric,
  type V1Deployment,
  type V1Namespace,
  type V1Node,
  type V1Pod,
  type V1ReplicaSet,
  type CoreV1Event,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { isNotFound, mapK8sError, mapPodLogError } from './errors.js';
import { serverUrl } from './kubeconfig.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface Page<T> {
  items: T[];
  /** token for the next page, when the server has more */
  continue?: string;
}

export interface LogOptions {
  container?: string;
  tailLines?: number;
  sinceSeconds?: number;
  previous?: boolean;
}

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export class ClusterClient {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  private readonly autoscaling: AutoscalingV2Api;
  private readonly versionApi: VersionApi;
  private readonly metricsApi: Metrics;

  constructor(readonly kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.autoscaling = kubeConfig.makeApiClient(AutoscalingV2Api);
    this.versionApi = kubeConfig.makeApiClient(VersionApi);
    this.metricsApi = new Metrics(kubeConfig);
  }

  get server(): string {
    return serverUrl(this.kubeConfig);
  }

  async version(): Promise<string> {
    try {
      const v = await this.versionApi.getCode();
      return v.gitVersion;
    } catch (err) {
      throw mapK8sError(err, { kind: 'API server version' });
    }
  }

  async listNamespaces(): Promise<V1Namespace[]> {
    try {
      return (await this.core.listNamespace()).items;
    } catch (err) {
      throw mapK8sError(err, { kind: 'namespaces' });
    }
  }

  async listPods(namespace: string | undefined, opts: ListOptions = {}): Promise<Page<V1Pod>> {
    try {
      const params = listParams(opts);
      const list = namespace ? await this.core.listNamespacedPod({ namespace, ...params }) : await this.core.listPodForAllNamespaces(params);
      return page(list);
    } catch (err) {
      throw mapK8sError(err, { kind: 'pods in namespace', namespace, listTool: 'list_pods' });
    }
  }

  async readPod(namespace: string, name: string): Promise<V1Pod> {
    try {
      return await this.core.readNamespacedPod({ namespace, name });
    } catch (err) {
      throw mapK8sError(err, { kind: 'pod', namespace, name, listTool: 'list_pods' });
    }
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({ namespace, name });
    } catch (err) {
      throw mapK8sError(err, { kind: 'pod', namespace, name, listTool: 'list_pods' });
    }
  }

  async readPodLog(namespace: string, name: string, opts: LogOptions): Promise<string> {
    try {
      return await this.core.readNamespacedPodLog({ namespace, name, ...opts });
    } catch (err) {
      throw mapPodLogError(err, {
        kind: `logs of pod${opts.container ? ` (container ${opts.container})` : ''}`,
        namespace,
        name,
        listTool: 'list_pods',
        previous: opts.previous,
      });
    }
  }

  async listDeployments(namespace: string | undefined, opts: ListOptions = {}): Promise<Page<V1Deployment>> {
    try {
      const params = listParams(opts);
      const list = namespace ? await this.apps.listNamespacedDeployment({ namespace, ...params }) : await this.apps.listDeploymentForAllNamespaces(params);
      return page(list);
    } catch (err) {
      throw mapK8sError(err, { kind: 'deployments in namespace', namespace, listTool: 'list_deployments' });
    }
  }

  async readDeployment(namespace: string, name: string): Promise<V1Deployment> {
    try {
      return await this.apps.readNamespacedDeployment({ namespace, name });
    } catch (err) {
      throw mapK8sError(err, { kind: 'deployment', namespace, name, listTool: 'list_deployments' });
    }
  }

  /** JSON merge patch (RFC 7386): the body's fields replace the object's, null deletes. */
  async patchDeployment(namespace: string, name: string, body: object): Promise<V1Deployment> {
    try {
      return await this.apps.patchNamespacedDeployment({ namespace, name, body }, MERGE_PATCH);
    } catch (err) {
      throw mapK8sError(err, { kind: 'deployment', namespace, name, listTool: 'list_deployments' });
    }
  }

  async listReplicaSets(namespace: string, labelSelector?: string): Promise<V1ReplicaSet[]> {
    try {
      return (await this.apps.listNamespacedReplicaSet({ namespace, labelSelector })).items;
    } catch (err) {
      throw mapK8sError(err, { kind: 'replicasets in namespace', namespace });
    }
  }

  async listNodes(opts: ListOptions = {}): Promise<Page<V1Node>> {
    try {
      return page(await this.core.listNode(listParams(opts)));
    } catch (err) {
      throw mapK8sError(err, { kind: 'nodes', listTool: 'list_nodes' });
    }
  }

  async listEvents(namespace: string | undefined, opts: ListOptions = {}): Promise<Page<CoreV1Event>> {
    try {
      const params = listParams(opts);
      const list = namespace ? await this.core.listNamespacedEvent({ namespace, ...params }) : await this.core.listEventForAllNamespaces(params);
      return page(list);
    } catch (err) {
      throw mapK8sError(err, { kind: 'events in namespace', namespace });
    }
  }

  /** autoscaling/v2 HPAs; undefined when the cluster does not serve that API. */
  async listHpas(namespace?: string): Promise<V2HorizontalPodAutoscaler[] | undefined> {
    try {
      const list = namespace
        ? await this.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace })
        : await this.autoscaling.listHorizontalPodAutoscalerForAllNamespaces();
      return list.items;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw mapK8sError(err, { kind: 'horizontalpodautoscalers', namespace });
    }
  }

  /** metrics.k8s.io pod metrics; undefined when the metrics API is not served. */
  async podMetrics(namespace?: string): Promise<PodMetric[] | undefined> {
    try {
      return (await this.metricsApi.getPodMetrics(namespace)).items;
    } catch (err) {
      if (metricsUnavailable(err)) return undefined;
      throw mapK8sError(err, { kind: 'pod metrics (metrics.k8s.io)', namespace });
    }
  }

  async nodeMetrics(): Promise<NodeMetric[] | undefined> {
    try {
      return (await this.metricsApi.getNodeMetrics()).items;
    } catch (err) {
      if (metricsUnavailable(err)) return undefined;
      throw mapK8sError(err, { kind: 'node metrics (metrics.k8s.io)' });
    }
  }
}

function listParams(opts: ListOptions) {
  return {
    labelSelector: opts.labelSelector,
    fieldSelector: opts.fieldSelector,
    limit: opts.limit,
    _continue: opts.continue,
  };
}

function page<T>(list: { items: T[]; metadata?: { _continue?: string } }): Page<T> {
  const next = list.metadata?._continue;
  return next ? { items: list.items, continue: next } : { items: list.items };
}

/** The Metrics helper throws plain errors carrying statusCode for 404/503 (no metrics-server). */
function metricsUnavailable(err: unknown): boolean {
  const e = err as { statusCode?: number; code?: number; message?: string };
  const status = e?.statusCode ?? e?.code;
  return status === 404 || status === 503 || /404|503|not found|service unavailable/i.test(e?.message ?? '');
}
