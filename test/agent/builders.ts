/** Small builders for agent tests: pod({ ready: false }) and friends, healthy by default. */
import type { DeploymentMetrics, DeploymentView, NodeView, Observation, PodView } from '../../src/policy/observation.js';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export const sec = (s: number) => T0 + s * 1000;

export function deployment(o: Partial<DeploymentView> = {}): DeploymentView {
  const replicas = o.replicas ?? 3;
  return {
    namespace: 'demo',
    name: 'web',
    replicas,
    readyReplicas: replicas,
    updatedReplicas: replicas,
    availableReplicas: replicas,
    revision: '1',
    images: ['nginx:1.27'],
    rolloutStartedAt: T0 - 86_400_000,
    hpaControlled: false,
    // Consent to scale below the person's count is given, so scaling tests measure the arithmetic; consent tests
    // (consent.test.ts) take it away.
    scaleDownOptIn: true,
    paused: false,
    conditions: [],
    ...o,
  };
}

let podSeq = 0;
/** A pod in CrashLoopBackOff crashed seconds after its last start (what makes it a loop) unless the test says otherwise. */
export function pod(o: Partial<PodView> = {}): PodView {
  return {
    namespace: 'demo',
    name: `web-abc-${++podSeq}`,
    ownerDeployment: 'web',
    phase: 'Running',
    ready: true,
    node: 'node-1',
    restarts: 0,
    scheduled: true,
    createdAt: T0 - 3_600_000,
    revision: '1',
    cpuRequestMillicores: 100,
    cpuLimitMillicores: 200,
    memoryRequestBytes: 64 * 2 ** 20,
    memoryLimitBytes: 128 * 2 ** 20,
    ...(o.reason === 'CrashLoopBackOff' ? { lastRunSeconds: 4 } : {}),
    ...o,
  };
}

export function node(o: Partial<NodeView> = {}): NodeView {
  return { name: 'node-1', ready: true, unschedulable: false, ...o };
}

/** Aggregate metrics for `n` ready pods each using `cpu` millicores of a 100m request / 200m limit. */
export function metrics(n: number, cpuPerPod: number, o: Partial<DeploymentMetrics> = {}): DeploymentMetrics {
  return {
    cpuMillicores: n * cpuPerPod,
    cpuRequestMillicores: n * 100,
    cpuLimitMillicores: n * 200,
    cpuUtilization: cpuPerPod,
    memoryBytes: n * 32 * 2 ** 20,
    memoryRequestBytes: n * 64 * 2 ** 20,
    memoryLimitBytes: n * 128 * 2 ** 20,
    memoryUtilization: 50,
    podsWithMetrics: n,
    readyPods: n,
    complete: true,
    ...o,
  };
}

/** A deployment with `n` ready pods at `cpuPerPod` millicores (of 100m requested), per-pod metrics filled in. */
export function loaded(
  n: number,
  cpuPerPod: number,
  d: Partial<DeploymentView> = {},
): { deployment: DeploymentView; pods: PodView[]; metrics: DeploymentMetrics } {
  const dep = deployment({ replicas: n, ...d });
  const pods = Array.from({ length: n }, () =>
    pod({ namespace: dep.namespace, ownerDeployment: dep.name, cpuMillicores: cpuPerPod, memoryBytes: 32 * 2 ** 20 }),
  );
  return { deployment: dep, pods, metrics: metrics(n, cpuPerPod) };
}

export function observation(o: Partial<Observation> = {}): Observation {
  return {
    at: T0,
    namespaces: ['demo'],
    deployments: [],
    pods: [],
    nodes: [node({ name: 'node-1' }), node({ name: 'node-2' }), node({ name: 'node-3' })],
    metrics: {},
    metricsAvailable: true,
    ...o,
  };
}
