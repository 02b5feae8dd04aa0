/** Who owns spec.replicas, read from real API object shapes (managedFields, HPAs, KEDA's HPA, annotations). */
import type { V1Deployment, V1Namespace, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { replicaOwnership } from '../../src/services/replica-ownership.js';

const field = (manager: string, time: string, replicas = true) => ({
  manager,
  operation: 'Apply',
  apiVersion: 'apps/v1',
  time: new Date(time),
  fieldsV1: { 'f:spec': { ...(replicas ? { 'f:replicas': {} } : {}), 'f:template': {} } },
});
const dep = (o: { managedFields?: unknown[]; annotations?: Record<string, string> } = {}): V1Deployment =>
  ({ metadata: { name: 'web', namespace: 'demo', managedFields: o.managedFields, annotations: o.annotations }, spec: { replicas: 3 } }) as V1Deployment;
const hpa = (meta: Record<string, unknown> = {}): V2HorizontalPodAutoscaler =>
  ({
    metadata: { name: 'web', namespace: 'demo', ...meta },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
  }) as V2HorizontalPodAutoscaler;

describe('replica ownership', () => {
  it.each([
    { name: 'an HPA', d: dep(), hpas: [hpa()], owner: 'HorizontalPodAutoscaler demo/web' },
    {
      name: "KEDA's HPA, named after its ScaledObject",
      d: dep(),
      hpas: [hpa({ name: 'keda-hpa-web', ownerReferences: [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'web', uid: 'u' }] })],
      owner: 'KEDA ScaledObject demo/web',
    },
    { name: 'Argo CD applying replicas', d: dep({ managedFields: [field('argocd-controller', '2026-01-01T00:00:00Z')] }), hpas: [], owner: /^Argo CD/ },
    { name: 'Flux applying replicas', d: dep({ managedFields: [field('kustomize-controller', '2026-01-01T00:00:00Z')] }), hpas: [], owner: /^Flux/ },
    { name: 'Argo CD not applying replicas', d: dep({ managedFields: [field('argocd-controller', '2026-01-01T00:00:00Z', false)] }), hpas: [], owner: null },
    { name: 'helm (a person acting once)', d: dep({ managedFields: [field('helm', '2026-01-01T00:00:00Z')] }), hpas: [], owner: null },
  ])('$name', ({ d, hpas, owner }) => {
    const o = replicaOwnership(d, hpas);
    if (owner instanceof RegExp) expect(o.replicasOwner).toMatch(owner);
    else expect(o.replicasOwner).toBe(owner);
  });

  it('the last writer of spec.replicas is the newest managedFields entry holding it', () => {
    const d = dep({ managedFields: [field('kubectl-client-side-apply', '2026-01-01T00:00:00Z'), field('sentinelops', '2026-01-02T00:00:00Z')] });
    expect(replicaOwnership(d, []).replicasSetBy).toBe('sentinelops');
    expect(replicaOwnership(dep(), []).replicasSetBy).toBeNull();
  });

  it('consent by annotation on the deployment or its namespace', () => {
    const allow = { 'sentinelops.dev/scale-down': 'allow' };
    expect(replicaOwnership(dep(), []).scaleDownOptIn).toBe(false);
    expect(replicaOwnership(dep({ annotations: allow }), []).scaleDownOptIn).toBe(true);
    expect(replicaOwnership(dep(), [], { metadata: { name: 'demo', annotations: allow } } as V1Namespace).scaleDownOptIn).toBe(true);
    expect(replicaOwnership(dep({ annotations: { 'sentinelops.dev/scale-down': 'yes' } }), []).scaleDownOptIn).toBe(false);
  });
});
