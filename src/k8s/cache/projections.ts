/**
 * What the caches keep of each object: a projection per kind, shaped like the client-node type it comes from so the
 * services' pure summaries (summarizePod, summarizeDeployment, summarizeNode, metrics' podFigures) read it unchanged,
 * but holding only the fields those summaries, cluster_health and the agent read. Everything else (env, volumes,
 * managedFields, most annotations, probes, tolerations, ...) is dropped at the door, so memory per object is bounded by
 * what is kept here, not by what users put in their manifests:
 *
 *   Pod        name, namespace, uid, resourceVersion, creation/deletion time, labels, owner (kind, name);
 *              nodeName; per container name, image, cpu/memory requests and limits; phase, reason, message,
 *              conditions (type, status, reason, message), per container restarts, state and last termination.
 *              About 1-1.5 KB of heap for a one-container pod (measured in bench/scale.ts).
 *   Deployment metadata as above plus the revision annotation; replicas, paused, selector, container images;
 *              status counts and conditions.
 *   ReplicaSet metadata, the revision annotation, the pod-template-hash label, owners; replicas and ready counts.
 *   Node       name, labels, creation time; unschedulable, taints; conditions (type, status), allocatable,
 *              capacity, kubelet version.
 *   HPA        name, namespace, scale target, min/max replicas.
 *
 * Timestamps stay as the API sent them: ISO strings from a watch, Date objects from a typed list; isoOf() reads both.
 */
import type {
  KubernetesObject,
  V1Container,
  V1ContainerStatus,
  V1Deployment,
  V1Node,
  V1NodeSystemInfo,
  V1ObjectMeta,
  V1Pod,
  V1ReplicaSet,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';

export type Projection<T extends KubernetesObject> = (obj: T) => T;

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** A deployment's or namespace's consent to be scaled below the count a person set (read by services/replica-ownership). */
export const SCALE_DOWN_ANNOTATION = 'sentinelops.dev/scale-down';

/** Copies only the keys that are set, so an absent field costs nothing. */
function pick<T extends object, K extends keyof T>(src: T | undefined, keys: readonly K[]): Pick<T, K> | undefined {
  if (!src) return undefined;
  const out = {} as Pick<T, K>;
  let any = false;
  for (const k of keys) {
    const v = src[k];
    if (v !== undefined && v !== null) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}

function meta(m: V1ObjectMeta | undefined, opts: { annotations?: boolean; owners?: boolean } = {}): V1ObjectMeta {
  const out: V1ObjectMeta = pick(m, ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'labels']) ?? {};
  const revision = m?.annotations?.[REVISION_ANNOTATION];
  if (opts.annotations && revision !== undefined) out.annotations = { [REVISION_ANNOTATION]: revision };
  if (opts.owners && m?.ownerReferences?.length) {
    out.ownerReferences = m.ownerReferences.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.name, uid: o.uid, controller: o.controller }));
  }
  return out;
}

/**
 * What the agent's consent and ownership rules read (services/replica-ownership.ts): the sentinelops.dev/scale-down
 * annotation and the field managers whose managed set includes spec.replicas — each reduced to that one field.
 */
function replicaConsent(m: V1ObjectMeta | undefined): Pick<V1ObjectMeta, 'annotations' | 'managedFields'> {
  const out: Pick<V1ObjectMeta, 'annotations' | 'managedFields'> = {};
  const consent = m?.annotations?.[SCALE_DOWN_ANNOTATION];
  const revision = m?.annotations?.[REVISION_ANNOTATION];
  if (consent !== undefined) out.annotations = { ...(revision === undefined ? {} : { [REVISION_ANNOTATION]: revision }), [SCALE_DOWN_ANNOTATION]: consent };
  const replicas = (m?.managedFields ?? []).filter((f) => {
    const spec = (f.fieldsV1 as Record<string, unknown> | undefined)?.['f:spec'] as Record<string, unknown> | undefined;
    return spec !== undefined && 'f:replicas' in spec;
  });
  if (replicas.length > 0)
    out.managedFields = replicas.map((f) => ({ manager: f.manager, operation: f.operation, time: f.time, fieldsV1: { 'f:spec': { 'f:replicas': {} } } }));
  return out;
}

