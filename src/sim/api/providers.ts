/**
 * What the HTTP API server needs from the rest of the simulator beyond the object store. The controllers
 * and workload model implement these; the API layer only serves them, so it stays free of simulation logic.
 */
import type { KObject } from '../types.js';

export interface PodLogOptions {
  container?: string;
  tailLines?: number;
  sinceSeconds?: number;
  previous?: boolean;
  timestamps?: boolean;
}

export interface FaultApi {
  list(): unknown[];
  /** Validates and starts a fault; throws ApiError (400/404/422) on bad input, changing nothing. */
  inject(body: unknown): unknown;
  /** Ends a fault early; false when there is no such fault. */
  clear(id: string): boolean;
}

export interface SimProviders {
  /** Log text of a pod's container; undefined when the pod or container does not exist. */
  podLogs?(namespace: string, name: string, opts: PodLogOptions): string | undefined;
  /** metrics.k8s.io PodMetrics objects, optionally of one namespace. */
  podMetrics?(namespace?: string): KObject[];
  /** metrics.k8s.io NodeMetrics objects. */
  nodeMetrics?(): KObject[];
  /** Prometheus exposition text (cAdvisor and kube-state-metrics names). */
  prometheusText?(): string;
  faults?: FaultApi;
}
