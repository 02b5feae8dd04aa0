/** Every resource type the simulator serves, declared once: discovery, routing and controllers read this. */
import type { ResourceType } from './types.js';

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const R = {
  namespaces: { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', listKind: 'NamespaceList', namespaced: false, shortNames: ['ns'], verbs: RW, subresources: ['status'] },
  nodes: { group: '', version: 'v1', plural: 'nodes', singular: 'node', kind: 'Node', listKind: 'NodeList', namespaced: false, shortNames: ['no'], verbs: RW, subresources: ['status'] },
  pods: { group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', listKind: 'PodList', namespaced: true, shortNames: ['po'], verbs: RW, subresources: ['status', 'log'], categories: ['all'] },
  events: { group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', listKind: 'EventList', namespaced: true, shortNames: ['ev'], verbs: RW },
  services: { group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', listKind: 'ServiceList', namespaced: true, shortNames: ['svc'], verbs: RW, subresources: ['status'], categories: ['all'] },
  configmaps: { group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', listKind: 'ConfigMapList', namespaced: true, shortNames: ['cm'], verbs: RW },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment', listKind: 'DeploymentList', namespaced: true, shortNames: ['deploy'], verbs: RW, subresources: ['status', 'scale'], categories: ['all'] },
  replicasets: { group: 'apps', version: 'v1', plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', listKind: 'ReplicaSetList', namespaced: true, shortNames: ['rs'], verbs: RW, subresources: ['status', 'scale'], categories: ['all'] },
  horizontalpodautoscalers: { group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', kind: 'HorizontalPodAutoscaler', listKind: 'HorizontalPodAutoscalerList', namespaced: true, shortNames: ['hpa'], verbs: RW, subresources: ['status'], categories: ['all'] },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', singular: 'lease', kind: 'Lease', listKind: 'LeaseList', namespaced: true, verbs: RW },
  podMetrics: { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'pods', singular: '', kind: 'PodMetrics', listKind: 'PodMetricsList', namespaced: true, verbs: ['get', 'list'] },
  nodeMetrics: { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes', singular: '', kind: 'NodeMetrics', listKind: 'NodeMetricsList', namespaced: false, verbs: ['get', 'list'] },
} satisfies Record<string, ResourceType>;

export const ALL_RESOURCES: ResourceType[] = Object.values(R);

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return ALL_RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}
