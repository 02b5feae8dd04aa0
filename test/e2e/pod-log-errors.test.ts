/**
 * What a real API server answers for logs that do not exist (found on kwok, also a real kubelet's answer
 * for a waiting container or `previous` without a restart): 400 BadRequest. It is a state of the pod, so
 * get_pod_logs says "no logs available" with the next step, not "the API rejected the request".
 */
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { mapPodLogError } from '../../src/k8s/errors.js';

const status = (message: string, code: number) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason: 'BadRequest', code });
const ref = { kind: 'logs of pod', namespace: 'shop', name: 'web-1', listTool: 'list_pods' };

describe('mapPodLogError', () => {
  it('turns a 400 for missing logs into a conflict that names the pod and the tools that show its state', () => {
    const err = mapPodLogError(new ApiException(400, 'Bad Request', status('no logs found for container "nginx" in pod "shop/web-1"', 400), {}), ref);
    expect(err.code).toBe('conflict');
    expect(err.message).toBe(
      'no logs available for pod shop/web-1: no logs found for container "nginx" in pod "shop/web-1"; the container may not have started or written anything yet; list_pods and list_events show its state',
    );
  });

  it('explains previous=true when there is no terminated container', () => {
    const err = mapPodLogError(new ApiException(400, 'Bad Request', status('previous terminated container "nginx" in pod "web-1" not found', 400), {}), {
      ...ref,
      previous: true,
    });
    expect(err.message).toMatch(
      /^no logs available for pod shop\/web-1: previous terminated container .*; previous=true needs a container that has restarted; omit it for the current container$/,
    );
  });

  it('maps other failures as every other read does', () => {
    const err = mapPodLogError(new ApiException(404, 'Not Found', status('pods "web-1" not found', 404), {}), ref);
    expect(err).toMatchObject({ code: 'not_found', message: 'logs of pod shop/web-1 not found; list_pods shows what exists' });
  });
});
