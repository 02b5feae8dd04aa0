/**
 * The typed Kubernetes calls the services need, over @kubernetes/client-node (async, no kubectl). Every
 * failure is mapped to a ServiceError naming the object; callers never see ApiException. Every call is
 * bounded by `cluster.requestTimeoutSeconds`: an API server that accepts connections and never answers
 * must not hold a tool, a health probe or the agent forever.
 */
import {
  AppsV1Api,
  type Configuration,
  createConfiguration,
  ServerConfiguration,
  type RequestContext,
  type ResponseContext,
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
import { ServiceError } from '../base/errors.js';
import { redactUrlsIn } from '../base/redact.js';
import { apiStatusMessage, isNotFound, mapK8sError, mapPodLogError, type ObjectRef } from './errors.js';
import { serverUrl } from './kubeconfig.js';

export interface ClusterClientOptions {
  /** every request is aborted after this long (default 15 s, the configuration's default) */
  requestTimeoutMs?: number;
  /** act as this user and groups (Kubernetes impersonation): the API server's RBAC then decides for them */
  impersonate?: { user: string; groups: readonly string[] };
}

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The field manager SentinelOps' writes carry, so managedFields tell its replica changes from a person's or a GitOps
 * tool's (the agent's policy compares against the same name: policy/consent.ts SENTINELOPS_FIELD_MANAGER).
 */
export const FIELD_MANAGER = 'sentinelops';

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

  readonly requestTimeoutMs: number;
  readonly impersonate: ClusterClientOptions['impersonate'];

  constructor(
    readonly kubeConfig: KubeConfig,
    opts: ClusterClientOptions = {},
  ) {
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.impersonate = opts.impersonate;
    const config = boundedConfiguration(kubeConfig, this.requestTimeoutMs, opts.impersonate);
    this.core = new CoreV1Api(config);
    this.apps = new AppsV1Api(config);
    this.autoscaling = new AutoscalingV2Api(config);
    this.versionApi = new VersionApi(config);
    this.metricsApi = new Metrics(kubeConfig);
  }

  /** Maps a failure to a ServiceError: a timeout says so with the bound; no URL in it carries a secret. */
  private fail(err: unknown, ref: ObjectRef, map: (err: unknown, ref: ObjectRef) => ServiceError = mapK8sError): ServiceError {
    if (isTimeout(err)) {
      const what = `${ref.kind}${ref.namespace ? ` ${ref.namespace}/` : ' '}${ref.name ?? ''}`.trim();
      return new ServiceError(
        'unavailable',
        `the Kubernetes API did not answer within ${this.requestTimeoutMs / 1000}s (reading ${what}); check that the API server is up, or raise cluster.requestTimeoutSeconds`,
      );
    }
    const mapped = this.impersonate ? forbiddenForPerson(map(err, ref), err, this.impersonate.user) : map(err, ref);
    const message = redactUrlsIn(mapped.message);
    return message === mapped.message ? mapped : new ServiceError(mapped.code, message, mapped.details);
  }

  /** For calls that cannot take an abort signal (client-node's Metrics helper): stop waiting at the bound. */
  private bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError()), this.requestTimeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  get server(): string {
    return serverUrl(this.kubeConfig);
  }

  async version(): Promise<string> {
    try {
      const v = await this.versionApi.getCode();
      return v.gitVersion;
    } catch (err) {
      throw this.fail(err, { kind: 'API server version' });
    }
  }

  async listNamespaces(): Promise<V1Namespace[]> {
    try {
      return (await this.core.listNamespace()).items;
    } catch (err) {
      throw this.fail(err, { kind: 'namespaces' });
    }
  }

  async listPods(namespace: string | undefined, opts: ListOptions = {}): Promise<Page<V1Pod>> {
    try {
      const params = listParams(opts);
      const list = namespace ? await this.core.listNamespacedPod({ namespace, ...params }) : await this.core.listPodForAllNamespaces(params);
      return page(list);
    } catch (err) {
      throw this.fail(err, { kind: 'pods in namespace', namespace, listTool: 'list_pods' });
    }
  }

  async readPod(namespace: string, name: string): Promise<V1Pod> {
    try {
      return await this.core.readNamespacedPod({ namespace, name });
    } catch (err) {
      throw this.fail(err, { kind: 'pod', namespace, name, listTool: 'list_pods' });
    }
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({ namespace, name });
    } catch (err) {
      throw this.fail(err, { kind: 'pod', namespace, name, listTool: 'list_pods' });
    }
  }

  async readPodLog(namespace: string, name: string, opts: LogOptions): Promise<string> {
    try {
      return await this.core.readNamespacedPodLog({ namespace, name, ...opts });
    } catch (err) {
      const ref = { kind: `logs of pod${opts.container ? ` (container ${opts.container})` : ''}`, namespace, name, listTool: 'list_pods' };
      throw this.fail(err, ref, (e, r) => mapPodLogError(e, { ...r, previous: opts.previous }));
    }
  }

  async listDeployments(namespace: string | undefined, opts: ListOptions = {}): Promise<Page<V1Deployment>> {
    try {
      const params = listParams(opts);
      const list = namespace ? await this.apps.listNamespacedDeployment({ namespace, ...params }) : await this.apps.listDeploymentForAllNamespaces(params);
      return page(list);
    } catch (err) {
      throw this.fail(err, { kind: 'deployments in namespace', namespace, listTool: 'list_deployments' });
    }
  }

  async readDeployment(namespace: string, name: string): Promise<V1Deployment> {
    try {
      return await this.apps.readNamespacedDeployment({ namespace, name });
    } catch (err) {
      throw this.fail(err, { kind: 'deployment', namespace, name, listTool: 'list_deployments' });
    }
  }

  /** JSON merge patch (RFC 7386): the body's fields replace the object's, null deletes. */
  async patchDeployment(namespace: string, name: string, body: object): Promise<V1Deployment> {
    try {
      return await this.apps.patchNamespacedDeployment({ namespace, name, body, fieldManager: FIELD_MANAGER }, MERGE_PATCH);
    } catch (err) {
      throw this.fail(err, { kind: 'deployment', namespace, name, listTool: 'list_deployments' });
    }
  }

  async listReplicaSets(namespace: string, labelSelector?: string): Promise<V1ReplicaSet[]> {
    try {
      return (await this.apps.listNamespacedReplicaSet({ namespace, labelSelector })).items;
    } catch (err) {
      throw this.fail(err, { kind: 'replicasets in namespace', namespace });
    }
  }

  async listNodes(opts: ListOptions = {}): Promise<Page<V1Node>> {
    try {
      return page(await this.core.listNode(listParams(opts)));
    } catch (err) {
      throw this.fail(err, { kind: 'nodes', listTool: 'list_nodes' });
    }
  }

  async listEvents(namespace: string | undefined, opts: ListOptions = {}): Promise<Page<CoreV1Event>> {
    try {
      const params = listParams(opts);
      const list = namespace ? await this.core.listNamespacedEvent({ namespace, ...params }) : await this.core.listEventForAllNamespaces(params);
      return page(list);
    } catch (err) {
      throw this.fail(err, { kind: 'events in namespace', namespace });
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
      throw this.fail(err, { kind: 'horizontalpodautoscalers', namespace });
    }
  }

  /** metrics.k8s.io pod metrics; undefined when the metrics API is not served. */
  async podMetrics(namespace?: string): Promise<PodMetric[] | undefined> {
    try {
      return (await this.bounded(this.metricsApi.getPodMetrics(namespace))).items;
    } catch (err) {
      if (metricsUnavailable(err)) return undefined;
      throw this.fail(err, { kind: 'pod metrics (metrics.k8s.io)', namespace });
    }
  }

  async nodeMetrics(): Promise<NodeMetric[] | undefined> {
    try {
      return (await this.bounded(this.metricsApi.getNodeMetrics())).items;
    } catch (err) {
      if (metricsUnavailable(err)) return undefined;
      throw this.fail(err, { kind: 'node metrics (metrics.k8s.io)' });
    }
  }
}

