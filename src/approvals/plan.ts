/**
 * The plan of a mutating call, for a person to read before it runs: the change as Kubernetes would apply
 * it (field paths with old → new), the blast radius (pods that restart or go away, the replica delta,
 * the hourly cost delta at the configured prices) and the guardrails that apply. The service's own dry
 * run supplies the one-line summary and the state before; this adds what a reviewer needs around it.
 */
import { z } from 'zod';
import { cpuMillicores, memoryBytes } from '../base/quantity.js';
import type { ServiceContext } from '../services/context.js';
import { cpuHourlyOf, memoryHourlyOf, pricesOf } from '../services/cost-model.js';

export const PlanSchema = z.object({
  tool: z.string(),
  arguments: z.record(z.unknown()),
  target: z.string().describe('kind/namespace/name'),
  resourceVersion: z.string().describe('of the target when the plan was made; the change is bound to it'),
  summary: z.string().describe("the service's own dry-run message"),
  change: z.array(z.object({ path: z.string(), from: z.unknown(), to: z.unknown() })).describe('the fields the change sets, as Kubernetes would apply them'),
  blastRadius: z.object({
    replicas: z.number().int().nullable(),
    replicaDelta: z.number().int(),
    podsRestarting: z.number().int().describe('pods replaced by a rollout'),
    podsRemoved: z.number().int().describe('pods deleted or crashed, or removed by scaling down'),
    shareDisrupted: z.number().describe('(restarting + removed) / replicas'),
    hourlyCostDelta: z.number().describe('at the configured prices, from the pod template requests'),
  }),
  guardrails: z.array(z.string()),
});
export type Plan = z.infer<typeof PlanSchema>;

interface Target {
  kind: 'deployment' | 'pod' | 'none';
  namespace: string;
  name: string;
}

export function targetOf(ctx: Pick<ServiceContext, 'config'>, args: Record<string, unknown>): Target {
  const namespace = typeof args.namespace === 'string' ? args.namespace : ctx.config.cluster.defaultNamespace;
  if (typeof args.pod === 'string') return { kind: 'pod', namespace, name: args.pod };
  if (typeof args.deployment === 'string') return { kind: 'deployment', namespace, name: args.deployment };
  return { kind: 'none', namespace, name: '' };
}

/** The target's resourceVersion now ('' when the call names no object). */
export async function resourceVersionOf(ctx: ServiceContext, t: Target): Promise<string> {
  if (t.kind === 'pod') return (await ctx.cluster.readPod(t.namespace, t.name)).metadata?.resourceVersion ?? '';
  if (t.kind === 'deployment') return (await ctx.cluster.readDeployment(t.namespace, t.name)).metadata?.resourceVersion ?? '';
  return '';
}

export async function buildPlan(
  ctx: ServiceContext,
  tool: string,
  args: Record<string, unknown>,
  dryRun: { message?: string; before?: unknown } | undefined,
): Promise<Plan> {
  const t = targetOf(ctx, args);
  const resourceVersion = await resourceVersionOf(ctx, t);
  let deploymentName = t.kind === 'deployment' ? t.name : undefined;
  if (t.kind === 'pod') {
    const pod = await ctx.cluster.readPod(t.namespace, t.name);
    const rsOwner = pod.metadata?.ownerReferences?.find((o) => o.kind === 'ReplicaSet')?.name;
    // A ReplicaSet named <deployment>-<hash> belongs to that deployment.
    deploymentName = rsOwner?.replace(/-[a-z0-9]{5,10}$/, '');
  }
  const dep = deploymentName ? await ctx.cluster.readDeployment(t.namespace, deploymentName).catch(() => undefined) : undefined;
  const replicas = dep ? (dep.spec?.replicas ?? 0) : null;
  const prices = pricesOf(ctx.config);
  const podHourly = (dep?.spec?.template?.spec?.containers ?? []).reduce(
    (sum, c) => sum + cpuHourlyOf(cpuMillicores(c.resources?.requests?.cpu), prices) + memoryHourlyOf(memoryBytes(c.resources?.requests?.memory), prices),
    0,
  );
  const change: Plan['change'] = [];
  let replicaDelta = 0;
  let podsRestarting = 0;
  let podsRemoved = 0;
  const before = (dryRun?.before ?? {}) as Record<string, unknown>;
  switch (tool) {
    case 'scale_deployment': {
      const to = Number(args.replicas);
      replicaDelta = to - (replicas ?? 0);
      podsRemoved = Math.max(0, -replicaDelta);
      change.push({ path: 'spec.replicas', from: replicas, to });
      break;
    }
    case 'restart_deployment':
      podsRestarting = replicas ?? 0;
      change.push({
        path: 'spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]',
        from: before.restartedAt ?? null,
        to: '(the time of the change)',
      });
      break;
    case 'rollback_deployment':
      podsRestarting = replicas ?? 0;
      change.push({ path: 'spec.template (pod template)', from: `revision ${before.revision ?? '?'}`, to: `revision ${before.toRevision ?? '?'}` });
      change.push({ path: 'spec.template.spec.containers[*].image', from: before.images ?? null, to: before.toImages ?? null });
      break;
    case 'delete_pod': {
      const pod = (before.pod as { name?: string } | undefined)?.name ?? t.name;
      podsRemoved = 1;
      change.push({ path: `pod/${t.namespace}/${pod}`, from: 'exists', to: 'deleted (its deployment, if any, creates a replacement)' });
      break;
    }
    default:
      change.push({ path: `${t.kind}/${t.namespace}/${t.name}`, from: null, to: dryRun?.message ?? tool });
  }
  const s = ctx.config.safety;
  const guardrails = [
    `namespace ${t.namespace}: ${s.protectedNamespaces.includes(t.namespace) ? 'protected (refused)' : s.allowedNamespaces.length && !s.allowedNamespaces.includes(t.namespace) ? 'not allowed (refused)' : 'allowed'}`,
    `cooldown: ${s.cooldownSeconds}s between changes of one target`,
  ];
  if (tool === 'scale_deployment') guardrails.push(`replicas must stay within ${s.minReplicas}..${s.maxReplicas}`);
  if (podsRemoved > 0 && s.disruptionWindowSeconds > 0)
    guardrails.push(`disruption budget: at most ${Math.round(s.maxDisruptedShare * 100)}% of the pods of a deployment per ${s.disruptionWindowSeconds}s`);
  if (s.dryRun) guardrails.push('safety.dryRun is on: nothing will change');
  return {
    tool,
    arguments: args,
    target: `${t.kind}/${t.namespace}/${t.name}`,
    resourceVersion,
    summary: dryRun?.message ?? '',
    change,
    blastRadius: {
      replicas,
      replicaDelta,
      podsRestarting,
      podsRemoved,
      shareDisrupted: replicas ? Math.round(((podsRestarting + podsRemoved) / replicas) * 1000) / 1000 : 0,
      hourlyCostDelta: Math.round(replicaDelta * podHourly * 1e6) / 1e6,
    },
    guardrails,
  };
}
