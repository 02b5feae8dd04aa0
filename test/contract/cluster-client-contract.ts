/**
 * The cluster contract through the project's own ClusterClient (src/k8s/client.ts), the only way the services
 * reach Kubernetes: its reads, paging, the merge patches scale_deployment and rollback_deployment send, pod
 * deletion, HPAs and metrics, and the ServiceErrors it maps failures to. Same targets as the client-node suite.
 */
import { AutoscalingV2Api, CoreV1Api, KubeConfig, type V1PodTemplateSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/base/errors.js';
import { ClusterClient } from '../../src/k8s/client.js';
import { mergePatchDiff } from '../../src/services/merge-patch.js';
import { type ContractOptions, type ContractTarget, deployment, uniqueNamespace, until } from './shared.js';

/** The ServiceError a call fails with; fails the test when the call succeeds or throws anything else. */
async function serviceError(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error('expected the call to fail');
}

const REVISION = 'deployment.kubernetes.io/revision';

export function clusterClientContract(opts: ContractOptions, makeTarget: () => Promise<ContractTarget>): void {
  describe('through ClusterClient', () => {
    let target: ContractTarget;
    let cluster: ClusterClient;
    const ns = uniqueNamespace('contract-cc');

    /** Running, Ready pods of `app` that are not being deleted. */
    const readyPods = async (app: string) =>
      (await cluster.listPods(ns, { labelSelector: `app=${app}` })).items.filter(
        (p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );

    const rolledOut = (name: string, replicas: number, revision?: string) =>
      until(`${name} rolled out to ${replicas}${revision ? ` at revision ${revision}` : ''}`, async () => {
        const d = await cluster.readDeployment(ns, name);
        const s = d.status;
        const done =
          (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
          (revision === undefined || d.metadata?.annotations?.[REVISION] === revision) &&
          s?.updatedReplicas === replicas &&
          s?.readyReplicas === replicas &&
          (s?.replicas ?? 0) === replicas;
        return done && d;
      });

    beforeAll(async () => {
      target = await makeTarget();
      const kc = new KubeConfig();
      kc.loadFromString(target.kubeconfigYaml);
      cluster = new ClusterClient(kc);
      await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
    });

    afterAll(async () => {
      try {
        await cluster?.core.deleteNamespace({ name: ns });
      } catch {
        // Best effort: the namespace may already be gone.
      }
      await target?.close();
    });

    it('reads the server version and the namespaces', async () => {
      expect(await cluster.version()).toMatch(/^v1\.\d+\.\d+/);
      expect((await cluster.listNamespaces()).map((n) => n.metadata?.name)).toContain(ns);
    });

    it('lists deployments by label, in one namespace or all, and pages with limit/continue', async () => {
      for (let i = 0; i < 5; i++) {
        const d = deployment(`page-${i}`, 'nginx:1.27', 0);
        d.metadata!.labels = { ...d.metadata!.labels, group: ns };
        await cluster.apps.createNamespacedDeployment({ namespace: ns, body: d });
      }
      const seen: string[] = [];
      const tokens: (string | undefined)[] = [];
      let token: string | undefined;
      do {
        const page = await cluster.listDeployments(ns, { labelSelector: `group=${ns}`, limit: 2, continue: token });
        seen.push(...page.items.map((d) => d.metadata!.name!));
        token = page.continue;
        tokens.push(token);
      } while (token);
      expect(tokens).toHaveLength(3);
      expect(tokens.at(-1)).toBeUndefined();
      expect(seen.sort()).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
      // Across namespaces the label (the namespace's own name) still finds exactly these.
      const all = await cluster.listDeployments(undefined, { labelSelector: `group=${ns}` });
      expect(all.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`).sort()).toEqual(seen.map((n) => `${ns}/${n}`));
      expect(all.continue).toBeUndefined();
    });

    it('scales with a merge patch of spec.replicas (as scale_deployment does): pods become Ready on listed nodes', async () => {
      await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('scaled', 'nginx:1.27', 1) });
      const patched = await cluster.patchDeployment(ns, 'scaled', { spec: { replicas: 3 } });
      expect(patched.spec?.replicas).toBe(3);
      await rolledOut('scaled', 3);
      const pods = await readyPods('scaled');
      expect(pods).toHaveLength(3);
      expect(pods.every((p) => p.status?.phase === 'Running')).toBe(true);
      const nodes = (await cluster.listNodes()).items.map((n) => n.metadata!.name!);
      expect(nodes.length).toBeGreaterThanOrEqual(1);
      for (const p of pods) expect(nodes).toContain(p.spec?.nodeName);
      // Paged one at a time, the node list is the same list.
      const paged: string[] = [];
      let token: string | undefined;
      do {
        const page = await cluster.listNodes({ limit: 1, continue: token });
        expect(page.items).toHaveLength(1);
        paged.push(page.items[0]!.metadata!.name!);
        token = page.continue;
      } while (token);
      expect(paged.sort()).toEqual([...nodes].sort());
    });

    it('maps failures to ServiceErrors that name the object, and a rejected patch changes nothing', async () => {
      expect(await serviceError(cluster.readDeployment(ns, 'missing'))).toEqual({
        code: 'not_found',
        message: `deployment ${ns}/missing not found; list_deployments shows what exists`,
      });
      expect(await serviceError(cluster.readPod(ns, 'missing'))).toEqual({
        code: 'not_found',
        message: `pod ${ns}/missing not found; list_pods shows what exists`,
      });
      expect(await serviceError(cluster.deletePod(ns, 'missing'))).toEqual({
        code: 'not_found',
        message: `pod ${ns}/missing not found; list_pods shows what exists`,
      });
      await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('guarded', 'nginx:1.27', 0) });
      const invalid = await serviceError(cluster.patchDeployment(ns, 'guarded', { spec: { replicas: -1 } }));
      expect(invalid.code).toBe('invalid');
      expect(invalid.message).toMatch(new RegExp(`^the Kubernetes API rejected the request for deployment ${ns}/guarded \\(422\\): .*spec\\.replicas`));
      const before = await cluster.readDeployment(ns, 'guarded');
      expect(before.spec?.replicas).toBe(0);
      // A merge patch carrying a stale resourceVersion is refused as a conflict.
      await cluster.patchDeployment(ns, 'guarded', { metadata: { labels: { touched: 'yes' } } });
      const stale = await serviceError(
        cluster.patchDeployment(ns, 'guarded', { metadata: { resourceVersion: before.metadata!.resourceVersion }, spec: { replicas: 2 } }),
      );
      expect(stale).toEqual({ code: 'conflict', message: `deployment ${ns}/guarded changed while we were updating it (409); read it again and retry` });
      expect((await cluster.readDeployment(ns, 'guarded')).spec?.replicas).toBe(0);
    });

    it('deletes a pod, and its ReplicaSet replaces it', async () => {
      await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('victim', 'nginx:1.27', 2) });
      await rolledOut('victim', 2);
      const [victim] = await readyPods('victim');
      const name = victim!.metadata!.name!;
      expect((await cluster.readPod(ns, name)).metadata?.uid).toBe(victim!.metadata?.uid);
      await cluster.deletePod(ns, name);
      await until('a Ready replacement', async () => {
        const pods = await readyPods('victim');
        return pods.length === 2 && !pods.some((p) => p.metadata?.name === name);
      });
      await until('the deleted pod gone', async () => (await serviceError(cluster.readPod(ns, name))).code === 'not_found');
    });

    it('rolls out a template patch to a new ReplicaSet, and rolls back with the merge patch rollback_deployment sends', async () => {
      const name = 'rollout';
      await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment(name, 'nginx:1.27', 2) });
      const first = await rolledOut(name, 2, '1');
      // A merge patch replaces lists whole: send the full container.
      const container = { ...first.spec!.template.spec!.containers[0]!, image: 'nginx:1.28' };
      await cluster.patchDeployment(ns, name, { spec: { template: { spec: { containers: [container] } } } });
      const second = await rolledOut(name, 2, '2');
      expect(second.spec?.template.spec?.containers.map((c) => c.image)).toEqual(['nginx:1.28']);
      const owned = async () =>
        (await cluster.listReplicaSets(ns, `app=${name}`)).filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === first.metadata?.uid));
      const sets = await owned();
      expect(sets.map((rs) => rs.metadata?.annotations?.[REVISION]).sort()).toEqual(['1', '2']);

      // rollback_deployment: the revision-1 template without its pod-template-hash, as a merge-patch diff.
      const previous = sets.find((rs) => rs.metadata?.annotations?.[REVISION] === '1')!;
      const wanted = structuredClone(previous.spec!.template!);
      delete wanted.metadata!.labels!['pod-template-hash'];
      const wire = (t: V1PodTemplateSpec): unknown => JSON.parse(JSON.stringify(t));
      await cluster.patchDeployment(ns, name, { spec: { template: mergePatchDiff(wire(second.spec!.template), wire(wanted)) } });
      const undone = await rolledOut(name, 2, '3');
      expect(undone.spec?.template.spec?.containers.map((c) => c.image)).toEqual(['nginx:1.27']);
      const after = await owned();
      expect(after).toHaveLength(2); // the revision-1 ReplicaSet is reused as revision 3
      expect(after.find((rs) => rs.metadata?.uid === previous.metadata?.uid)?.metadata?.annotations?.[REVISION]).toBe('3');
    });

    it('lists events: the scheduler reports binding each pod', async () => {
      await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('evented', 'nginx:1.27', 1) });
      await rolledOut('evented', 1);
      const [pod] = await readyPods('evented');
      const scheduled = await until('a Scheduled event for the pod', async () =>
        (await cluster.listEvents(ns)).items.find((e) => e.reason === 'Scheduled' && e.involvedObject.name === pod!.metadata!.name),
      );
      expect(scheduled).toMatchObject({ type: 'Normal', involvedObject: { kind: 'Pod', namespace: ns } });
      expect(scheduled.message).toContain(`${ns}/${pod!.metadata!.name}`);
      expect(scheduled.message).toContain(pod!.spec!.nodeName);
    });

    it('lists autoscaling/v2 HPAs', async () => {
      await cluster.kubeConfig.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
        namespace: ns,
        body: {
          metadata: { name: 'web-hpa' },
          spec: {
            // A target that does not exist: a real HPA controller then leaves the other tests' deployments alone.
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hpa-target' },
            minReplicas: 1,
            maxReplicas: 4,
            metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
          },
        },
      });
      const hpas = await cluster.listHpas(ns);
      expect(hpas?.map((h) => [h.metadata?.name, h.spec?.scaleTargetRef.name, h.spec?.maxReplicas])).toEqual([['web-hpa', 'hpa-target', 4]]);
    });

    if (opts.metricsApi) {
      it('reads pod and node metrics', async () => {
        await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('measured', 'nginx:1.27', 1) });
        const mine = await until(
          'pod metrics',
          async () => {
            const items = (await cluster.podMetrics(ns)) ?? [];
            const measured = items.filter((m) => m.metadata.name.startsWith('measured-'));
            return measured.length === 1 && measured;
          },
          120_000,
        );
        expect(mine[0]!.containers.map((c) => c.name)).toEqual(['web']);
        expect(mine[0]!.containers[0]!.usage.cpu).toMatch(/^\d+(n|u|m)?$/);
        const nodes = (await cluster.listNodes()).items.map((n) => n.metadata!.name!).sort();
        const nodeMetrics = await until('node metrics for every node', async () => {
          const m = await cluster.nodeMetrics();
          return m && m.length === nodes.length && m;
        });
        expect(nodeMetrics.map((m) => m.metadata.name).sort()).toEqual(nodes);
        expect(nodeMetrics.every((m) => /^\d+(n|u|m)?$/.test(m.usage.cpu))).toBe(true);
      }, 150_000); // metrics-server needs about 35 s before a new pod has CPU usage
    } else {
      it('answers undefined for metrics when the cluster serves no metrics API', async () => {
        expect(await cluster.podMetrics(ns)).toBeUndefined();
        expect(await cluster.nodeMetrics()).toBeUndefined();
      });
    }
  });
}