/** client-node's own configuration (as makeApiClient builds it) plus a per-request abort signal. */
function boundedConfiguration(kc: KubeConfig, timeoutMs: number, impersonate?: ClusterClientOptions['impersonate']): Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no cluster in the kubeconfig');
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        pre: async (ctx: RequestContext) => {
          ctx.setSignal(AbortSignal.timeout(timeoutMs));
          if (impersonate) withImpersonation(ctx, impersonate);
          return ctx;
        },
        post: async (res: ResponseContext) => res,
      },
    ],
  });
}

/**
 * Adds Impersonate-User and one Impersonate-Group line per group. The API server reads each group from its
 * own header line (a comma-joined value would be one group named "a,b"), and client-node keeps headers in
 * a plain object (one value per name), so the request hands fetch a list of pairs instead (node-fetch
 * accepts any header init). client-node's own kubeconfig `impersonate-user` support has no groups.
 */
function withImpersonation(ctx: RequestContext, who: NonNullable<ClusterClientOptions['impersonate']>): void {
  const own = ctx.getHeaders.bind(ctx);
  // Read when the request is sent: per-call middleware (the merge-patch Content-Type) sets headers after this one.
  ctx.getHeaders = () => {
    const pairs: [string, string][] = Object.entries(own()).filter(([name]) => !/^impersonate-/i.test(name));
    pairs.push(['Impersonate-User', who.user]);
    for (const group of who.groups) pairs.push(['Impersonate-Group', group]);
    return pairs as unknown as Record<string, string>;
  };
}

/** A 403 while acting as a person is that person's RBAC answering, not the server's service account. */
function forbiddenForPerson(mapped: ServiceError, err: unknown, user: string): ServiceError {
  if ((err as { code?: unknown })?.code !== 403 || mapped.code !== 'refused') return mapped;
  const detail = apiStatusMessage((err as { body?: unknown }).body) ?? 'RBAC denied';
  return new ServiceError('refused', `forbidden: the Kubernetes API refused this for ${user} (the server acts as the caller): ${detail}; nothing was changed`);
}

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Our own bound (TimeoutError) or the request's abort signal firing (fetch reports AbortError). */
function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; type?: string } | undefined;
  return e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.type === 'aborted';
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
