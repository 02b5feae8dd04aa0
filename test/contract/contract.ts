/**
 * The cluster contract: every Kubernetes API behaviour SentinelOps relies on, driven through
 * @kubernetes/client-node from a kubeconfig, and then through the project's own ClusterClient
 * (cluster-client-contract.ts). The same suites run against the simulator (sim.contract.test.ts) and,
 * unchanged, against a real control plane (real.contract.test.ts), so a difference between the two is a
 * failing test rather than a surprise in production.
 *
 * Each suite works in its own namespace and deletes it at the end.
 */
import {
  ApiException,
  ApisApi,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  Metrics,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClientContract } from './cluster-client-contract.js';
import { type ContractOptions, type ContractTarget, deployment, uniqueNamespace, until } from './shared.js';

const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const STRATEGIC = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const JSON_PATCH = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

/** Status code and reason of a failed call; fails the test when the call succeeds. */
async function failure(p: Promise<unknown>): Promise<{ code: number; reason?: string; message?: string }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const body = typeof e.body === 'string' ? safeJson(e.body) : e.body;
    return { code: e.code, reason: body?.reason, message: body?.message };
  }
  throw new Error('expected the API call to fail');
}

function safeJson(s: string): any {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Registers both contract suites in the current describe block. */
export function runContract(opts: ContractOptions, makeTarget: () => Promise<ContractTarget>): void {
  clientNodeContract(opts, makeTarget);
  clusterClientContract(opts, makeTarget);
}

function clientNodeContract(opts: ContractOptions, makeTarget: () => Promise<ContractTarget>): void {
  describe('through @kubernetes/client-node', () => {
    let target: ContractTarget;
    let core: CoreV1Api;
    let apps: AppsV1Api;
    let kc: KubeConfig;
    const ns = uniqueNamespace('contract');

    beforeAll(async () => {
      target = await makeTarget();
      kc = new KubeConfig();
      kc.loadFromString(target.kubeconfigYaml);
      core = kc.makeApiClient(CoreV1Api);
      apps = kc.makeApiClient(AppsV1Api);
      await core.createNamespace({ body: { metadata: { name: ns } } });
    });

    afterAll(async () => {
      try {
        await core?.deleteNamespace({ name: ns });
      } catch {
        // Best effort: the namespace may already be gone.
      }
      await target?.close();
    });

    const cm = (n: string, labels: Record<string, string> = {}) => ({ metadata: { name: n, labels }, data: { v: '1' } });

    it('creates, reads, replaces and deletes an object', async () => {
      const created = await core.createNamespacedConfigMap({ namespace: ns, body: cm('crud') });
      expect(created.metadata?.uid).toBeTruthy();
      expect(created.metadata?.resourceVersion).toBeTruthy();
      expect(created.metadata?.creationTimestamp).toBeTruthy();
      const read = await core.readNamespacedConfigMap({ name: 'crud', namespace: ns });
      expect(read.data).toEqual({ v: '1' });
      const replaced = await core.replaceNamespacedConfigMap({ name: 'crud', namespace: ns, body: { ...read, data: { v: '2' } } });
      expect(replaced.data).toEqual({ v: '2' });
      expect(replaced.metadata?.resourceVersion).not.toBe(read.metadata?.resourceVersion);
      await core.deleteNamespacedConfigMap({ name: 'crud', namespace: ns });
      expect((await failure(core.readNamespacedConfigMap({ name: 'crud', namespace: ns }))).code).toBe(404);
    });

    it('answers NotFound, AlreadyExists and Conflict (stale resourceVersion) with Status reasons', async () => {
      expect(await failure(core.readNamespacedConfigMap({ name: 'missing', namespace: ns }))).toMatchObject({ code: 404, reason: 'NotFound' });
      const first = await core.createNamespacedConfigMap({ namespace: ns, body: cm('dup') });
      expect(await failure(core.createNamespacedConfigMap({ namespace: ns, body: cm('dup') }))).toMatchObject({ code: 409, reason: 'AlreadyExists' });
      await core.replaceNamespacedConfigMap({ name: 'dup', namespace: ns, body: { ...first, data: { v: 'new' } } });
      const stale = await failure(core.replaceNamespacedConfigMap({ name: 'dup', namespace: ns, body: { ...first, data: { v: 'stale' } } }));
      expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
      expect((await core.readNamespacedConfigMap({ name: 'dup', namespace: ns })).data).toEqual({ v: 'new' });
    });

    it('rejects invalid replicas with 422 Invalid and changes nothing', async () => {
      const bad = deployment('invalid', 'nginx:1.27');
      bad.spec!.replicas = -1;
      expect(await failure(apps.createNamespacedDeployment({ namespace: ns, body: bad }))).toMatchObject({ code: 422, reason: 'Invalid' });
      expect((await failure(apps.readNamespacedDeployment({ name: 'invalid', namespace: ns }))).code).toBe(404);
    });

    it('filters lists by label and field selectors and pages with limit/continue', async () => {
      for (let i = 0; i < 7; i++)
        await core.createNamespacedConfigMap({ namespace: ns, body: cm(`page-${i}`, { group: 'paging', parity: i % 2 ? 'odd' : 'even' }) });
      const odd = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'group=paging,parity=odd' });
      expect(odd.items.map((o) => o.metadata?.name).sort()).toEqual(['page-1', 'page-3', 'page-5']);
      const byName = await core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'metadata.name=page-4' });
      expect(byName.items.map((o) => o.metadata?.name)).toEqual(['page-4']);
      expect(odd.metadata?.resourceVersion).toBeTruthy();
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'group=paging', limit: 3, _continue: token });
        seen.push(...page.items.map((o) => o.metadata!.name!));
        token = page.metadata?._continue || undefined;
        pages++;
      } while (token);
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `page-${i}`));
      const bad = await failure(core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'group in (oops' }));
      expect(bad.code).toBe(400);
    });

    it('watches changes from a list resourceVersion', async () => {
      const list = await core.listNamespacedConfigMap({ namespace: ns });
      const events: string[] = [];
      const watch = new Watch(kc);
      const req = await watch.watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { resourceVersion: list.metadata!.resourceVersion!, labelSelector: 'watched=yes' },
        (type, obj) => events.push(`${type} ${obj.metadata.name} ${obj.data?.v ?? ''}`),
        () => undefined,
      );
      try {
        await core.createNamespacedConfigMap({ namespace: ns, body: cm('ignored', { watched: 'no' }) });
        await core.createNamespacedConfigMap({ namespace: ns, body: cm('w', { watched: 'yes' }) });
        await core.patchNamespacedConfigMap({ name: 'w', namespace: ns, body: { data: { v: '2' } } }, MERGE);
        await core.deleteNamespacedConfigMap({ name: 'w', namespace: ns });
        await until('three watch events', async () => events.length >= 3, 15_000);
        expect(events).toEqual(['ADDED w 1', 'MODIFIED w 2', 'DELETED w 2']);
      } finally {
        req.abort();
      }
    });

    it('applies merge, strategic-merge and JSON patches', async () => {
      await apps.createNamespacedDeployment({ namespace: ns, body: deployment('patchy', 'nginx:1.27', 0) });
      const merged = await apps.patchNamespacedDeployment({ name: 'patchy', namespace: ns, body: { metadata: { labels: { team: 'sre' } } } }, MERGE);
      expect(merged.metadata?.labels).toEqual({ app: 'patchy', team: 'sre' });
      const smp = await apps.patchNamespacedDeployment(
        { name: 'patchy', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } } },
        STRATEGIC,
      );
      const container = smp.spec!.template.spec!.containers[0]!;
      expect(container.image).toBe('nginx:1.28');
      expect(container.resources?.limits).toEqual({ cpu: '100m', memory: '64Mi' }); // merged by name, not replaced
      const jp = await apps.patchNamespacedDeployment(
        { name: 'patchy', namespace: ns, body: [{ op: 'add', path: '/metadata/annotations', value: { note: 'json' } }] },
        JSON_PATCH,
      );
      expect(jp.metadata?.annotations?.note).toBe('json');
      expect(
        await failure(apps.patchNamespacedDeployment({ name: 'patchy', namespace: ns, body: [{ op: 'test', path: '/spec/replicas', value: 99 }] }, JSON_PATCH)),
      ).toMatchObject({ code: 422 });
    });

    it('reads and writes the scale subresource', async () => {
      await apps.createNamespacedDeployment({ namespace: ns, body: deployment('scaled', 'nginx:1.27', 1) });
      const scale = await apps.readNamespacedDeploymentScale({ name: 'scaled', namespace: ns });
      expect(scale.spec?.replicas).toBe(1);
      expect(scale.status?.selector).toBe('app=scaled');
      // An unconditional write (no resourceVersion): on a real cluster the controller updates the
      // deployment's status between our read and write, which would make a conditional PUT a 409.
      const unconditional = { ...scale, metadata: { ...scale.metadata, resourceVersion: undefined }, spec: { replicas: 2 } };
      const put = await apps.replaceNamespacedDeploymentScale({ name: 'scaled', namespace: ns, body: unconditional });
      expect(put.spec?.replicas).toBe(2);
      const patched = await apps.patchNamespacedDeploymentScale({ name: 'scaled', namespace: ns, body: { spec: { replicas: 3 } } }, MERGE);
      expect(patched.spec?.replicas).toBe(3);
      expect(await failure(apps.patchNamespacedDeploymentScale({ name: 'scaled', namespace: ns, body: { spec: { replicas: -1 } } }, MERGE))).toMatchObject({
        code: 422,
        reason: 'Invalid',
      });
      expect((await apps.readNamespacedDeployment({ name: 'scaled', namespace: ns })).spec?.replicas).toBe(3);
      const ready = await until('3 ready replicas', async () => {
        const d = await apps.readNamespacedDeployment({ name: 'scaled', namespace: ns });
        return d.status?.readyReplicas === 3 && d;
      });
      expect(ready.status?.replicas).toBe(3);
    });

    it('rolls out a new ReplicaSet on a template change and undoes to the previous template', async () => {
      const name = 'rollout';
      await apps.createNamespacedDeployment({ namespace: ns, body: deployment(name, 'nginx:1.27', 2) });
      const owned = async () =>
        (await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: `app=${name}` })).items.filter((rs) =>
          rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name),
        );
      const complete = (revision: string) =>
        until(`rollout to revision ${revision}`, async () => {
          const d = await apps.readNamespacedDeployment({ name, namespace: ns });
          const s = d.status;
          const done =
            d.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision &&
            (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
            s?.updatedReplicas === 2 &&
            s?.availableReplicas === 2 &&
            (s?.replicas ?? 0) === 2;
          return done && d;
        });
      await complete('1');
      const [first] = await owned();
      expect(first).toBeDefined();

      await apps.patchNamespacedDeployment(
        { name, namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } } },
        STRATEGIC,
      );
      await complete('2');
      const afterUpdate = await owned();
      expect(afterUpdate).toHaveLength(2);
      const second = afterUpdate.find((rs) => rs.metadata?.uid !== first!.metadata?.uid)!;
      expect(second.spec?.template?.spec?.containers[0]?.image).toBe('nginx:1.28');
      expect(second.metadata?.labels?.['pod-template-hash']).toBeTruthy();

      // What `kubectl rollout undo` sends: the previous ReplicaSet's template, without its hash label.
      const previous: V1ReplicaSet = (await owned()).find((rs) => rs.metadata?.uid === first!.metadata?.uid)!;
      const template = structuredClone(previous.spec!.template!);
      delete template.metadata!.labels!['pod-template-hash'];
      await apps.patchNamespacedDeployment({ name, namespace: ns, body: [{ op: 'replace', path: '/spec/template', value: template }] }, JSON_PATCH);
      const undone = await complete('3');
      expect(undone.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.27');
      const afterUndo = await owned();
      expect(afterUndo).toHaveLength(2); // the old ReplicaSet is reused, not duplicated
      const reused = afterUndo.find((rs) => rs.metadata?.uid === first!.metadata?.uid)!;
      expect(reused.spec?.replicas).toBe(2);
      expect(reused.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    });

    const metricsGroupServed = async () => (await kc.makeApiClient(ApisApi).getAPIVersions()).groups.some((g) => g.name === 'metrics.k8s.io');

    // The target declares whether it runs metrics-server; the test asserts that, so a lost metrics API fails.
    if (!opts.metricsApi) {
      it('does not serve metrics.k8s.io (declared without metrics-server)', async () => {
        expect(await metricsGroupServed()).toBe(false);
      });
    } else {
      it('serves metrics.k8s.io pod metrics', async () => {
        expect(await metricsGroupServed()).toBe(true);
        await apps.createNamespacedDeployment({ namespace: ns, body: deployment('measured', 'nginx:1.27', 1) });
        const metrics = new Metrics(kc);
        const podMetrics = await until(
          'pod metrics',
          async () => {
            const list = await metrics.getPodMetrics(ns);
            const mine = list.items.filter((m) => m.metadata.name.startsWith('measured-'));
            return mine.length > 0 && mine;
          },
          120_000,
        );
        expect(podMetrics[0]!.containers[0]!.name).toBe('web');
        expect(podMetrics[0]!.containers[0]!.usage.cpu).toMatch(/^\d+(n|u|m)?$/);
        expect(podMetrics[0]!.containers[0]!.usage.memory).toMatch(/^\d+(Ki|Mi|Gi)?$/);
      }, 150_000); // metrics-server needs about 35 s (two 15 s resolutions) before a new pod has CPU usage
    }
  });
}
