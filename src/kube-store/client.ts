/**
 * A typed client for the store's custom objects over @kubernetes/client-node, in one namespace.
 *
 * Writes are optimistic: `replace` sends the resourceVersion it read and fails with a `conflict` when the
 * object changed meanwhile; `update` turns that into a read-modify-write loop that re-reads the object and
 * re-applies the caller's mutation to the fresh copy, a bounded number of times with a short jittered pause,
 * so concurrent writers (HA replicas) never overwrite each other's changes. Objects with a status
 * subresource get their spec/metadata and their status written separately, each with the version the
 * previous write returned.
 */
import { ApiException, CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { ServiceError } from '../base/errors.js';
import { GROUP, type KindInfo, VERSION } from './crds.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export interface ObjectMeta {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface CustomObject<Spec, Status = never> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

export interface NewObject<Spec, Status = never> {
  metadata: { name?: string; generateName?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Spec;
  /** Written with a second request when the kind has a status subresource (create ignores status there). */
  status?: Status;
}

export interface ClientOptions {
  /** Attempts of a read-modify-write before giving up with a `conflict` error; 10 by default. */
  maxAttempts?: number;
  /** Upper bound of the random pause between attempts, grown with each attempt; 25 ms by default. */
  retryJitterMs?: number;
}

/** The HTTP status and Kubernetes reason of a failed call, or undefined for anything but an API answer. */
export function apiFailure(err: unknown): { code: number; reason?: string; message?: string; name?: string } | undefined {
  if (!(err instanceof ApiException)) return undefined;
  let body: unknown = err.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined;
    }
  }
  const b = (body ?? {}) as { reason?: string; message?: string; details?: { name?: string } };
  return { code: err.code, reason: b.reason, message: b.message, name: b.details?.name };
}

export class CustomObjectClient<Spec, Status = never> {
  private readonly api: CustomObjectsApi;
  private readonly maxAttempts: number;
  private readonly jitterMs: number;

  constructor(
    kc: KubeConfig,
    readonly kind: KindInfo,
    readonly namespace: string,
    opts: ClientOptions = {},
  ) {
    this.api = kc.makeApiClient(CustomObjectsApi);
    this.maxAttempts = opts.maxAttempts ?? 10;
    this.jitterMs = opts.retryJitterMs ?? 25;
  }

  private get path() {
    return { group: GROUP, version: VERSION, namespace: this.namespace, plural: this.kind.plural };
  }

  private describe(name?: string): string {
    return `${this.kind.singular} ${this.namespace}/${name ?? ''}`.replace(/\/$/, '');
  }

  /** A client-node failure as a ServiceError saying what to do next. */
  private fail(err: unknown, name?: string): ServiceError {
    const f = apiFailure(err);
    const what = this.describe(name);
    if (!f)
      return new ServiceError('unavailable', `the Kubernetes store cannot reach the cluster (${what}): ${err instanceof Error ? err.message : String(err)}`);
    const why = f.message ?? `HTTP ${f.code}`;
    if (f.code === 404 && !name)
      return new ServiceError(
        'unavailable',
        `the ${this.kind.plural}.${GROUP} resource is not served: install the CRDs with \`sentinelops crds install\` (${why})`,
      );
    if (f.code === 404) return new ServiceError('not_found', `${what} not found`, { reason: f.reason });
    if (f.code === 409) return new ServiceError('conflict', `${what}: ${why}`, { reason: f.reason });
    if (f.code === 400 || f.code === 422) return new ServiceError('invalid', `${what} is invalid: ${why}`, { reason: f.reason });
    if (f.code === 401 || f.code === 403)
      return new ServiceError('refused', `the store may not write ${what}: ${why}; grant the RBAC of the Helm chart's store role`, { reason: f.reason });
    return new ServiceError('unavailable', `the Kubernetes store failed on ${what}: ${why}`, { reason: f.reason, code: f.code });
  }

