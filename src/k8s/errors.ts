/**
 * Maps client-node failures to ServiceErrors whose message names the object and the next step, e.g.
 * "deployment demo/x not found; list_deployments shows what exists".
 */
import { ApiException } from '@kubernetes/client-node';
import { ServiceError } from '../base/errors.js';

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name?: string;
  /** the tool that lists objects of this kind, named in not-found hints */
  listTool?: string;
}

export function apiStatusMessage(body: unknown): string | undefined {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return (b as string).trim() || undefined;
    }
  }
  if (b && typeof b === 'object' && 'message' in b && typeof (b as { message: unknown }).message === 'string') {
    return (b as { message: string }).message;
  }
  return undefined;
}

/**
 * "deployment demo/web", "pods in namespace demo", "pods in all namespaces", "API server version": a list
 * (kind ending in "in namespace") names its namespace, or all of them, never "in namespace demo/".
 */
export function describeRef(ref: ObjectRef): string {
  const list = ref.kind.endsWith(' in namespace');
  if (list) return ref.namespace ? `${ref.kind} ${ref.namespace}` : `${ref.kind.slice(0, -' in namespace'.length)} in all namespaces`;
  if (ref.name) return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
  return ref.namespace ? `${ref.kind} in namespace ${ref.namespace}` : ref.kind;
}

export function mapK8sError(err: unknown, ref: ObjectRef): ServiceError {
  if (err instanceof ServiceError) return err;
  const what = describeRef(ref);
  if (err instanceof ApiException) {
    const code = err.code as number;
    const detail = apiStatusMessage(err.body);
    switch (code) {
      case 404:
        return new ServiceError(
          'not_found',
          `${what} not found${ref.listTool ? `; ${ref.listTool} shows what exists` : ''}${ref.namespace && !ref.name ? ` (does namespace ${ref.namespace} exist?)` : ''}`,
        );
      case 401:
        return new ServiceError('unavailable', `the Kubernetes API rejected our credentials (401) for ${what}; check the kubeconfig user or token`);
      case 403:
        return new ServiceError(
          'refused',
          `the Kubernetes API forbids this on ${what} (403): ${detail ?? 'RBAC denied'}; the service account needs more permissions`,
        );
      case 409:
        return new ServiceError('conflict', `${what} changed while we were updating it (409); read it again and retry`);
      case 400:
      case 422:
        return new ServiceError('invalid', `the Kubernetes API rejected the request for ${what} (${code}): ${detail ?? 'invalid'}`);
      default:
        return new ServiceError('unavailable', `the Kubernetes API failed on ${what} (${code}): ${detail ?? 'no message'}; retry shortly`);
    }
  }
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  const netCode = e?.code ?? e?.cause?.code;
  if (netCode && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|UND_ERR)/.test(netCode)) {
    return new ServiceError(
      'unavailable',
      `cannot reach the Kubernetes API (${netCode}) while reading ${what}; check the kubeconfig and context, or run with --cluster sim`,
    );
  }
  if (e?.message && /fetch failed|aborted|timeout/i.test(e.message)) {
    return new ServiceError(
      'unavailable',
      `cannot reach the Kubernetes API (${e.message}) while reading ${what}; check the kubeconfig and context, or run with --cluster sim`,
    );
  }
  return new ServiceError('unavailable', `Kubernetes request for ${what} failed: ${e?.message ?? String(err)}`);
}

/**
 * The API server answers 400 for logs that do not exist yet: a container that is waiting to start (image
 * pull errors), `previous` without a terminated container, or a node that keeps no logs (kwok's fake nodes
 * never run containers). That is a state of the pod, not a malformed request, so say so and point to the
 * tools that show the state; everything else maps as usual.
 */
export function mapPodLogError(err: unknown, ref: ObjectRef & { previous?: boolean }): ServiceError {
  if (err instanceof ApiException && (err.code as number) === 400) {
    const detail = apiStatusMessage(err.body) ?? 'no logs';
    const hint = ref.previous
      ? 'previous=true needs a container that has restarted; omit it for the current container'
      : 'the container may not have started or written anything yet; list_pods and list_events show its state';
    return new ServiceError('conflict', `no logs available for pod ${ref.namespace}/${ref.name}: ${detail}; ${hint}`);
  }
  return mapK8sError(err, ref);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiException && (err.code as number) === 404;
}
