/**
 * The chaos experiments behind the chaos_* tools. Every start goes through runMutation (read-only,
 * protected/allowed namespaces, cooldown per chaos target, dry-run, an audit row in every case) plus the
 * chaos guardrails (enabled, chaos.allowedNamespaces, blast radius, max duration). An experiment is
 * recorded before anything is injected and carries a TTL; instantaneous ones (crashes) complete at once.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import type { TargetPod } from '../chaos/backend.js';
import { podsToTouch } from '../chaos/blast-radius.js';
import type { ChaosManager } from '../chaos/manager.js';
import { selectorToString } from '../k8s/selectors.js';
import { CHAOS_KINDS, CHAOS_STATES, describeStoreFailure, type ChaosExperimentRecord, type ChaosKind } from '../store/index.js';
import { assertChaosAllowed, assertDurationAllowed } from './chaos-guard.js';
import { chaosDisruptionLimit, type Disruption } from './guard.js';
import type { ServiceContext } from './context.js';
import { ServiceError } from '../base/errors.js';
import { runMutation, writeOrRefuse, type MutationResult } from './mutation.js';
import { ownerDeploymentOf } from './pod-summary.js';

export const ExperimentSchema = z.object({
  id: z.string().describe('chaos-<n>; pass it to chaos_cleanup to end this experiment early'),
  cluster: z.string().nullable().describe('the cluster it runs on; null: the default cluster of a one-cluster server'),
  kind: z.enum(CHAOS_KINDS),
  namespace: z.string(),
  target: z.string().describe('the deployment'),
  backend: z.string().describe('simulator (fault API) or kubernetes (pod deletion, burner pods)'),
  state: z.enum(CHAOS_STATES),
  caller: z.string(),
  startedAt: z.string(),
  expiresAt: z.string().describe('TTL: when it ends on its own; equals startedAt for crashes'),
  endedAt: z.string().nullable(),
  params: z.record(z.unknown()),
  detail: z.record(z.unknown()),
  error: z.string().nullable(),
});
export type Experiment = z.infer<typeof ExperimentSchema>;

export const ChaosBeforeSchema = z.object({
  deployment: z.string(),
  runningPods: z.number().int(),
  selected: z.array(z.string()).describe('the pods the experiment touches'),
  backend: z.string(),
});
export type ChaosBefore = z.infer<typeof ChaosBeforeSchema>;

export function toExperiment(r: ChaosExperimentRecord): Experiment {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: r.id,
    cluster: r.cluster,
    kind: r.kind,
    namespace: r.namespace,
    target: r.target,
    backend: r.backend,
    state: r.state,
    caller: r.caller,
    startedAt: iso(r.startedAt),
    expiresAt: iso(r.expiresAt),
    endedAt: r.endedAt === null ? null : iso(r.endedAt),
    params: r.params,
    detail: r.detail,
    error: r.error,
  };
}

function managerOf(ctx: ServiceContext): ChaosManager {
  if (!ctx.chaos)
    throw new ServiceError('unavailable', 'chaos experiments need the SentinelOps runtime (ServiceContext.chaos); this server was built without it');
  return ctx.chaos;
}

/** The backend on the call's cluster (the experiment is recorded there, and ends through that cluster's client). */
const backendOf = async (ctx: ServiceContext) => managerOf(ctx).backend(ctx.clusterName);

const chaosTarget = (namespace: string, deployment: string) => `chaos/${namespace}/${deployment}`;

interface DeploymentPods {
  deployment: string;
  /** desired replicas: the base of the per-window disruption budget */
  replicas: number;
  /** all of them ready */
  whole: boolean;
  running: V1Pod[];
}

/** Running, not terminating pods of the deployment, sorted by name so seeded picks are reproducible. */
async function runningPodsOf(ctx: ServiceContext, namespace: string, deployment: string): Promise<DeploymentPods> {
  const d = await ctx.cluster.readDeployment(namespace, deployment);
  const pods = await ctx.cluster.listPods(namespace, { labelSelector: selectorToString(d.spec?.selector) || undefined });
  const running = pods.items
    .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && ownerDeploymentOf(p) === deployment)
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const replicas = d.spec?.replicas ?? 0;
  return { deployment, replicas, whole: (d.status?.readyReplicas ?? 0) >= replicas, running };
}

/** Crashes count against the deployment's disruption budget, whichever chaos tool or pod naming. */
function crashDisruption(ctx: ServiceContext, namespace: string, b: ChaosBefore, pods: Pick<DeploymentPods, 'replicas' | 'whole'>): Disruption {
  return { workload: `${namespace}/${b.deployment}`, pods: b.selected.length, whole: pods.whole, ...chaosDisruptionLimit(ctx.config, pods.replicas) };
}

