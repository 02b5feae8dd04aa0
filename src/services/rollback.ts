/**
 * `kubectl rollout undo`: find the ReplicaSet of the wanted revision and put its pod template back on the
 * deployment (minus pod-template-hash). The deployment controller then rolls out that template as a
 * new revision.
 */
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import type { ServiceContext } from './context.js';
import { ownedReplicaSets, revisionOf } from './deployment-summary.js';
import { ServiceError } from '../base/errors.js';
import { mergePatchDiff } from './merge-patch.js';
import { runMutation, type MutationResult } from './mutation.js';

export interface RollbackInput {
  namespace: string;
  deployment: string;
  /** default: the newest revision before the current one */
  toRevision?: number;
  dryRun?: boolean;
}

export interface RollbackBefore {
  revision: number | null;
  images: string[];
  toRevision: number;
  toImages: string[];
}

export interface RollbackAfter {
  images: string[];
  changed: boolean;
}

/** Pod template models have no renamed (reserved-word) fields, so their JSON is the wire form. */
const toWire = (t: V1PodTemplateSpec | undefined): Record<string, unknown> => JSON.parse(JSON.stringify(t ?? {})) as Record<string, unknown>;

export function rollbackDeployment(ctx: ServiceContext, input: RollbackInput): Promise<MutationResult<RollbackBefore, RollbackAfter>> {
  const { namespace, deployment } = input;
  let patch: unknown;
  return runMutation(ctx, {
    tool: 'rollback_deployment',
    namespace,
    target: `deployment/${namespace}/${deployment}`,
    arguments: { ...input },
    dryRun: input.dryRun,
    before: async () => {
      const dep = await ctx.cluster.readDeployment(namespace, deployment);
      const owned = ownedReplicaSets(dep, await ctx.cluster.listReplicaSets(namespace));
      const current = revisionOf(dep);
      const revisions = owned.map(revisionOf).filter((r): r is number => r !== null);
      const wanted = input.toRevision ?? Math.max(-1, ...revisions.filter((r) => current === null || r < current));
      if (wanted < 0) {
        throw new ServiceError(
          'conflict',
          `deployment ${namespace}/${deployment} has no previous revision to roll back to (current revision ${current ?? 'unknown'})`,
        );
      }
      const rs = owned.find((r) => revisionOf(r) === wanted);
      if (!rs) {
        throw new ServiceError(
          'not_found',
          `revision ${wanted} of deployment ${namespace}/${deployment} not found; available revisions: ${revisions.sort((a, b) => a - b).join(', ') || 'none'}`,
        );
      }
      const target = toWire(rs.spec?.template);
      const labels = (target.metadata as { labels?: Record<string, string> } | undefined)?.labels;
      if (labels) delete labels['pod-template-hash'];
      patch = mergePatchDiff(toWire(dep.spec?.template), target);
      return {
        revision: current,
        images: (dep.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
        toRevision: wanted,
        toImages: (rs.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
      };
    },
    plan: (b) =>
      `roll back deployment ${namespace}/${deployment} from revision ${b.revision ?? '?'} (${b.images.join(', ')}) to revision ${b.toRevision} (${b.toImages.join(', ')})`,
    apply: async (b) => {
      if (Object.keys(patch as object).length === 0) return { images: b.images, changed: false };
      const d = await ctx.cluster.patchDeployment(namespace, deployment, { spec: { template: patch } });
      return { images: (d.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''), changed: true };
    },
  });
}
