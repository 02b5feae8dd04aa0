/**
 * Fault injection: the simulator's chaos switches, used by the chaos tools, scenarios and the
 * `/sim/v1/faults` API. Every fault gets an id and optionally a lifetime (durationSeconds or until);
 * active ones are listed and can be cleared early. Bad input is an ApiError and changes nothing.
 *
 * Rollout faults (bad-image-rollout, crashing-rollout, unschedulable-rollout, unready-rollout,
 * slow-start) change the Deployment's template like a bad deploy would; clearing them does not roll anything back (that is `kubectl rollout
 * undo`'s job, and the agent's). See docs/simulator.md for each fault.
 */
import { z } from 'zod';
import type { Clock, TimerHandle } from '../base/clock.js';
import type { FaultApi } from './api/providers.js';
import { CRASH_AFTER_ANNOTATION, READINESS_ANNOTATION, STARTUP_ANNOTATION, type Behaviour, type CrashRule } from './controllers/behaviour.js';
import { isoSeconds } from './controllers/context.js';
import type { Kubelet } from './controllers/kubelet.js';
import type { NodeLifecycle } from './controllers/nodes.js';
import { deploymentKeyOfPod, splitKey } from './controllers/pods.js';
import { cpuMillicores, isQuantity, memoryBytes } from '../base/quantity.js';
import { formatCpu } from './controllers/quantity.js';
import { ApiError } from './errors.js';
import type { Rng } from '../base/random.js';
import { R } from './resources.js';
import type { ObjectStore } from './store.js';
import type { KObject } from './types.js';
import { validateCurve, type LoadCurve, type WorkloadModel } from './workload.js';