function pick<T>(ctx: ServiceContext, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(ctx.random() * pool.length), 1)[0]!);
  return out;
}

const podName = (p: V1Pod) => p.metadata?.name ?? '';

/** Records the experiment, runs `inject`, and completes (instantaneous) or arms the TTL (sustained). */
async function runExperiment(
  ctx: ServiceContext,
  e: { kind: ChaosKind; namespace: string; deployment: string; params: Record<string, unknown>; durationSeconds: number },
  inject: (id: string) => Promise<{ handles: Record<string, unknown>; detail: Record<string, unknown> }>,
): Promise<Experiment> {
  const manager = managerOf(ctx);
  const backend = await backendOf(ctx);
  const now = ctx.clock.now();
  const rec = ctx.store.chaos.create({
    kind: e.kind,
    namespace: e.namespace,
    target: e.deployment,
    ...(ctx.clusterName ? { cluster: ctx.clusterName } : {}),
    backend: backend.name,
    caller: ctx.caller,
    params: e.params,
    startedAt: now,
    expiresAt: now + e.durationSeconds * 1000,
  });
  let started;
  try {
    started = await inject(rec.id);
  } catch (err) {
    ctx.store.chaos.finish(rec.id, 'failed', ctx.clock.now(), (err as Error).message);
    throw err;
  }
  ctx.store.chaos.update(rec.id, started);
  if (e.durationSeconds === 0) ctx.store.chaos.finish(rec.id, 'completed', ctx.clock.now());
  else manager.arm(ctx.store.chaos.get(rec.id)!);
  return toExperiment(ctx.store.chaos.get(rec.id)!);
}

export interface PodCrashInput {
  namespace: string;
  pod?: string;
  deployment?: string;
  dryRun?: boolean;
}

export function chaosPodCrash(ctx: ServiceContext, input: PodCrashInput): Promise<MutationResult<ChaosBefore, Experiment>> {
  const { namespace } = input;
  let deployment = input.deployment ?? '';
  let state = { replicas: 0, whole: false };
  return runMutation(ctx, {
    tool: 'chaos_pod_crash',
    namespace,
    target: chaosTarget(namespace, input.deployment ?? `pod/${input.pod ?? ''}`),
    // A pod named by the caller is keyed on its deployment, like a random pick of it.
    targetOf: (b) => chaosTarget(namespace, b.deployment),
    disruption: (b) => crashDisruption(ctx, namespace, b, state),
    arguments: { ...input },
    dryRun: input.dryRun,
    validate: () => {
      assertChaosAllowed(ctx.config, namespace);
      if (!input.pod === !input.deployment)
        throw new ServiceError('invalid', 'pass exactly one of pod (a pod name) or deployment (to crash a random pod of it)');
    },
    before: async () => {
      let chosen: V1Pod;
      if (input.pod) {
        chosen = await ctx.cluster.readPod(namespace, input.pod);
        const owner = ownerDeploymentOf(chosen);
        if (!owner)
          throw new ServiceError(
            'refused',
            `pod ${namespace}/${input.pod} belongs to no deployment, so nothing would replace it; chaos only crashes pods a deployment restores`,
          );
        deployment = owner;
      }
      const pods = await runningPodsOf(ctx, namespace, deployment);
      const { running } = pods;
      state = pods;
      if (input.pod && !running.some((p) => podName(p) === input.pod))
        throw new ServiceError('conflict', `pod ${namespace}/${input.pod} is not running; crash a running pod`);
      podsToTouch({ available: running.length, count: 1 }, ctx.config.chaos);
      const selected = input.pod ? [input.pod] : pick(ctx, running, 1).map(podName);
      return { deployment, runningPods: running.length, selected, backend: (await backendOf(ctx)).name };
    },
    plan: (b) => `crash pod ${namespace}/${b.selected[0]} of deployment ${b.deployment} (1 of ${b.runningPods} running pods) through the ${b.backend} backend`,
    apply: (b) =>
      runExperiment(ctx, { kind: 'pod_crash', namespace, deployment: b.deployment, params: { pods: b.selected }, durationSeconds: 0 }, async () =>
        (await backendOf(ctx)).crashPods(namespace, b.selected),
      ),
  });
}

export interface CascadeInput {
  namespace: string;
  deployment: string;
  share?: number;
  count?: number;
  dryRun?: boolean;
}

