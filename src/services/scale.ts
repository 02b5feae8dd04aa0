import type { ServiceContext } from './context.js';
import { assertReplicasInRange } from './guard.js';
import { runMutation, type MutationResult } from './mutation.js';

export interface ScaleInput {
  namespace: string;
  deployment: string;
  replicas: number;
  dryRun?: boolean;
}

export interface ReplicaState {
  replicas: number;
  readyReplicas: number;
}

export function scaleDeployment(ctx: ServiceContext, input: ScaleInput): Promise<MutationResult<ReplicaState, ReplicaState>> {
  const { namespace, deployment, replicas } = input;
  return runMutation(ctx, {
    tool: 'scale_deployment',
    namespace,
    target: `deployment/${namespace}/${deployment}`,
    arguments: { ...input },
    dryRun: input.dryRun,
    direction: (b) => (replicas > b.replicas ? 'up' : replicas < b.replicas ? 'down' : undefined),
    validate: () => assertReplicasInRange(ctx.config, replicas),
    before: async () => {
      const d = await ctx.cluster.readDeployment(namespace, deployment);
      return { replicas: d.spec?.replicas ?? 0, readyReplicas: d.status?.readyReplicas ?? 0 };
    },
    plan: (b) => `scale deployment ${namespace}/${deployment} from ${b.replicas} to ${replicas} replicas`,
    apply: async () => {
      const d = await ctx.cluster.patchDeployment(namespace, deployment, { spec: { replicas } });
      return { replicas: d.spec?.replicas ?? replicas, readyReplicas: d.status?.readyReplicas ?? 0 };
    },
  });
}
