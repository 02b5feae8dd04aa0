/** Admission for the core kinds and the small ones (Lease, HPA): defaults and the checks that matter. */
import type { KObject } from '../../types.js';
import { checkReplicas, isObj, type KindAdmission, type Obj } from './kind.js';
import { defaultPodSpec, defaultPodTolerations, podSpecChangeForbidden, qosClass, validatePodSpec } from './podspec.js';
import { isInt, validateStringMap } from './validation.js';

export const podAdmission: KindAdmission = {
  defaults(o) {
    o.spec ??= {};
    if (isObj(o.spec)) {
      defaultPodSpec(o.spec);
      defaultPodTolerations(o.spec);
    }
    // Pods created by controllers straight into the store still get a phase and QoS class.
    if (isObj(o.status) || o.status === undefined) {
      o.status ??= {};
      o.status.phase ??= 'Pending';
      if (isObj(o.spec)) o.status.qosClass ??= qosClass(o.spec);
    }
  },
  initialStatus: (o) => ({ phase: 'Pending', qosClass: qosClass(o.spec ?? {}) }),
  validate(o, causes, old) {
    validatePodSpec(o.spec, 'spec', causes);
    if (old && isObj(old.spec) && isObj(o.spec) && podSpecChangeForbidden(old.spec, o.spec))
      causes.forbidden(
        'spec',
        'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations)',
      );
  },
};

export const namespaceAdmission: KindAdmission = {
  defaults(o) {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
    o.spec ??= {};
    o.spec.finalizers ??= ['kubernetes'];
    o.status ??= {};
    o.status.phase ??= 'Active';
  },
  initialStatus: () => ({ phase: 'Active' }),
};

export const nodeAdmission: KindAdmission = {
  validate(o, causes) {
    const u = o.spec?.unschedulable;
    if (u !== undefined && typeof u !== 'boolean') causes.invalid('spec.unschedulable', u, 'must be a boolean');
  },
};

export const configMapAdmission: KindAdmission = {
  validate(o, causes) {
    for (const field of ['data', 'binaryData'] as const) {
      const m = o[field];
      if (m === undefined || m === null) continue;
      if (!isObj(m)) {
        causes.invalid(field, m, 'must be a map of string keys to string values');
        continue;
      }
      for (const [k, v] of Object.entries(m)) {
        if (!/^[-._a-zA-Z0-9]+$/.test(k) || k.length > 253)
          causes.invalid(field, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
        if (typeof v !== 'string') causes.invalid(`${field}[${k}]`, v, 'must be a string');
      }
    }
  },
};

/** ClusterIPs come from 10.96.0.0/16 in creation order, like a fresh cluster's allocator. */
export function serviceAdmission(nextClusterIp: () => string): KindAdmission {
  return {
    defaults(o) {
      const spec: Obj = (o.spec ??= {});
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      if (Array.isArray(spec.ports)) {
        for (const p of spec.ports) {
          if (!isObj(p)) continue;
          p.protocol ??= 'TCP';
          p.targetPort ??= p.port;
        }
      }
      if (spec.clusterIP === undefined && spec.type !== 'ExternalName') spec.clusterIP = nextClusterIp();
      if (spec.clusterIP && spec.clusterIP !== 'None') spec.clusterIPs ??= [spec.clusterIP];
    },
    initialStatus: () => ({ loadBalancer: {} }),
    validate(o, causes, old) {
      const spec = o.spec;
      if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(spec.type))
        causes.unsupported('spec.type', spec.type, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']);
      const headless = spec.clusterIP === 'None' || spec.type === 'ExternalName';
      if (!headless && (!Array.isArray(spec.ports) || spec.ports.length === 0)) causes.required('spec.ports', '');
      (Array.isArray(spec.ports) ? spec.ports : []).forEach((p: unknown, i: number) => {
        const port = isObj(p) ? p.port : undefined;
        if (!isInt(port) || port < 1 || port > 65535) causes.invalid(`spec.ports[${i}].port`, port, 'must be between 1 and 65535, inclusive');
      });
      validateStringMap(spec.selector, 'spec.selector', 'label', causes);
      if (old?.spec?.clusterIP && spec.clusterIP !== old.spec.clusterIP) causes.invalid('spec.clusterIP', spec.clusterIP, 'field is immutable');
    },
  };
}

export const eventAdmission: KindAdmission = {
  validate(o, causes) {
    const io = (o as Obj).involvedObject;
    if (!isObj(io)) return causes.required('involvedObject', '');
    if (o.metadata.namespace && io.namespace && io.namespace !== o.metadata.namespace)
      causes.invalid('involvedObject.namespace', io.namespace, 'does not match event.namespace');
    const type = (o as Obj).type;
    if (type !== undefined && !['Normal', 'Warning'].includes(type)) causes.unsupported('type', type, ['Normal', 'Warning']);
  },
};

export const leaseAdmission: KindAdmission = {
  validate(o, causes) {
    const spec = o.spec ?? {};
    const d = spec.leaseDurationSeconds;
    if (d !== undefined && (!isInt(d) || d <= 0)) causes.invalid('spec.leaseDurationSeconds', d, 'must be greater than 0');
    if (spec.holderIdentity !== undefined && spec.holderIdentity !== null && typeof spec.holderIdentity !== 'string')
      causes.invalid('spec.holderIdentity', spec.holderIdentity, 'must be a string');
  },
};

export const hpaAdmission: KindAdmission = {
  defaults(o) {
    o.spec ??= {};
    o.spec.minReplicas ??= 1;
  },
  validate(o: KObject, causes) {
    const spec = o.spec ?? {};
    const ref = spec.scaleTargetRef;
    if (!isObj(ref) || !ref.kind || !ref.name) causes.required('spec.scaleTargetRef', 'kind and name are required');
    checkReplicas(spec.minReplicas, 'spec.minReplicas', causes);
    checkReplicas(spec.maxReplicas, 'spec.maxReplicas', causes);
    if (!isInt(spec.maxReplicas) || spec.maxReplicas < 1) causes.invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to 1');
    else if (isInt(spec.minReplicas) && spec.minReplicas > spec.maxReplicas)
      causes.invalid('spec.maxReplicas', spec.maxReplicas, '`maxReplicas` must be greater than or equal to `minReplicas`');
    if (isInt(spec.minReplicas) && spec.minReplicas < 1) causes.invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1');
  },
};