export function chaosCascade(ctx: ServiceContext, input: CascadeInput): Promise<MutationResult<ChaosBefore, Experiment>> {
  const { namespace, deployment } = input;
  let state = { replicas: 0, whole: false };
  return runMutation(ctx, {
    tool: 'chaos_cascade',
    namespace,
    target: chaosTarget(namespace, deployment),
    arguments: { ...input },
    dryRun: input.dryRun,
    validate: () => {
      assertChaosAllowed(ctx.config, namespace);
    },
    disruption: (b) => crashDisruption(ctx, namespace, b, state),
    before: async () => {
      const pods = await runningPodsOf(ctx, namespace, deployment);
      const { running } = pods;
      state = pods;
      const share = input.count === undefined && input.share === undefined ? ctx.config.chaos.maxShare : input.share;
      const n = podsToTouch({ available: running.length, count: input.count, share }, ctx.config.chaos);
      return { deployment, runningPods: running.length, selected: pick(ctx, running, n).map(podName).sort(), backend: (await backendOf(ctx)).name };
    },
    plan: (b) =>
      `crash ${b.selected.length} of ${b.runningPods} running pods of deployment ${namespace}/${deployment} at once (${b.selected.join(', ')}) through the ${b.backend} backend`,
    apply: (b) =>
      runExperiment(
        ctx,
        { kind: 'cascade', namespace, deployment, params: { pods: b.selected, share: input.share, count: input.count }, durationSeconds: 0 },
        async () => (await backendOf(ctx)).crashPods(namespace, b.selected),
      ),
  });
}

export interface CpuSpikeInput {
  namespace: string;
  deployment: string;
  durationSeconds?: number;
  millicoresPerPod?: number;
  pods?: number;
  dryRun?: boolean;
}

export const CPU_SPIKE_DEFAULTS = { durationSeconds: 120, millicoresPerPod: 500, pods: 1 };

export function chaosCpuSpike(ctx: ServiceContext, input: CpuSpikeInput): Promise<MutationResult<ChaosBefore, Experiment>> {
  const { namespace, deployment } = input;
  const durationSeconds = input.durationSeconds ?? Math.min(CPU_SPIKE_DEFAULTS.durationSeconds, ctx.config.chaos.maxDurationSeconds);
  const millicoresPerPod = input.millicoresPerPod ?? CPU_SPIKE_DEFAULTS.millicoresPerPod;
  let targets: TargetPod[] = [];
  return runMutation(ctx, {
    tool: 'chaos_cpu_spike',
    namespace,
    target: chaosTarget(namespace, deployment),
    arguments: { ...input },
    dryRun: input.dryRun,
    validate: () => {
      assertChaosAllowed(ctx.config, namespace);
      assertDurationAllowed(ctx.config, durationSeconds);
    },
    before: async () => {
      const { running } = await runningPodsOf(ctx, namespace, deployment);
      const n = podsToTouch({ available: running.length, count: input.pods ?? CPU_SPIKE_DEFAULTS.pods }, ctx.config.chaos);
      targets = pick(ctx, running, n)
        .map((p) => ({ name: podName(p), node: p.spec?.nodeName ?? null }))
        .sort((a, b) => a.name.localeCompare(b.name));
      return { deployment, runningPods: running.length, selected: targets.map((t) => t.name), backend: (await backendOf(ctx)).name };
    },
    plan: (b) =>
      `add ${millicoresPerPod}m of CPU load for each of ${b.selected.length} pod(s) of deployment ${namespace}/${deployment} for ${durationSeconds}s through the ${b.backend} backend (ends on its own at the TTL)`,
    apply: () =>
      runExperiment(
        ctx,
        { kind: 'cpu_spike', namespace, deployment, params: { durationSeconds, millicoresPerPod, pods: targets.map((t) => t.name) }, durationSeconds },
        async (id) => (await backendOf(ctx)).startCpuSpike({ id, namespace, deployment, pods: targets, millicoresPerPod, durationSeconds }),
      ),
  });
}

export interface CleanupInput {
  id?: string;
  namespace?: string;
}

export interface CleanupResult {
  message: string;
  ended: Experiment[];
}

/**
 * Ends running experiments now. Not gated by chaos.enabled or the namespace lists: ending SentinelOps'
 * own experiments only restores the cluster, and must work even after chaos was switched off. Under
 * safety.dryRun it reports what it would end and ends nothing; otherwise the intent is audited first.
 */
