/**
 * The CustomResourceDefinition contract: what the Kubernetes store and kubectl rely on from the
 * apiextensions server, through @kubernetes/client-node, run unchanged against the simulator
 * (crd-sim.contract.test.ts) and a real control plane (crd-real.contract.test.ts). A throwaway CRD with a
 * random kind is created, used and deleted; the store's own CRDs are installed (idempotently) and
 * `kubectl get incidents -A` is read where a kubectl is available.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiException, ApisApi, CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectClient, INCIDENT, installCrds } from '../../src/kube-store/index.js';
import { findKubectl } from '../helpers/kubectl.js';
import { itWith } from '../helpers/prerequisite.js';
import { type ContractTarget, uniqueNamespace, until } from './shared.js';

const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const STRATEGIC = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const JSON_PATCH = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const run = promisify(execFile);
const { path: KUBECTL, prerequisite: kubectlPresent } = findKubectl();

async function failure(p: Promise<unknown>): Promise<{ code: number; reason?: string; message?: string }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    // A path the server no longer routes answers with plain text ("404 page not found").
    let body = e.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        body = undefined;
      }
    }
    return { code: e.code, reason: body?.reason, message: body?.message };
  }
  throw new Error('expected the API call to fail');
}

const GROUP = 'contract.sentinelops.dev';

export function crdContract(makeTarget: () => Promise<ContractTarget>): void {
  describe('custom resource definitions and custom resources', () => {
    let target: ContractTarget;
    let kc: KubeConfig;
    let core: CoreV1Api;
    let custom: CustomObjectsApi;
    let dir: string;
    const ns = uniqueNamespace('crd');
    // A fresh kind per run, so a run that died before cleaning up cannot disturb the next.
    const suffix = Math.random().toString(36).slice(2, 8).replace(/[0-9]/g, 'x');
    const kind = `Gadget${suffix[0]!.toUpperCase()}${suffix.slice(1)}`;
    const plural = `gadgets${suffix}`;
    const crdName = `${plural}.${GROUP}`;
    const path = { group: GROUP, version: 'v1', namespace: ns, plural };

    const kubectl = async (...args: string[]) =>
      (await run(KUBECTL!, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args], { timeout: 60_000 })).stdout;

    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdName },
      spec: {
        group: GROUP,
        scope: 'Namespaced',
        names: { kind, plural, listKind: `${kind}List`, singular: plural.slice(0, -1) },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    required: ['size'],
                    properties: {
                      size: { type: 'integer', minimum: 0 },
                      color: { type: 'string', enum: ['red', 'blue'] },
                      notes: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    },
                  },
                  status: { type: 'object', properties: { phase: { type: 'string' }, count: { type: 'integer' } } },
                },
              },
            },
            additionalPrinterColumns: [
              { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
              { name: 'Color', type: 'string', jsonPath: '.spec.color' },
              { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
              { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            ],
          },
        ],
      },
    };
    const crdPath = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };
    const gadget = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}) => ({
      apiVersion: `${GROUP}/v1`,
      kind,
      metadata: { name, labels },
      spec,
    });

    beforeAll(async () => {
      target = await makeTarget();
      kc = new KubeConfig();
      kc.loadFromString(target.kubeconfigYaml);
      core = kc.makeApiClient(CoreV1Api);
      custom = kc.makeApiClient(CustomObjectsApi);
      dir = mkdtempSync(join(tmpdir(), 'sentinelops-crd-contract-'));
      writeFileSync(join(dir, 'kubeconfig'), target.kubeconfigYaml);
      await core.createNamespace({ body: { metadata: { name: ns } } });
      // As plain JSON: the typed CRD model of client-node would drop the x-kubernetes-* schema keys.
      await custom.createClusterCustomObject({ ...crdPath, body: crd });
      await until(
        'the CRD to be Established',
        async () => {
          const c = await custom.getClusterCustomObject({ ...crdPath, name: crdName });
          return c.status?.conditions?.some((x: { type: string; status: string }) => x.type === 'Established' && x.status === 'True');
        },
        30_000,
      );
      // The real server may take a moment after Established before the new path answers.
      await until('the custom resource path to be served', async () => !!(await custom.listNamespacedCustomObject(path)), 30_000);
    });

    afterAll(async () => {
      for (const cleanup of [() => custom?.deleteClusterCustomObject({ ...crdPath, name: crdName }), () => core?.deleteNamespace({ name: ns })]) {
        try {
          await cleanup();
        } catch {
          // Best effort.
        }
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
      await target?.close();
    });

    it('is discoverable: the group version lists the plural with its status subresource', async () => {
      const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
      expect(groups.groups.map((g) => g.name)).toContain(GROUP);
      const res = await fetchJson(kc, `/apis/${GROUP}/v1`);
      const names = res.resources.map((r: { name: string }) => r.name);
      expect(names).toEqual(expect.arrayContaining([plural, `${plural}/status`]));
      expect(res.resources.find((r: { name: string }) => r.name === plural)).toMatchObject({ kind, namespaced: true });
    });

    it('creates with defaults of the server: unknown fields pruned, status dropped, generation 1', async () => {
      const created = await custom.createNamespacedCustomObject({
        ...path,
        body: { ...gadget('a', { size: 1, color: 'red', bogus: true, notes: { free: { form: 1 } } }, { tier: 'one' }), status: { phase: 'ignored' } },
      });
      expect(created.spec).toEqual({ size: 1, color: 'red', notes: { free: { form: 1 } } });
      expect(created.status).toBeUndefined();
      expect(created.metadata.generation).toBe(1);
      expect(created.metadata.uid).toBeTruthy();
      expect(await failure(custom.createNamespacedCustomObject({ ...path, body: gadget('a', { size: 1 }) }))).toMatchObject({
        code: 409,
        reason: 'AlreadyExists',
      });
    });

    it('refuses a body that breaks the schema with 422 Invalid and stores nothing', async () => {
      for (const spec of [{ size: 'big' }, { size: 2, color: 'green' }, { color: 'red' }, { size: -1 }]) {
        expect(await failure(custom.createNamespacedCustomObject({ ...path, body: gadget('bad', spec) }))).toMatchObject({ code: 422, reason: 'Invalid' });
      }
      expect(await failure(custom.getNamespacedCustomObject({ ...path, name: 'bad' }))).toMatchObject({ code: 404, reason: 'NotFound' });
    });

    it('gets, lists by label selector and across namespaces', async () => {
      await custom.createNamespacedCustomObject({ ...path, body: gadget('b', { size: 2 }, { tier: 'two' }) });
      expect((await custom.getNamespacedCustomObject({ ...path, name: 'b' })).spec.size).toBe(2);
      const tier1 = await custom.listNamespacedCustomObject({ ...path, labelSelector: 'tier=one' });
      expect(tier1.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['a']);
      expect(tier1.kind).toBe(`${kind}List`);
      const all = await custom.listClusterCustomObject({ group: GROUP, version: 'v1', plural });
      expect(all.items.map((o: { metadata: { name: string } }) => o.metadata.name).sort()).toEqual(['a', 'b']);
      expect((await failure(custom.listNamespacedCustomObject({ ...path, labelSelector: 'tier in (oops' }))).code).toBe(400);
    });

    it('patches with merge and JSON patch (generation follows spec), and refuses strategic merge patch with 415', async () => {
      const merged = await custom.patchNamespacedCustomObject({ ...path, name: 'a', body: { spec: { size: 5 } } }, MERGE);
      expect(merged.spec).toMatchObject({ size: 5, color: 'red' });
      expect(merged.metadata.generation).toBe(2);
      const labelled = await custom.patchNamespacedCustomObject({ ...path, name: 'a', body: { metadata: { labels: { extra: 'yes' } } } }, MERGE);
      expect(labelled.metadata.generation).toBe(2);
      const json = await custom.patchNamespacedCustomObject({ ...path, name: 'a', body: [{ op: 'replace', path: '/spec/color', value: 'blue' }] }, JSON_PATCH);
      expect(json.spec.color).toBe('blue');
      expect(json.metadata.generation).toBe(3);
      expect((await failure(custom.patchNamespacedCustomObject({ ...path, name: 'a', body: { spec: { size: 6 } } }, STRATEGIC))).code).toBe(415);
      expect((await failure(custom.patchNamespacedCustomObject({ ...path, name: 'a', body: { spec: { size: 'x' } } }, MERGE))).code).toBe(422);
    });

    it('writes status only through /status, and /status writes only status', async () => {
      const before = await custom.getNamespacedCustomObject({ ...path, name: 'b' });
      const viaStatus = await custom.replaceNamespacedCustomObjectStatus({
        ...path,
        name: 'b',
        body: { ...before, spec: { size: 99 }, metadata: { ...before.metadata, labels: { sneaky: 'yes' } }, status: { phase: 'Ready', count: 1 } },
      });
      expect(viaStatus.status).toEqual({ phase: 'Ready', count: 1 });
      expect(viaStatus.spec.size).toBe(2);
      expect(viaStatus.metadata.labels).toEqual({ tier: 'two' });
      expect(viaStatus.metadata.generation).toBe(before.metadata.generation);
      const viaMain = await custom.replaceNamespacedCustomObject({
        ...path,
        name: 'b',
        body: { ...viaStatus, spec: { size: 3 }, status: { phase: 'Hacked' } },
      });
      expect(viaMain.spec.size).toBe(3);
      expect(viaMain.status).toEqual({ phase: 'Ready', count: 1 });
      const patched = await custom.patchNamespacedCustomObjectStatus({ ...path, name: 'b', body: { status: { count: 2 } } }, MERGE);
      expect(patched.status).toEqual({ phase: 'Ready', count: 2 });
    });

    it('answers a stale resourceVersion with 409 Conflict and the upstream message, and needs one on update', async () => {
      const read = await custom.getNamespacedCustomObject({ ...path, name: 'b' });
      await custom.patchNamespacedCustomObject({ ...path, name: 'b', body: { spec: { size: 4 } } }, MERGE);
      const stale = await failure(custom.replaceNamespacedCustomObject({ ...path, name: 'b', body: { ...read, spec: { size: 7 } } }));
      expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
      expect(stale.message).toBe(
        `Operation cannot be fulfilled on ${plural}.${GROUP} "b": the object has been modified; please apply your changes to the latest version and try again`,
      );
      const staleStatus = await failure(custom.replaceNamespacedCustomObjectStatus({ ...path, name: 'b', body: { ...read, status: { phase: 'Old' } } }));
      expect(staleStatus).toMatchObject({ code: 409, reason: 'Conflict' });
      const unconditional = await failure(
        custom.replaceNamespacedCustomObject({
          ...path,
          name: 'b',
          body: { ...read, metadata: { ...read.metadata, resourceVersion: undefined }, spec: { size: 8 } },
        }),
      );
      expect(unconditional).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(unconditional.message).toContain('metadata.resourceVersion');
      expect((await custom.getNamespacedCustomObject({ ...path, name: 'b' })).spec.size).toBe(4);
    });

    it('watches from a list resourceVersion with a label selector', async () => {
      const list = await custom.listNamespacedCustomObject({ ...path });
      const events: string[] = [];
      const req = await new Watch(kc).watch(
        `/apis/${GROUP}/v1/namespaces/${ns}/${plural}`,
        { resourceVersion: list.metadata.resourceVersion, labelSelector: 'watched=yes' },
        (type, obj) => events.push(`${type} ${obj.metadata.name} ${obj.spec?.size ?? ''}`),
        () => undefined,
      );
      try {
        await custom.createNamespacedCustomObject({ ...path, body: gadget('unwatched', { size: 1 }, { watched: 'no' }) });
        await custom.createNamespacedCustomObject({ ...path, body: gadget('w', { size: 1 }, { watched: 'yes' }) });
        await custom.patchNamespacedCustomObject({ ...path, name: 'w', body: { spec: { size: 2 } } }, MERGE);
        await custom.deleteNamespacedCustomObject({ ...path, name: 'w' });
        await until('three watch events', async () => events.length >= 3, 15_000);
      } finally {
        req.abort();
      }
      expect(events).toEqual(['ADDED w 1', 'MODIFIED w 2', 'DELETED w 2']);
    });

    it('deletes with a Success Status; the object is gone', async () => {
      const res = await custom.deleteNamespacedCustomObject({ ...path, name: 'unwatched' });
      expect(res).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'unwatched', group: GROUP, kind: plural } });
      expect(await failure(custom.getNamespacedCustomObject({ ...path, name: 'unwatched' }))).toMatchObject({ code: 404, reason: 'NotFound' });
    });

    itWith(kubectlPresent, 'kubectl get prints the printer columns', async () => {
      const { header, rows } = columns(await kubectl('get', plural, '-A'));
      expect(header).toEqual(['NAMESPACE', 'NAME', 'SIZE', 'COLOR', 'PHASE', 'AGE']);
      const b = rows.find((r) => r[1] === 'b');
      expect(b?.slice(0, 5)).toEqual([ns, 'b', '4', '', 'Ready']);
    });

    itWith(kubectlPresent, 'the store CRDs install idempotently and kubectl get incidents -A reads well', async () => {
      await installCrds(kc, { timeoutMs: 30_000 });
      expect((await installCrds(kc, { timeoutMs: 30_000 })).every((r) => r.action === 'unchanged')).toBe(true);
      const incidents = new CustomObjectClient<Record<string, unknown>, Record<string, unknown>>(kc, INCIDENT, ns);
      // The discovery of a just-established group can lag a moment on a real server.
      await until('incidents to be served', async () => !!(await incidents.list()), 30_000);
      await incidents.create({
        metadata: { name: 'crash-web' },
        spec: { type: 'crash_loop', target: 'deployment/web', severity: 'high', detectedAt: new Date().toISOString() },
        status: { outcome: 'resolved', mttr: '4m12s', resolvedAt: new Date().toISOString() },
      });
      const { header, rows } = columns(await kubectl('get', 'incidents', '-A'));
      expect(header).toEqual(['NAMESPACE', 'NAME', 'TYPE', 'TARGET', 'SEVERITY', 'OUTCOME', 'MTTR', 'AGE']);
      const row = rows.find((r) => r[0] === ns);
      expect(row?.slice(0, 7)).toEqual([ns, 'crash-web', 'crash_loop', 'deployment/web', 'high', 'resolved', '4m12s']);
    });

    it('deleting the CRD deletes its custom resources and stops serving them', async () => {
      await custom.deleteClusterCustomObject({ ...crdPath, name: crdName });
      await until('the resource to stop being served', async () => (await failure(custom.listNamespacedCustomObject({ ...path }))).code === 404, 60_000);
      await until('the CRD to be gone', async () => (await failure(custom.getClusterCustomObject({ ...crdPath, name: crdName }))).code === 404, 60_000);
    }, 150_000);
  });
}

/** kubectl's table cut at the header's column starts, so an empty cell stays a cell. */
function columns(out: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = out.replace(/\n$/, '').split('\n');
  const starts = [...head!.matchAll(/\S+/g)].map((m) => m.index);
  const cut = (line: string) => starts.map((s, i) => line.slice(s, starts[i + 1]).trim());
  return { header: cut(head!), rows: lines.map(cut) };
}

/** GET of a path with the kubeconfig's credentials, through client-node's own request options. */
async function fetchJson(kc: KubeConfig, p: string): Promise<any> {
  const cluster = kc.getCurrentCluster()!;
  const opts: { headers?: Record<string, string>; ca?: Buffer } & Record<string, unknown> = {};
  await kc.applyToHTTPSOptions(opts as never);
  const url = new URL(p, cluster.server);
  const https = await import('node:https');
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { ...opts, method: 'GET', headers: { ...(opts.headers ?? {}), Accept: 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`GET ${p}: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}
