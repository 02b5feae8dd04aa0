/**
 * Chaos through the simulator's fault API (/sim/v1/faults on the same URL as the Kubernetes API):
 * crash-pod kills the pod's container (the kubelet restarts it, restarts += 1) and cpu-spike adds the
 * requested millicores to the deployment's CPU demand, which the metrics API then reports.
 */
import type { ChaosExperimentRecord } from '../store/index.js';
import { ServiceError } from '../base/errors.js';
import type { ChaosBackend, CpuSpikeSpec, Started } from './backend.js';

interface FaultRecord {
  id: string;
  fault: string;
  target: string;
  detail?: Record<string, unknown>;
}

export class SimulatorChaosBackend implements ChaosBackend {
  readonly name = 'simulator';
  readonly description =
    "simulator: pod crash kills the container through the fault API (the kubelet restarts it); cpu spike adds millicoresPerPod × pods to the deployment's CPU demand for durationSeconds";

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async crashPods(namespace: string, pods: readonly string[]): Promise<Started> {
    const faults: string[] = [];
    for (const pod of pods) faults.push((await this.inject({ fault: 'crash-pod', pod: `${namespace}/${pod}` })).id);
    return { handles: {}, detail: { crashed: [...pods], faults } };
  }

  async startCpuSpike(spec: CpuSpikeSpec): Promise<Started> {
    const millicores = spec.millicoresPerPod * spec.pods.length;
    const f = await this.inject({ fault: 'cpu-spike', deployment: `${spec.namespace}/${spec.deployment}`, millicores, durationSeconds: spec.durationSeconds });
    return { handles: { faultId: f.id, fault: f.fault, target: f.target }, detail: { addedMillicores: millicores, ...(f.detail ?? {}) } };
  }

  async stop(exp: ChaosExperimentRecord): Promise<void> {
    const id = exp.handles.faultId;
    if (typeof id !== 'string') return;
    // A restarted simulator reuses fault ids: only clear the fault if it is still the one we started.
    const active = (await this.request<{ items: FaultRecord[] }>('GET', '/sim/v1/faults')).items;
    if (!active.some((f) => f.id === id && f.fault === exp.handles.fault && f.target === exp.handles.target)) return;
    await this.request('DELETE', `/sim/v1/faults/${encodeURIComponent(id)}`, undefined, [404]);
  }

  private inject(body: Record<string, unknown>): Promise<FaultRecord> {
    return this.request<FaultRecord>('POST', '/sim/v1/faults', body);
  }

  private async request<T>(method: string, path: string, body?: unknown, tolerated: number[] = []): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ServiceError(
        'unavailable',
        `the simulator's fault API at ${this.baseUrl} did not answer (${(err as Error).message}); is the simulator running?`,
      );
    }
    const text = await res.text();
    if (!res.ok && !tolerated.includes(res.status)) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new ServiceError(
        res.status === 404 ? 'not_found' : res.status === 409 ? 'conflict' : 'invalid',
        `the simulator refused ${method} ${path} (${res.status}): ${message}`,
      );
    }
    return (text ? JSON.parse(text) : {}) as T;
  }
}

/** True when `baseUrl` is the SentinelOps simulator (GET /sim/v1/info answers as one). */
export async function isSimulator(baseUrl: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(new URL('/sim/v1/info', baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return false;
    return ((await res.json()) as { simulator?: unknown }).simulator === 'sentinelops';
  } catch {
    return false;
  }
}