export async function chaosCleanup(ctx: ServiceContext, input: CleanupInput): Promise<CleanupResult> {
  const manager = managerOf(ctx);
  const dryRun = ctx.config.safety.dryRun;
  // Every cluster's experiments: ending chaos is never the risky direction.
  const row = {
    caller: ctx.caller,
    cluster: ctx.clusterName,
    tool: 'chaos_cleanup',
    target: `chaos/${input.namespace ?? '*'}${input.id ? `/${input.id}` : ''}`,
    arguments: { ...input },
    at: ctx.clock.now(),
  };
  let targets: ChaosExperimentRecord[];
  if (input.id) {
    const exp = ctx.store.chaos.get(input.id);
    if (!exp || (input.namespace && exp.namespace !== input.namespace)) {
      const message = `no chaos experiment ${input.id}${input.namespace ? ` in namespace ${input.namespace}` : ''}; chaos_status lists them`;
      await writeOrRefuse(() => ctx.store.state.audit.record({ ...row, before: null, ok: false, error: message }), 'record the refusal');
      throw new ServiceError('not_found', message);
    }
    targets = exp.state === 'active' ? [exp] : [];
  } else {
    targets = ctx.store.chaos.active(input.namespace);
  }
  const before = { active: targets.map((t) => t.id) };
  const listed = (es: { id: string; kind: string; namespace: string; target: string }[]) =>
    es.map((e) => `${e.id} (${e.kind} on ${e.namespace}/${e.target})`).join(', ');
  if (dryRun || targets.length === 0) {
    await writeOrRefuse(() => ctx.store.state.audit.record({ ...row, before, after: dryRun ? undefined : { ended: [] }, ok: true, dryRun }), 'record the call');
    if (targets.length === 0) return { message: 'no running chaos experiment to end; nothing was changed', ended: [] };
    return { message: `dry run: would end ${targets.length} experiment(s): ${listed(targets)}; nothing was changed`, ended: [] };
  }
  const intent = (await writeOrRefuse(() => ctx.store.state.audit.claim({ ...row, before }, () => {}), 'record the intent')).id;
  const ended: Experiment[] = [];
  let failure: unknown;
  try {
    for (const exp of targets) {
      const r = await manager.end(exp.id, 'cleaned', ctx.caller);
      if (r) ended.push(toExperiment(r));
    }
  } catch (err) {
    failure = err;
  }
  const errors = ended.filter((e) => e.error).map((e) => `${e.id}: ${e.error}`);
  if (failure) errors.push(`unexpected failure: ${(failure as Error)?.message ?? String(failure)}`);
  try {
    await ctx.store.state.audit.settle(intent, { ok: errors.length === 0, after: { ended: ended.map((e) => e.id) }, error: errors.join('; ') || undefined });
  } catch (err) {
    ctx.logger.error({ err, audit: intent }, `the chaos_cleanup audit row stays pending: ${describeStoreFailure(err)}`);
  }
  if (failure) throw failure;
  const message =
    ended.length === 0
      ? 'no running chaos experiment to end; nothing was changed'
      : `ended ${ended.length} experiment(s): ${listed(ended)}${errors.length ? `; with errors: ${errors.join('; ')}` : ''}`;
  return { message, ended };
}

export interface StatusInput {
  namespace?: string;
  limit?: number;
}

export async function chaosStatus(ctx: ServiceContext, input: StatusInput) {
  const { enabled, allowedNamespaces, maxPods, maxShare, maxDurationSeconds } = ctx.config.chaos;
  const backend = await backendOf(ctx);
  return {
    enabled,
    howToEnable: enabled
      ? null
      : 'set chaos.enabled: true in the config file (or SENTINELOPS_CHAOS_ENABLED=true) and list namespaces in chaos.allowedNamespaces',
    allowedNamespaces: allowedNamespaces.filter((n) => !ctx.config.safety.protectedNamespaces.includes(n)),
    limits: { maxPods, maxShare, maxDurationSeconds, cooldownSeconds: ctx.config.safety.cooldownSeconds },
    backend: backend.name,
    backendDescription: backend.description,
    active: ctx.store.chaos.active(input.namespace).map(toExperiment),
    recent: ctx.store.chaos.recent(input.limit ?? 10, input.namespace).map(toExperiment),
  };
}

export const ChaosStatusSchema = {
  enabled: z.boolean(),
  howToEnable: z.string().nullable(),
  allowedNamespaces: z.array(z.string()).describe('where chaos may run (protected namespaces never)'),
  limits: z.object({ maxPods: z.number().int(), maxShare: z.number(), maxDurationSeconds: z.number().int(), cooldownSeconds: z.number() }),
  backend: z.string(),
  backendDescription: z.string(),
  active: z.array(ExperimentSchema),
  recent: z.array(ExperimentSchema).describe('newest first, any state'),
};
