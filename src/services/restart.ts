import type { ProgressFn, ServiceContext } from './context.js';
import { revisionOf } from './deployment-summary.js';
import { runMutation, type MutationResult } from './mutation.js';
import { waitForRollout, type RolloutStatus } from './rollout.js';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export interface RestartInput {
  namespace: string;
  deployment: string;
  wait?: boolean;
  timeoutSeconds?: number;
  dryRun?: boolean;
}

export interface RestartBefore {
  revision: number | null;
  restartedAt: string | null;
  readyReplicas: number;
}

export interface RestartAfter {
  restartedAt: string;
  rollout?: RolloutStatus & { timedOut: boolean };
}

/** Rolling restart like `kubectl rollout restart`: a new template annotation makes a new ReplicaSet. */
export function restartDeployment(ctx: ServiceContext, input: RestartInput, onProgress?: ProgressFn): Promise<MutationResult<RestartBefore, RestartAfter>> {
  const { namespace, deployment } = input;
  return runMutation(ctx, {
    tool: 'restart_deployment',
    namespace,
    target: `deployment/${namespace}/${deployment}`,
    arguments: { ...input },
    dryRun: input.dryRun,
    before: async () => {
      const d = await ctx.cluster.readDeployment(namespace, deployment);
      return {
        revision: revisionOf(d),
        restartedAt: d.spec?.template?.metadata?.annotations?.[RESTARTED_AT] ?? null,
        readyReplicas: d.status?.readyReplicas ?? 0,
      };
    },
    plan: () => `restart deployment ${namespace}/${deployment} (rolling)${input.wait ? ' and wait for the rollout' : ''}`,
    apply: async () => {
      const restartedAt = new Date(ctx.clock.now()).toISOString();
      await ctx.cluster.patchDeployment(namespace, deployment, {
        spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } },
      });
      if (!input.wait) return { restartedAt };
      const rollout = await waitForRollout(ctx, namespace, deployment, input.timeoutSeconds ?? 120, onProgress);
      return { restartedAt, rollout };
    },
  });
}