function container(c: V1Container): V1Container {
  const out: V1Container = { name: c.name, image: c.image };
  const r = c.resources;
  if (r?.requests || r?.limits) {
    out.resources = {};
    const req = pick(r.requests, ['cpu', 'memory']);
    const lim = pick(r.limits, ['cpu', 'memory']);
    if (req) out.resources.requests = req;
    if (lim) out.resources.limits = lim;
  }
  return out;
}

function containerStatus(s: V1ContainerStatus): V1ContainerStatus {
  const out = { name: s.name, ready: s.ready, restartCount: s.restartCount } as V1ContainerStatus;
  const state = s.state;
  if (state?.waiting) out.state = { waiting: pick(state.waiting, ['reason', 'message']) ?? {} };
  else if (state?.terminated) out.state = { terminated: pick(state.terminated, ['reason', 'message', 'exitCode', 'startedAt', 'finishedAt'])! };
  else if (state?.running) out.state = { running: pick(state.running, ['startedAt']) ?? {} };
  const last = s.lastState?.terminated;
  if (last) out.lastState = { terminated: pick(last, ['reason', 'exitCode', 'startedAt', 'finishedAt'])! };
  return out;
}

export const projectPod: Projection<V1Pod> = (p) => {
  const status = p.status;
  const out: V1Pod = {
    metadata: meta(p.metadata, { owners: true }),
    spec: { containers: (p.spec?.containers ?? []).map(container), nodeName: p.spec?.nodeName },
  };
  if (status) {
    out.status = pick(status, ['phase', 'reason', 'message']) ?? {};
    if (status.conditions) out.status.conditions = status.conditions.map((c) => pick(c, ['type', 'status', 'reason', 'message'])!);
    if (status.containerStatuses) out.status.containerStatuses = status.containerStatuses.map(containerStatus);
    if (status.initContainerStatuses) out.status.initContainerStatuses = status.initContainerStatuses.map(containerStatus);
  }
  return out;
};

export const projectDeployment: Projection<V1Deployment> = (d) => {
  const spec = d.spec;
  return {
    metadata: { ...meta(d.metadata, { annotations: true }), ...replicaConsent(d.metadata) },
    spec: spec && {
      replicas: spec.replicas,
      paused: spec.paused,
      selector: spec.selector,
      template: { spec: { containers: (spec.template?.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image })) } },
    },
    status: d.status && {
      ...pick(d.status, ['replicas', 'readyReplicas', 'updatedReplicas', 'availableReplicas', 'unavailableReplicas', 'observedGeneration']),
      conditions: d.status.conditions?.map((c) => pick(c, ['type', 'status', 'reason', 'message'])!),
    },
  };
};

export const projectReplicaSet: Projection<V1ReplicaSet> = (rs) => ({
  metadata: meta(rs.metadata, { annotations: true, owners: true }),
  spec: rs.spec && { replicas: rs.spec.replicas, selector: rs.spec.selector },
  status: rs.status && { replicas: rs.status.replicas, readyReplicas: rs.status.readyReplicas, availableReplicas: rs.status.availableReplicas },
});

export const projectNode: Projection<V1Node> = (n) => ({
  metadata: meta(n.metadata),
  spec: n.spec && pick(n.spec, ['unschedulable', 'taints']),
  status: n.status && {
    conditions: n.status.conditions?.map((c) => pick(c, ['type', 'status', 'reason', 'message'])!),
    allocatable: pick(n.status.allocatable, ['cpu', 'memory', 'pods']),
    capacity: pick(n.status.capacity, ['cpu', 'memory', 'pods']),
    // The other nodeInfo fields are required by the type but read by nothing here.
    nodeInfo: n.status.nodeInfo && ({ kubeletVersion: n.status.nodeInfo.kubeletVersion } as V1NodeSystemInfo),
  },
});

export const projectHpa: Projection<V2HorizontalPodAutoscaler> = (h) => ({
  metadata: meta(h.metadata),
  spec: h.spec && { scaleTargetRef: h.spec.scaleTargetRef, minReplicas: h.spec.minReplicas, maxReplicas: h.spec.maxReplicas },
});