export const FAULT_NAMES = [
  'crash-pod',
  'crashloop',
  'bad-image-rollout',
  'crashing-rollout',
  'unschedulable-rollout',
  'node-down',
  'memory-leak',
  'load',
  'cpu-spike',
  'unready-rollout',
  'slow-start',
  'noisy-neighbour',
  'dependency-down',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const ROLLOUT_ANNOTATION = 'sim.sentinelops.io/fault';

const lifetime = {
  durationSeconds: z.number().positive().optional(),
  /** RFC 3339 time at which the fault ends. */
  until: z.string().datetime({ offset: true }).optional(),
};
const deploymentTarget = { deployment: z.string().min(1), namespace: z.string().min(1).optional() };
const quantity = (what: string) => z.string().refine(isQuantity, { message: `${what} must be a Kubernetes quantity such as "500m" or "2Gi"` });
const curve = z
  .union([
    z.object({ type: z.literal('points'), points: z.array(z.object({ atSeconds: z.number().min(0), millicores: z.number().min(0) })).min(1) }),
    z.object({
      type: z.literal('diurnal'),
      min: z.number().min(0),
      max: z.number().min(0),
      periodSeconds: z.number().positive().optional(),
      peakAtSeconds: z.number().min(0).optional(),
    }),
  ])
  .superRefine((c, ctx) => {
    const bad = validateCurve(c as LoadCurve);
    if (bad) ctx.addIssue({ code: z.ZodIssueCode.custom, message: bad });
  });

export const FaultSpecSchema = z.discriminatedUnion('fault', [
  z
    .object({
      fault: z.literal('crash-pod'),
      pod: z.string().min(1).optional(),
      deployment: z.string().min(1).optional(),
      namespace: z.string().min(1).optional(),
      container: z.string().optional(),
      /** With `deployment`: how many of its running pods to crash (picked with the seeded generator). */
      count: z.number().int().positive().default(1),
      exitCode: z.number().int().min(1).max(255).default(1),
    })
    .strict(),
  z
    .object({
      fault: z.literal('crashloop'),
      ...deploymentTarget,
      crashAfterSeconds: z.number().min(0).default(3),
      exitCode: z.number().int().min(1).max(255).default(1),
      ...lifetime,
    })
    .strict(),
  z
    .object({ fault: z.literal('bad-image-rollout'), ...deploymentTarget, image: z.string().min(1).optional(), container: z.string().optional(), ...lifetime })
    .strict(),
  z.object({ fault: z.literal('crashing-rollout'), ...deploymentTarget, crashAfterSeconds: z.number().min(0).default(5), ...lifetime }).strict(),
  z
    .object({
      fault: z.literal('unschedulable-rollout'),
      ...deploymentTarget,
      cpu: quantity('cpu').optional(),
      memory: quantity('memory').optional(),
      ...lifetime,
    })
    .strict(),
  z.object({ fault: z.literal('node-down'), node: z.string().min(1), ...lifetime }).strict(),
  z.object({ fault: z.literal('memory-leak'), ...deploymentTarget, mibPerMinute: z.number().positive(), ...lifetime }).strict(),
  z.object({ fault: z.literal('load'), ...deploymentTarget, millicores: z.number().min(0).optional(), curve: curve.optional(), ...lifetime }).strict(),
  z
    .object({
      fault: z.literal('cpu-spike'),
      ...deploymentTarget,
      multiplier: z.number().positive().optional(),
      millicores: z.number().positive().optional(),
      durationSeconds: z.number().positive().default(300),
      until: lifetime.until,
    })
    .strict(),
  /** A new revision whose pods run but never pass their readiness probe (a probe is added when the template has none). */
  z.object({ fault: z.literal('unready-rollout'), ...deploymentTarget, ...lifetime }).strict(),
  /** A new revision whose app needs `startupSeconds` after each container start before it serves. */
  z.object({ fault: z.literal('slow-start'), ...deploymentTarget, startupSeconds: z.number().positive().default(300), ...lifetime }).strict(),
  /**
   * A process on a node that wants `millicores` of CPU with `requestMillicores` guaranteed: on `node`, or on
   * the node running most of the deployment's pods.
   */
  z
    .object({
      fault: z.literal('noisy-neighbour'),
      node: z.string().min(1).optional(),
      deployment: z.string().min(1).optional(),
      namespace: z.string().min(1).optional(),
      millicores: z.number().positive().optional(),
      requestMillicores: z.number().min(0).optional(),
      ...lifetime,
    })
    .strict(),
  /** A dependency of the deployment is down: its requests fail and its readiness probes answer 503; restarts do not help. */
  z.object({ fault: z.literal('dependency-down'), ...deploymentTarget, ...lifetime }).strict(),
]);

export type FaultSpec = z.input<typeof FaultSpecSchema>;
type ParsedSpec = z.output<typeof FaultSpecSchema>;

export interface FaultRecord {
  id: string;
  fault: FaultName;
  /** `ns/name` of the Deployment or pod, or the node name. */
  target: string;
  params: Record<string, unknown>;
  state: 'active' | 'done' | 'cleared' | 'expired';
  createdAt: string;
  expiresAt?: string;
  /** What the fault did: the pod it crashed, the image it rolled out, ... */
  detail?: Record<string, unknown>;
}

interface Active {
  record: FaultRecord;
  undo: () => void;
  timer?: TimerHandle;
}

export interface FaultDeps {
  store: ObjectStore;
  clock: Clock;
  rng: Rng;
  kubelet: Kubelet;
  nodes: NodeLifecycle;
  workload: WorkloadModel;
  behaviour: Behaviour;
}

export class FaultInjector implements FaultApi {
  private readonly active = new Map<string, Active>();
  private seq = 0;

  constructor(private readonly deps: FaultDeps) {}

  /** Active faults, oldest first. */
  list(): FaultRecord[] {
    return [...this.active.values()].map((a) => structuredClone(a.record));
  }

  /** Validates the body (the HTTP API's JSON) and starts the fault. */
  inject(body: unknown): FaultRecord {
    const parsed = FaultSpecSchema.safeParse(body);
    if (!parsed.success) {
      const fault = (body as { fault?: unknown } | null)?.fault;
      if (typeof fault !== 'string' || !(FAULT_NAMES as readonly string[]).includes(fault)) {
        throw ApiError.badRequest(`unknown fault ${JSON.stringify(fault ?? null)}; expected one of: ${FAULT_NAMES.join(', ')}`);
      }
      throw ApiError.invalid(
        'Fault',
        fault,
        parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message, reason: 'FieldValueInvalid' })),
      );
    }
    return this.start(parsed.data);
  }

  /** Ends a fault early; false when no active fault has this id. */
  clear(id: string): boolean {
    return this.end(id, 'cleared');
  }

  clearAll(): void {
    for (const id of [...this.active.keys()]) this.end(id, 'cleared');
  }

  private end(id: string, state: 'cleared' | 'expired'): boolean {
    const a = this.active.get(id);
    if (!a) return false;
    this.deps.clock.clearTimeout(a.timer);
    this.active.delete(id);
    a.record.state = state;
    a.undo();
    return true;
  }

  private start(spec: ParsedSpec): FaultRecord {
    const now = this.deps.clock.now();
    const expiresAt =
      'until' in spec && spec.until
        ? Date.parse(spec.until)
        : 'durationSeconds' in spec && spec.durationSeconds
          ? now + spec.durationSeconds * 1000
          : undefined;
    if (expiresAt !== undefined && expiresAt <= now)
      throw ApiError.invalid('Fault', spec.fault, [{ field: 'until', message: 'must be in the future', reason: 'FieldValueInvalid' }]);
    const { fault, ...params } = spec;
    const id = `fault-${this.seq + 1}`;
    const { target, detail, undo } = this.apply(spec, id); // throws before anything changes on bad targets
    this.seq++;
    const record: FaultRecord = {
      id,
      fault,
      target,
      params: params as Record<string, unknown>,
      state: undo ? 'active' : 'done',
      createdAt: isoSeconds(now),
      ...(expiresAt !== undefined && undo ? { expiresAt: isoSeconds(expiresAt) } : {}),
      ...(detail ? { detail } : {}),
    };
    if (undo) {
      const a: Active = { record, undo };
      if (expiresAt !== undefined) a.timer = this.deps.clock.setTimeout(() => this.end(id, 'expired'), expiresAt - now);
      this.active.set(id, a);
    }
    return structuredClone(record);
  }

  private apply(spec: ParsedSpec, id: string): { target: string; detail?: Record<string, unknown>; undo?: () => void } {
    const { kubelet, nodes, workload, behaviour } = this.deps;
    switch (spec.fault) {
      case 'crash-pod': {
        const pods = this.pickPods(spec);
        for (const pod of pods) kubelet.kill(pod.metadata.namespace!, pod.metadata.name, spec.container, spec.exitCode, 'Error');
        const names = pods.map((p) => p.metadata.name);
        return {
          target: pods.length === 1 ? `${pods[0]!.metadata.namespace}/${names[0]}` : this.deploymentKey(spec),
          detail: { namespace: pods[0]!.metadata.namespace, pods: names },
        };
      }
      case 'crashloop': {
        const d = this.deployment(spec);
        const key = keyOf(d);
        const rule: CrashRule = { afterSeconds: spec.crashAfterSeconds, exitCode: spec.exitCode, cause: id };
        behaviour.addCrashLoop(key, rule);
        // Running pods start crashing too, a little apart, as they would when a dependency breaks.
        this.podsOf(key).forEach((p, i) => kubelet.scheduleCrash(p.metadata.namespace!, p.metadata.name, spec.crashAfterSeconds + i * 0.5, spec.exitCode));
        return {
          target: key,
          undo: () => {
            behaviour.removeCrashLoop(key, rule);
            for (const p of this.podsOf(key)) kubelet.cancelCrashes(p.metadata.namespace!, p.metadata.name);
          },
        };
      }
      case 'bad-image-rollout': {
        const d = this.deployment(spec);
        const c = this.container(d, spec.container);
        const current = String(c.image ?? '');
        const repo = current.replace(/[:@][^/]*$/, '') || 'nginx';
        const image = spec.image ?? `${repo}:does-not-exist`;
        const marked = !behaviour.isImageMissing(image);
        if (marked) behaviour.missingImages.add(image);
        this.rollout(d, id, 'bad-image-rollout', (t) => {
          t.spec.containers.find((x: { name: string }) => x.name === c.name).image = image;
        });
        return { target: keyOf(d), detail: { container: c.name, image, previousImage: current }, undo: () => marked && behaviour.missingImages.delete(image) };
      }
      case 'crashing-rollout': {
        const d = this.deployment(spec);
        this.rollout(d, id, 'crashing-rollout', (t) => {
          t.metadata.annotations = { ...(t.metadata.annotations ?? {}), [CRASH_AFTER_ANNOTATION]: String(spec.crashAfterSeconds) };
        });
        return { target: keyOf(d), detail: { crashAfterSeconds: spec.crashAfterSeconds }, undo: () => undefined };
      }
      case 'unschedulable-rollout': {
        const d = this.deployment(spec);
        const c = this.container(d, undefined);
        const biggest = Math.max(0, ...this.deps.store.all(R.nodes).map((n) => cpuMillicores(n.status?.allocatable?.cpu)));
        const cpu = spec.cpu ?? formatCpu(Math.max(2 * biggest, 1000));
        this.rollout(d, id, 'unschedulable-rollout', (t) => {
          const ct = t.spec.containers.find((x: { name: string }) => x.name === c.name);
          ct.resources ??= {};
          ct.resources.requests = { ...(ct.resources.requests ?? {}), cpu, ...(spec.memory ? { memory: spec.memory } : {}) };
          // Keep limits >= requests so the template stays valid.
          if (ct.resources.limits?.cpu !== undefined && cpuMillicores(ct.resources.limits.cpu) < cpuMillicores(cpu)) ct.resources.limits.cpu = cpu;
          if (spec.memory && ct.resources.limits?.memory !== undefined && memoryBytes(ct.resources.limits.memory) < memoryBytes(spec.memory))
            ct.resources.limits.memory = spec.memory;
        });
        return { target: keyOf(d), detail: { container: c.name, cpu, ...(spec.memory ? { memory: spec.memory } : {}) }, undo: () => undefined };
      }
      case 'unready-rollout': {
        const d = this.deployment(spec);
        this.rollout(d, id, 'unready-rollout', (t) => {
          t.metadata.annotations = { ...(t.metadata.annotations ?? {}), [READINESS_ANNOTATION]: 'fail' };
          for (const c of t.spec.containers as Record<string, any>[])
            c.readinessProbe ??= { httpGet: { path: '/healthz', port: c.ports?.[0]?.containerPort ?? 80 }, periodSeconds: 10, failureThreshold: 3 };
        });
        return { target: keyOf(d), undo: () => undefined };
      }
      case 'slow-start': {
        const d = this.deployment(spec);
        this.rollout(d, id, 'slow-start', (t) => {
          t.metadata.annotations = { ...(t.metadata.annotations ?? {}), [STARTUP_ANNOTATION]: String(spec.startupSeconds) };
        });
        return { target: keyOf(d), detail: { startupSeconds: spec.startupSeconds }, undo: () => undefined };
      }
      case 'noisy-neighbour': {
        const node = spec.node ?? this.busiestNode(spec);
        const n = this.deps.store.get(R.nodes, undefined, node);
        if (!n) throw ApiError.notFound('nodes', node);
        const allocatable = cpuMillicores(n.status?.allocatable?.cpu);
        const millicores = spec.millicores ?? allocatable;
        const request = spec.requestMillicores ?? Math.round(allocatable / 4);
        const h = workload.addHog(node, millicores, request);
        return { target: node, detail: { millicores, requestMillicores: request }, undo: () => workload.removeHog(h) };
      }
      case 'dependency-down': {
        const key = keyOf(this.deployment(spec));
        behaviour.setDependencyDown(key, true);
        return { target: key, undo: () => behaviour.setDependencyDown(key, false) };
      }
      case 'node-down': {
        if (!this.deps.store.get(R.nodes, undefined, spec.node)) throw ApiError.notFound('nodes', spec.node);
        if (nodes.isDown(spec.node)) throw ApiError.conflict('nodes', spec.node, 'node is already down');
        nodes.setDown(spec.node);
        return { target: spec.node, undo: () => nodes.setUp(spec.node) };
      }
      case 'memory-leak': {
        const key = keyOf(this.deployment(spec));
        const h = workload.addLeak(key, spec.mibPerMinute);
        return { target: key, undo: () => workload.removeLeak(key, h) };
      }
      case 'load': {
        if ((spec.millicores === undefined) === (spec.curve === undefined)) {
          throw ApiError.invalid('Fault', 'load', [{ field: 'millicores', message: 'give exactly one of millicores or curve', reason: 'FieldValueInvalid' }]);
        }
        const key = keyOf(this.deployment(spec));
        // A newer load fault on the same Deployment replaces the older one.
        for (const a of [...this.active.values()]) if (a.record.fault === 'load' && a.record.target === key) this.end(a.record.id, 'cleared');
        if (spec.curve) workload.setCurve(key, spec.curve as LoadCurve);
        else workload.setDemand(key, spec.millicores);
        return { target: key, detail: { demandMillicores: Math.round(workload.demand(key)) }, undo: () => workload.setDemand(key, undefined) };
      }
      case 'cpu-spike': {
        const key = keyOf(this.deployment(spec));
        const mod = spec.multiplier === undefined && spec.millicores === undefined ? { multiply: 3 } : { multiply: spec.multiplier, add: spec.millicores };
        const h = workload.addModifier(key, mod);
        return { target: key, detail: { demandMillicores: Math.round(workload.demand(key)) }, undo: () => workload.removeModifier(key, h) };
      }
    }
  }

  private deployment(spec: { deployment: string; namespace?: string }): KObject {
    const [ns, name] = spec.deployment.includes('/') ? splitKey(spec.deployment) : [spec.namespace ?? 'default', spec.deployment];
    const d = this.deps.store.get(R.deployments, ns, name);
    if (!d) throw ApiError.notFound('deployments', `${ns}/${name}`, 'apps');
    return d;
  }

  private container(d: KObject, name: string | undefined): { name: string; image?: string } {
    const containers = (d.spec?.template?.spec?.containers ?? []) as { name: string; image?: string }[];
    const c = name ? containers.find((x) => x.name === name) : containers[0];
    if (!c)
      throw ApiError.invalid('Fault', d.metadata.name, [
        { field: 'container', message: `no container ${JSON.stringify(name ?? '')} in ${keyOf(d)}`, reason: 'FieldValueNotFound' },
      ]);
    return c;
  }

  private podsOf(deploymentKey: string): KObject[] {
    const [ns] = splitKey(deploymentKey);
    return this.deps.store
      .list(R.pods, { namespace: ns })
      .items.filter((p) => !p.metadata.deletionTimestamp && deploymentKeyOfPod(this.deps.store, p) === deploymentKey);
  }

  private deploymentKey(spec: { deployment?: string; namespace?: string }): string {
    return spec.deployment ? keyOf(this.deployment({ deployment: spec.deployment, namespace: spec.namespace })) : '';
  }

  /** The pods a crash-pod fault hits: the named one, or `count` running pods of the Deployment. */
  private pickPods(spec: { pod?: string; deployment?: string; namespace?: string; count: number }): KObject[] {
    const running = (p: KObject): boolean =>
      !this.deps.nodes.isDown(p.spec?.nodeName ?? '') && (p.status?.containerStatuses ?? []).some((c: { state?: { running?: unknown } }) => c.state?.running);
    if (spec.pod) {
      const depNs = spec.deployment?.includes('/') ? splitKey(spec.deployment)[0] : undefined;
      const [ns, name] = spec.pod.includes('/') ? splitKey(spec.pod) : [spec.namespace ?? depNs ?? 'default', spec.pod];
      const pod = this.deps.store.get(R.pods, ns, name);
      if (!pod) throw ApiError.notFound('pods', `${ns}/${name}`);
      if (!running(pod)) throw ApiError.conflict('pods', name, 'no running container to crash (the pod is not running, or its node is down)');
      return [pod];
    }
    if (!spec.deployment) throw ApiError.invalid('Fault', 'crash-pod', [{ field: 'pod', message: 'give pod or deployment', reason: 'FieldValueRequired' }]);
    const key = this.deploymentKey(spec);
    const candidates = this.podsOf(key).filter(running);
    if (candidates.length === 0) throw ApiError.conflict('deployments', key, 'no running pod to crash', 'apps');
    const picked: KObject[] = [];
    while (picked.length < spec.count && candidates.length > 0) {
      picked.push(candidates.splice(Math.floor(this.deps.rng.next() * candidates.length), 1)[0]!);
    }
    return picked;
  }

  /** The node running most of the deployment's pods (ties: the first by name). */
  private busiestNode(spec: { deployment?: string; namespace?: string }): string {
    if (!spec.deployment)
      throw ApiError.invalid('Fault', 'noisy-neighbour', [{ field: 'node', message: 'give node or deployment', reason: 'FieldValueRequired' }]);
    const key = this.deploymentKey(spec);
    const count = new Map<string, number>();
    for (const p of this.podsOf(key)) if (p.spec?.nodeName) count.set(p.spec.nodeName, (count.get(p.spec.nodeName) ?? 0) + 1);
    const best = [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (!best) throw ApiError.conflict('deployments', key, 'no pod of the deployment is on a node', 'apps');
    return best[0];
  }

  /** Changes the Deployment's pod template (a new rollout) and records why in change-cause. */
  private rollout(d: KObject, id: string, fault: FaultName, change: (template: any) => void): void {
    this.deps.store.mutate(R.deployments, d.metadata.namespace, d.metadata.name, (o) => {
      o.spec.template ??= {};
      o.spec.template.metadata ??= {};
      o.spec.template.spec ??= { containers: [] };
      change(o.spec.template);
      // A fault id in the template makes every injection a distinct rollout, even when repeated.
      o.spec.template.metadata.annotations = { ...(o.spec.template.metadata.annotations ?? {}), [ROLLOUT_ANNOTATION]: id };
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [CHANGE_CAUSE]: `sentinelops-sim ${fault} (${id})` };
    });
  }
}

function keyOf(d: KObject): string {
  return `${d.metadata.namespace}/${d.metadata.name}`;
}
