import { selectorToString } from '../k8s/selectors.js';
import type { ServiceContext } from './context.js';
import { ServiceError } from '../base/errors.js';
import { podDeletionLimit } from './guard.js';
import { runMutation, type MutationResult } from './mutation.js';
import { summarizePod, type PodSummary } from './pod-summary.js';

export interface DeletePodInput {
  namespace: string;
  /** a named pod ... */
  pod?: string;
  /** ... or a random pod of this deployment */
  deployment?: string;
  dryRun?: boolean;
}

export interface DeletePodBefore {
  pod: PodSummary;
}

export function deletePod(ctx: ServiceContext, input: DeletePodInput): Promise<MutationResult<DeletePodBefore, { deleted: string }>> {
  const { namespace } = input;
  const target = input.pod ? `pod/${namespace}/${input.pod}` : `deployment/${namespace}/${input.deployment ?? ''}`;
  // The owning deployment's desired and ready replicas: the base of its disruption budget.
  let replicas = 0;
  let whole = false;
  return runMutation(ctx, {
    tool: 'delete_pod',
    namespace,
    target,
    arguments: { ...input },
    dryRun: input.dryRun,
    validate: () => {
      if (!input.pod === !input.deployment) {
        throw new ServiceError('invalid', 'pass exactly one of pod (a pod name) or deployment (to delete a random pod of it)');
      }
    },
    before: async () => {
      const pod = summarizePod(input.pod ? await ctx.cluster.readPod(namespace, input.pod) : await pickPod(ctx, namespace, input.deployment!));
      if (pod.ownerDeployment) {
        const d = await ctx.cluster.readDeployment(namespace, pod.ownerDeployment);
        replicas = d.spec?.replicas ?? 0;
        whole = (d.status?.readyReplicas ?? 0) >= replicas;
      }
      return { pod };
    },
    // However the pod is named, deletions count against its deployment's budget.
    disruption: (b) =>
      b.pod.ownerDeployment ? { workload: `${namespace}/${b.pod.ownerDeployment}`, pods: 1, whole, ...podDeletionLimit(ctx.config, replicas) } : undefined,
    plan: (b) =>
      `delete pod ${namespace}/${b.pod.name}${b.pod.ownerDeployment ? ` (its deployment ${b.pod.ownerDeployment} replaces it)` : ' (no controller will replace it)'}`,
    apply: async (b) => {
      await ctx.cluster.deletePod(namespace, b.pod.name);
      return { deleted: b.pod.name };
    },
  });
}

async function pickPod(ctx: ServiceContext, namespace: string, deployment: string) {
  const dep = await ctx.cluster.readDeployment(namespace, deployment);
  const pods = (await ctx.cluster.listPods(namespace, { labelSelector: selectorToString(dep.spec?.selector) || undefined })).items.filter(
    (p) => !p.metadata?.deletionTimestamp && summarizePod(p).ownerDeployment === deployment,
  );
  if (pods.length === 0) throw new ServiceError('conflict', `deployment ${namespace}/${deployment} has no pods to delete; list_pods shows its pods`);
  pods.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  return pods[Math.floor(ctx.random() * pods.length)]!;
}
