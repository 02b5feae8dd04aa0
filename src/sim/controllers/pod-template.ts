/**
 * Turns a ReplicaSet's pod template into a Pod with the API server's defaults (the shared admission
 * defaulting), because controllers write to the store directly and skip the HTTP layer.
 */
import { defaultObject } from '../api/admission.js';
import { R } from '../resources.js';
import type { KObject } from '../types.js';

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

export function podFromTemplate(rs: KObject, tolerationSeconds: number): KObject {
  const template = structuredClone(rs.spec?.template ?? {});
  const spec = (template.spec ?? {}) as Record<string, any>;
  // The DefaultTolerationSeconds admission plugin, with the simulator's configurable seconds.
  const tolerations = [...((spec.tolerations ?? []) as Record<string, any>[])];
  for (const key of [NOT_READY_TAINT, UNREACHABLE_TAINT]) {
    if (!tolerations.some((t) => (t.key === key || (t.key === undefined && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute'))) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds });
    }
  }
  spec.tolerations = tolerations;
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  return defaultObject(R.pods, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec,
  });
}
