export { ClusterClient, type ListOptions, type LogOptions, type Page } from './client.js';
export { loadKubeConfig, serverUrl, type KubeConfigSource } from './kubeconfig.js';
export { mapK8sError, isNotFound } from './errors.js';
export { cpuMillicores, memoryBytes, parseQuantity } from '../base/quantity.js';
export { selectorToString } from './selectors.js';
