/**
 * What the cost tools look at: the running pods of each deployment with their requests and current
 * usage, plus each deployment's replica count and per-replica requests (from its pod template). The
 * observation is also recorded — replica history and a usage sample per deployment, at most once per
 * cost.sampleIntervalSeconds — so savings and right-sizing have history to work from. Recording writes
 * only to SentinelOps' own store; nothing in the cluster changes.
 */
import type { V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import { cpuMillicores, memoryBytes } from '../base/quantity.js';
import type { ServiceContext } from './context.js';
import { ServiceError } from '../base/errors.js';
import type { PodResources } from './cost-model.js';
import { ownerDeploymentOf } from './pod-summary.js';

export interface ObservedPod extends PodResources {
  name: string;
}

export interface ObservedWorkload {
  namespace: string;
  /** the deployment name; null groups a namespace's pods that no deployment owns */
  deployment: string | null;
  /** spec.replicas; null for standalone pods */
  replicas: number | null;
  /** requests of one replica as the pod template states them */
  templateCpuRequestMillicores: number;
  templateMemoryRequestBytes: number;
  templateContainers: { name: string; cpuRequestMillicores: number; memoryRequestBytes: number }[];
  /** running pods */
  pods: ObservedPod[];
}

export interface Observation {
  /** the metrics source that answered; null when none did (costs then use requests only) */
  source: string | null;
  /** false when some running pod had no usage reading */
  complete: boolean;
  workloads: ObservedWorkload[];
}

export interface ObserveInput {
  namespace?: string;
  deployment?: string;
}

export async function observeWorkloads(ctx: ServiceContext, input: ObserveInput): Promise<Observation> {
  if (input.deployment && !input.namespace) throw new ServiceError('invalid', 'deployment needs a namespace; pass namespace too');
  const [deployments, pods, sample] = await Promise.all([
    input.deployment
      ? ctx.cluster.readDeployment(input.namespace!, input.deployment).then((d) => [d])
      : ctx.cluster.listDeployments(input.namespace).then((p) => p.items),
    ctx.cluster.listPods(input.namespace),
    ctx.metrics.podUsage(input.namespace).catch(() => undefined),
  ]);
  const usage = new Map((sample?.pods ?? []).map((u) => [`${u.namespace}/${u.pod}`, u]));
  const byKey = new Map<string, ObservedWorkload>();
  for (const d of deployments) {
    const ns = d.metadata?.namespace ?? '';
    const name = d.metadata?.name ?? '';
    byKey.set(`${ns}/${name}`, workloadOf(d));
  }
  for (const p of pods.items) {
    if (p.status?.phase !== 'Running' || p.metadata?.deletionTimestamp) continue;
    const ns = p.metadata?.namespace ?? '';
    const owner = ownerDeploymentOf(p);
    if (input.deployment && owner !== input.deployment) continue;
    const key = owner ? `${ns}/${owner}` : `${ns}/`;
    let w = byKey.get(key);
    if (!w) {
      // A pod of a deployment not listed (deleted meanwhile) or of no deployment: still costs money.
      w = {
        namespace: ns,
        deployment: owner,
        replicas: null,
        templateCpuRequestMillicores: 0,
        templateMemoryRequestBytes: 0,
        templateContainers: [],
        pods: [],
      };
      byKey.set(key, w);
    }
    const u = usage.get(`${ns}/${p.metadata?.name ?? ''}`);
    const req = requestsOf(p.spec);
    w.pods.push({
      name: p.metadata?.name ?? '',
      cpuRequestMillicores: req.cpu,
      memoryRequestBytes: req.memory,
      ...(u ? { cpuMillicores: u.cpuMillicores, memoryBytes: u.memoryBytes } : {}),
    });
  }
  const workloads = [...byKey.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || (a.deployment ?? '').localeCompare(b.deployment ?? ''));
  const complete = workloads.every((w) => w.pods.every((p) => p.cpuMillicores !== undefined));
  return { source: sample?.source ?? null, complete, workloads };
}

function workloadOf(d: V1Deployment): ObservedWorkload {
  const containers = (d.spec?.template?.spec?.containers ?? []).map((c) => ({
    name: c.name,
    cpuRequestMillicores: cpuMillicores(c.resources?.requests?.cpu),
    memoryRequestBytes: memoryBytes(c.resources?.requests?.memory),
  }));
  return {
    namespace: d.metadata?.namespace ?? '',
    deployment: d.metadata?.name ?? '',
    replicas: d.spec?.replicas ?? 1,
    templateCpuRequestMillicores: containers.reduce((n, c) => n + c.cpuRequestMillicores, 0),
    templateMemoryRequestBytes: containers.reduce((n, c) => n + c.memoryRequestBytes, 0),
    templateContainers: containers,
    pods: [],
  };
}

function requestsOf(spec: V1PodSpec | undefined): { cpu: number; memory: number } {
  const cs = spec?.containers ?? [];
  return {
    cpu: cs.reduce((n, c) => n + cpuMillicores(c.resources?.requests?.cpu), 0),
    memory: cs.reduce((n, c) => n + memoryBytes(c.resources?.requests?.memory), 0),
  };
}

/** Records replica counts and usage of the observed deployments (throttled per deployment). */
export function recordObservation(ctx: ServiceContext, obs: Observation): void {
  const now = ctx.clock.now();
  const intervalMs = ctx.config.cost.sampleIntervalSeconds * 1000;
  for (const w of obs.workloads) {
    if (w.deployment === null || w.replicas === null) continue;
    const recent = (last: number | undefined) => last !== undefined && now - last < intervalMs;
    if (intervalMs === 0 || ctx.store.replicas.list({ namespace: w.namespace, deployment: w.deployment, since: now - intervalMs + 1 }).length === 0) {
      ctx.store.replicas.record({ namespace: w.namespace, deployment: w.deployment, replicas: w.replicas, readyReplicas: w.pods.length, at: now });
    }
    const measured = w.pods.filter((p) => p.cpuMillicores !== undefined);
    if (measured.length === 0 || recent(ctx.store.usage.lastAt(w.namespace, w.deployment))) continue;
    const sum = (f: (p: ObservedPod) => number) => measured.reduce((n, p) => n + f(p), 0);
    ctx.store.usage.record({
      namespace: w.namespace,
      deployment: w.deployment,
      pods: measured.length,
      cpuMillicores: sum((p) => p.cpuMillicores!),
      memoryBytes: sum((p) => p.memoryBytes!),
      cpuMaxPodMillicores: Math.max(...measured.map((p) => p.cpuMillicores!)),
      memoryMaxPodBytes: Math.max(...measured.map((p) => p.memoryBytes!)),
      cpuRequestMillicores: sum((p) => p.cpuRequestMillicores),
      memoryRequestBytes: sum((p) => p.memoryRequestBytes),
      at: now,
    });
  }
}
