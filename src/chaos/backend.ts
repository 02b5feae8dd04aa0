/**
 * How an experiment is carried out. On the SentinelOps simulator the fault API does it (a real container
 * crash, a real rise in the workload's CPU demand); on a real cluster plain Kubernetes objects do (pod
 * deletion, a bounded CPU burner pod beside each target pod). Both are bounded by themselves too — the
 * simulator expires the fault, Kubernetes ends the burner at activeDeadlineSeconds — so an experiment
 * ends even if SentinelOps dies before its TTL timer fires.
 */
import type { ChaosExperimentRecord } from '../store/index.js';

export const BACKEND_NAMES = ['simulator', 'kubernetes'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface TargetPod {
  name: string;
  node: string | null;
}

export interface CpuSpikeSpec {
  /** the experiment id, used to label what it creates */
  id: string;
  namespace: string;
  deployment: string;
  /** the pods to burn beside (real cluster); their count scales the added load (simulator) */
  pods: TargetPod[];
  millicoresPerPod: number;
  durationSeconds: number;
}

export interface Started {
  /** what ending it needs */
  handles: Record<string, unknown>;
  /** what it did, for status and the audit log */
  detail: Record<string, unknown>;
}

export interface ChaosBackend {
  readonly name: BackendName;
  /** one sentence for chaos_status and docs: what crash and cpu spike do here */
  readonly description: string;
  crashPods(namespace: string, pods: readonly string[]): Promise<Started>;
  startCpuSpike(spec: CpuSpikeSpec): Promise<Started>;
  /** Ends what the experiment still runs; tolerates parts already gone. Crashes have nothing to end. */
  stop(exp: ChaosExperimentRecord): Promise<void>;
}
