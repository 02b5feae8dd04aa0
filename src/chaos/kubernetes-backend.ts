/**
 * Chaos on a real cluster with plain Kubernetes objects (no agent or CRDs to install): a pod crash
 * deletes the pod at once (grace period 0, like Chaos Mesh's pod-kill; its ReplicaSet replaces it) and
 * a cpu spike runs a bounded burner pod beside each target pod (see burner-pod.ts). Needs RBAC to
 * create, list and delete pods in the chaos namespaces.
 */
import type { Config } from '../config/schema.js';
import type { ClusterClient } from '../k8s/client.js';
import { isNotFound, mapK8sError } from '../k8s/errors.js';
import type { ChaosExperimentRecord } from '../store/index.js';
import type { ChaosBackend, CpuSpikeSpec, Started } from './backend.js';
import { burnerPod, CHAOS_LABEL } from './burner-pod.js';

export class KubernetesChaosBackend implements ChaosBackend {
  readonly name = 'kubernetes';
  readonly description =
    'kubernetes: pod crash deletes the pod with grace period 0 (its ReplicaSet replaces it); cpu spike runs a burner pod (busy loops under a CPU limit of millicoresPerPod) beside each chosen pod, on its node, with activeDeadlineSeconds = durationSeconds, labelled sentinelops.dev/chaos=<id>';

  constructor(
    private readonly cluster: ClusterClient,
    private readonly config: Pick<Config, 'chaos'>,
  ) {}

  async crashPods(namespace: string, pods: readonly string[]): Promise<Started> {
    for (const name of pods) {
      try {
        await this.cluster.core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 });
      } catch (err) {
        throw mapK8sError(err, { kind: 'pod', namespace, name, listTool: 'list_pods' });
      }
    }
    return { handles: {}, detail: { deleted: [...pods] } };
  }

  async startCpuSpike(spec: CpuSpikeSpec): Promise<Started> {
    const created: string[] = [];
    try {
      for (const [index, target] of spec.pods.entries()) {
        const tolerations = (await this.cluster.readPod(spec.namespace, target.name)).spec?.tolerations;
        const body = burnerPod({
          experimentId: spec.id,
          index,
          namespace: spec.namespace,
          targetPod: target.name,
          node: target.node,
          millicores: spec.millicoresPerPod,
          durationSeconds: spec.durationSeconds,
          image: this.config.chaos.burnerImage,
          tolerations,
        });
        const pod = await this.cluster.core.createNamespacedPod({ namespace: spec.namespace, body }).catch((err: unknown) => {
          throw mapK8sError(err, { kind: 'chaos burner pod', namespace: spec.namespace, name: body.metadata?.name });
        });
        created.push(pod.metadata?.name ?? '');
      }
    } catch (err) {
      // Half a spike is not what was asked for: remove what was created, then report.
      await this.deleteBurners(spec.namespace, spec.id).catch(() => undefined);
      throw err;
    }
    return {
      handles: { burnerPods: created },
      detail: { burnerPods: created, besidePods: spec.pods.map((p) => p.name), millicoresPerPod: spec.millicoresPerPod },
    };
  }

  async stop(exp: ChaosExperimentRecord): Promise<void> {
    if (exp.kind !== 'cpu_spike') return;
    await this.deleteBurners(exp.namespace, exp.id);
  }

  /** By label, so burners are found even when their names never reached the store. */
  private async deleteBurners(namespace: string, id: string): Promise<void> {
    const pods = await this.cluster.listPods(namespace, { labelSelector: `${CHAOS_LABEL}=${id}` });
    for (const p of pods.items) {
      try {
        await this.cluster.core.deleteNamespacedPod({ namespace, name: p.metadata?.name ?? '', gracePeriodSeconds: 0 });
      } catch (err) {
        if (!isNotFound(err)) throw mapK8sError(err, { kind: 'chaos burner pod', namespace, name: p.metadata?.name });
      }
    }
  }
}
