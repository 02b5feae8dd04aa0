/**
 * Installs the store's CRDs: create when absent, replace (with the version read) when the spec we ship
 * differs from the one applied last, leave alone otherwise; then wait until each is Established. Running it
 * twice changes nothing the second time. What we applied is remembered as a hash in an annotation, because
 * the server adds defaults to a stored CRD and a field-by-field comparison would always see a difference.
 *
 * The calls go through the custom-objects API with the CRD as plain JSON: client-node's typed
 * CustomResourceDefinition model would drop the schema's `x-kubernetes-*` keys (it names them differently).
 */
import { createHash } from 'node:crypto';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { ServiceError } from '../base/errors.js';
import { apiFailure } from './client.js';
import { CRDS } from './crds.js';

export const APPLIED_HASH = 'sentinelops.dev/applied-spec-hash';

export interface InstallResult {
  name: string;
  action: 'created' | 'updated' | 'unchanged';
}

export interface InstallOptions {
  /** How long to wait for Established; 60 s by default. */
  timeoutMs?: number;
  /** Only say what would change. */
  dryRun?: boolean;
}

interface Crd {
  metadata: { name: string; annotations?: Record<string, string>; [k: string]: unknown };
  spec: unknown;
  status?: { conditions?: { type: string; status: string }[] };
}

const CRD_PATH = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };

class CrdApi {
  private readonly api: CustomObjectsApi;
  constructor(kc: KubeConfig) {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }
  read(name: string): Promise<Crd> {
    return this.api.getClusterCustomObject({ ...CRD_PATH, name });
  }
  create(body: Crd): Promise<Crd> {
    return this.api.createClusterCustomObject({ ...CRD_PATH, body });
  }
  replace(body: Crd): Promise<Crd> {
    return this.api.replaceClusterCustomObject({ ...CRD_PATH, name: body.metadata.name, body });
  }
}

function specHash(crd: Crd): string {
  return createHash('sha256').update(JSON.stringify(crd.spec)).digest('hex').slice(0, 16);
}

function withHash(crd: Crd): Crd {
  const c = structuredClone(crd);
  c.metadata = { ...c.metadata, annotations: { ...(c.metadata.annotations ?? {}), [APPLIED_HASH]: specHash(crd) } };
  return c;
}

function failed(err: unknown, name: string): ServiceError {
  const f = apiFailure(err);
  if (!f) return new ServiceError('unavailable', `cannot reach the cluster to install ${name}: ${err instanceof Error ? err.message : String(err)}`);
  if (f.code === 401 || f.code === 403)
    return new ServiceError('refused', `not allowed to install ${name} (${f.message ?? f.code}); installing CRDs needs cluster-admin or the chart's crds/`);
  return new ServiceError(f.code === 422 ? 'invalid' : 'unavailable', `installing ${name} failed: ${f.message ?? `HTTP ${f.code}`}`);
}

async function applyOne(api: CrdApi, crd: Crd, dryRun: boolean): Promise<InstallResult> {
  const name = crd.metadata.name;
  const desired = withHash(crd);
  for (let attempt = 1; attempt <= 5; attempt++) {
    let current: Crd | undefined;
    try {
      current = await api.read(name);
    } catch (err) {
      if (apiFailure(err)?.code !== 404) throw failed(err, name);
    }
    try {
      if (!current) {
        if (!dryRun) await api.create(desired);
        return { name, action: 'created' };
      }
      if (current.metadata?.annotations?.[APPLIED_HASH] === specHash(crd)) return { name, action: 'unchanged' };
      if (!dryRun)
        await api.replace({
          ...desired,
          metadata: { ...current.metadata, ...desired.metadata, annotations: { ...current.metadata.annotations, ...desired.metadata.annotations } },
        });
      return { name, action: 'updated' };
    } catch (err) {
      // Someone else created or changed it meanwhile: read it again.
      if (apiFailure(err)?.code !== 409) throw failed(err, name);
    }
  }
  throw new ServiceError('conflict', `${name} kept changing while it was being installed`);
}

async function waitEstablished(api: CrdApi, name: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const crd = await api.read(name);
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    } catch (err) {
      if (apiFailure(err)?.code !== 404) throw failed(err, name);
    }
    if (Date.now() > deadline) throw new ServiceError('unavailable', `${name} was not Established in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function installCrds(kc: KubeConfig, opts: InstallOptions = {}): Promise<InstallResult[]> {
  const api = new CrdApi(kc);
  const results: InstallResult[] = [];
  for (const crd of CRDS) results.push(await applyOne(api, crd as unknown as Crd, !!opts.dryRun));
  if (!opts.dryRun) {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (const r of results) await waitEstablished(api, r.name, deadline);
  }
  return results;
}