  async create(obj: NewObject<Spec, Status>): Promise<CustomObject<Spec, Status>> {
    const body = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: this.kind.kind,
      metadata: obj.metadata,
      spec: obj.spec,
      ...(obj.status ? { status: obj.status } : {}),
    };
    let created: CustomObject<Spec, Status>;
    try {
      created = await this.api.createNamespacedCustomObject({ ...this.path, body });
    } catch (err) {
      throw this.fail(err, obj.metadata.name ?? obj.metadata.generateName);
    }
    if (this.kind.status && obj.status !== undefined) return this.replaceStatus({ ...created, status: obj.status });
    return created;
  }

  /** The object, or undefined when there is none. */
  async get(name: string): Promise<CustomObject<Spec, Status> | undefined> {
    try {
      return await this.api.getNamespacedCustomObject({ ...this.path, name });
    } catch (err) {
      // A missing object names itself; a 404 without the name is a resource the server does not serve.
      const f = apiFailure(err);
      if (f?.code === 404 && f.name === name) return undefined;
      throw this.fail(err, f?.code === 404 ? undefined : name);
    }
  }

  async list(opts: { labelSelector?: string } = {}): Promise<CustomObject<Spec, Status>[]> {
    try {
      const list = await this.api.listNamespacedCustomObject({ ...this.path, labelSelector: opts.labelSelector });
      return (list as { items: CustomObject<Spec, Status>[] }).items;
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** Compare-and-swap of spec and metadata: fails with `conflict` unless `obj.metadata.resourceVersion` is current. */
  async replace(obj: CustomObject<Spec, Status>): Promise<CustomObject<Spec, Status>> {
    try {
      return await this.api.replaceNamespacedCustomObject({ ...this.path, name: obj.metadata.name, body: obj });
    } catch (err) {
      throw this.fail(err, obj.metadata.name);
    }
  }

  /** Compare-and-swap of status (the /status subresource). */
  async replaceStatus(obj: CustomObject<Spec, Status>): Promise<CustomObject<Spec, Status>> {
    try {
      return await this.api.replaceNamespacedCustomObjectStatus({ ...this.path, name: obj.metadata.name, body: obj });
    } catch (err) {
      throw this.fail(err, obj.metadata.name);
    }
  }

  /**
   * A JSON merge patch of status. Without `resourceVersion` it applies to whatever is stored (fields it
   * does not name are kept, so concurrent patches of different fields both land); with it, it is a
   * compare-and-swap.
   */
  async patchStatus(name: string, status: Partial<Status>, opts: { resourceVersion?: string } = {}): Promise<CustomObject<Spec, Status>> {
    const body = { ...(opts.resourceVersion ? { metadata: { resourceVersion: opts.resourceVersion } } : {}), status };
    try {
      return this.kind.status
        ? await this.api.patchNamespacedCustomObjectStatus({ ...this.path, name, body }, MERGE_PATCH)
        : await this.api.patchNamespacedCustomObject({ ...this.path, name, body }, MERGE_PATCH);
    } catch (err) {
      throw this.fail(err, name);
    }
  }

  /**
   * Read-modify-write with conflict retry. `mutate` gets a private copy of the current object and returns
   * the object to store, or undefined to leave it as it is (then the current object is returned). It may run
   * several times, each time on the latest version, so it must be a function of its argument.
   * Resolves to undefined when the object does not exist.
   */
  async update(
    name: string,
    mutate: (current: CustomObject<Spec, Status>) => CustomObject<Spec, Status> | undefined,
  ): Promise<CustomObject<Spec, Status> | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(name);
      if (!current) return undefined;
      const next = mutate(structuredClone(current));
      if (!next) return current;
      try {
        return await this.write(current, next);
      } catch (err) {
        if (!(err instanceof ServiceError && err.code === 'conflict' && err.details?.reason === 'Conflict') || attempt >= this.maxAttempts) {
          if (err instanceof ServiceError && err.code === 'conflict' && attempt >= this.maxAttempts)
            throw new ServiceError('conflict', `${this.describe(name)} kept changing: gave up after ${attempt} attempts`, {
              reason: 'Conflict',
              attempts: attempt,
            });
          throw err;
        }
        await new Promise((r) => setTimeout(r, Math.random() * this.jitterMs * attempt));
      }
    }
  }

  /** Writes what changed between `current` and `next`: the main object, then status, each versioned. */
  private async write(current: CustomObject<Spec, Status>, next: CustomObject<Spec, Status>): Promise<CustomObject<Spec, Status>> {
    const body = { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } };
    if (!this.kind.status) return this.replace(body);
    const statusChanged = JSON.stringify(current.status ?? null) !== JSON.stringify(next.status ?? null);
    const mainChanged = JSON.stringify({ ...current, status: undefined }) !== JSON.stringify({ ...body, status: undefined });
    let stored = current;
    if (mainChanged) stored = await this.replace(body);
    if (statusChanged) stored = await this.replaceStatus({ ...stored, status: next.status });
    return stored;
  }

  /** Deletes the object; false when it was not there. With `resourceVersion`, only that version is deleted. */
  async delete(name: string, opts: { resourceVersion?: string } = {}): Promise<boolean> {
    try {
      await this.api.deleteNamespacedCustomObject({
        ...this.path,
        name,
        body: opts.resourceVersion ? { preconditions: { resourceVersion: opts.resourceVersion } } : undefined,
      });
      return true;
    } catch (err) {
      const f = apiFailure(err);
      if (f?.code === 404 && f.name === name) return false;
      throw this.fail(err, f?.code === 404 ? undefined : name);
    }
  }
}
