/**
 * Defaulting and validation of a PodSpec, shared by pods and by the templates of Deployments and
 * ReplicaSets, with the defaults the real API server applies (so `kubectl get -o yaml` looks familiar and
 * template hashes computed by controllers see the same fields a real cluster would store).
 */
import { compareQuantities, QuantityError, quantityOf, readQuantity } from '../../../base/quantity.js';
import { type Causes, DNS1123_LABEL, deepEqual, isInt } from './validation.js';

type Obj = Record<string, any>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function defaultContainer(c: Obj): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
    const lastSegment = c.image.split('/').pop() ?? '';
    const tag = lastSegment.includes('@') ? undefined : lastSegment.split(':')[1];
    c.imagePullPolicy = tag === undefined || tag === 'latest' ? (lastSegment.includes('@') ? 'IfNotPresent' : 'Always') : 'IfNotPresent';
  }
  if (!isObj(c.resources)) c.resources = {};
  const { limits, requests } = c.resources as { limits?: Obj; requests?: Obj };
  // A limit without a request means request == limit, as the real API server defaults it.
  if (isObj(limits)) {
    const req: Obj = isObj(requests) ? requests : {};
    for (const [k, v] of Object.entries(limits)) if (req[k] === undefined) req[k] = v;
    c.resources.requests = req;
  }
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObj(p)) p.protocol ??= 'TCP';
}

export function defaultPodSpec(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const list of [spec.containers, spec.initContainers]) {
    if (Array.isArray(list)) for (const c of list) if (isObj(c)) defaultContainer(c);
  }
}

/**
 * Tolerations the DefaultTolerationSeconds admission plugin adds to every pod: evicted 300 s after its
 * node becomes not-ready or unreachable. The node lifecycle controller reads these.
 */
export function defaultPodTolerations(spec: Obj): void {
  const tolerations: Obj[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const has = tolerations.some(
      (t) => isObj(t) && (t.key === key || (t.key === undefined && t.operator === 'Exists')) && (t.effect === undefined || t.effect === 'NoExecute'),
    );
    if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

/** Guaranteed / Burstable / BestEffort from the (defaulted) requests and limits. */
export function qosClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Obj[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].filter(isObj);
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests: Obj = c.resources?.requests ?? {};
    const limits: Obj = c.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const limit = quantityOf(limits[r]);
      const request = requests[r] === undefined ? limit : quantityOf(requests[r]);
      if (limit === undefined || request === undefined || compareQuantities(request, limit) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function validateResources(c: Obj, path: string, causes: Causes): void {
  const res = c.resources;
  if (res === undefined) return;
  if (!isObj(res)) return causes.invalid(path, res, 'must be an object');
  for (const kind of ['requests', 'limits'] as const) {
    const m = res[kind];
    if (m === undefined) continue;
    if (!isObj(m)) {
      causes.invalid(`${path}.${kind}`, m, 'must be a map of resource name to quantity');
      continue;
    }
    for (const [name, v] of Object.entries(m)) {
      const q = readQuantity(v);
      if (q instanceof QuantityError) causes.invalid(`${path}.${kind}[${name}]`, v, q.message);
      else if (q.mantissa < 0n) causes.invalid(`${path}.${kind}[${name}]`, v, 'must be greater than or equal to 0');
    }
  }
  if (isObj(res.requests) && isObj(res.limits)) {
    for (const [name, v] of Object.entries(res.requests)) {
      const request = quantityOf(v);
      const limit = quantityOf(res.limits[name]);
      if (request !== undefined && limit !== undefined && compareQuantities(request, limit) > 0)
        causes.invalid(`${path}.requests`, v, `must be less than or equal to ${name} limit of ${res.limits[name]}`);
    }
  }
}

function validateContainers(list: unknown, path: string, required: boolean, causes: Causes): void {
  if (list === undefined && !required) return;
  if (!Array.isArray(list) || (required && list.length === 0)) return causes.required(path, '');
  const names = new Set<string>();
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(c)) return causes.invalid(p, c, 'must be an object');
    if (typeof c.name !== 'string' || c.name === '') causes.required(`${p}.name`, '');
    else if (!DNS1123_LABEL.test(c.name) || c.name.length > 63)
      causes.invalid(
        `${p}.name`,
        c.name,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
      );
    else if (names.has(c.name)) causes.duplicate(`${p}.name`, c.name);
    else names.add(c.name);
    if (typeof c.image !== 'string' || c.image.trim() === '') causes.required(`${p}.image`, '');
    if (Array.isArray(c.ports)) {
      c.ports.forEach((port: unknown, j: number) => {
        const cp = isObj(port) ? port.containerPort : undefined;
        if (!isInt(cp) || cp < 1 || cp > 65535) causes.invalid(`${p}.ports[${j}].containerPort`, cp, 'must be between 1 and 65535, inclusive');
      });
    }
    validateResources(c, `${p}.resources`, causes);
  });
}

export function validatePodSpec(spec: unknown, path: string, causes: Causes, allowedRestartPolicies = ['Always', 'OnFailure', 'Never']): void {
  if (!isObj(spec)) return causes.required(path, '');
  validateContainers(spec.containers, `${path}.containers`, true, causes);
  validateContainers(spec.initContainers, `${path}.initContainers`, false, causes);
  if (!allowedRestartPolicies.includes(spec.restartPolicy)) causes.unsupported(`${path}.restartPolicy`, spec.restartPolicy, allowedRestartPolicies);
  const grace = spec.terminationGracePeriodSeconds;
  if (!isInt(grace) || grace < 0) causes.invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must be greater than or equal to 0');
  if (spec.nodeName !== undefined && typeof spec.nodeName !== 'string') causes.invalid(`${path}.nodeName`, spec.nodeName, 'must be a string');
}

/**
 * Pods are mostly immutable once created: only images, activeDeadlineSeconds and added tolerations may
 * change (binding sets nodeName once). Returns true when `next` changes anything else.
 */
export function podSpecChangeForbidden(prev: Obj, next: Obj): boolean {
  const strip = (s: Obj, images: Obj) => {
    const copy = structuredClone(s);
    for (const key of ['containers', 'initContainers']) {
      if (Array.isArray(copy[key])) copy[key].forEach((c: Obj, i: number) => isObj(c) && (c.image = images[key]?.[i]?.image));
    }
    delete copy.activeDeadlineSeconds;
    delete copy.tolerations;
    if (!prev.nodeName) delete copy.nodeName;
    return copy;
  };
  return !deepEqual(strip(prev, prev), strip(next, prev));
}
