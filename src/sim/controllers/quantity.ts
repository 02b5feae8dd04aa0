/**
 * The simulator's quantity helpers: printing millicores and bytes back as quantities, and a container's or pod's
 * requests the way the API server defaults them. Parsing is base/quantity.ts, the one parser.
 */
import { cpuMillicores, memoryBytes } from '../../base/quantity.js';

export function formatCpu(millicores: number): string {
  const m = Math.round(millicores);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

export function formatMemory(bytes: number): string {
  const b = Math.round(bytes);
  for (const [suffix, size] of [
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ] as const) {
    if (b % size === 0 && b >= size) return `${b / size}${suffix}`;
  }
  return String(b);
}

/** Sum of one resource over a pod's containers' requests (or limits); undefined limits stay undefined. */
export interface ContainerResources {
  cpuRequest: number;
  memRequest: number;
  cpuLimit?: number;
  memLimit?: number;
}

export function containerResources(c: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }): ContainerResources {
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  // As the API server defaults it: a limit without a request makes the request equal to the limit.
  const cpuLimit = lim.cpu !== undefined ? cpuMillicores(lim.cpu) : undefined;
  const memLimit = lim.memory !== undefined ? memoryBytes(lim.memory) : undefined;
  return {
    cpuRequest: req.cpu !== undefined ? cpuMillicores(req.cpu) : (cpuLimit ?? 0),
    memRequest: req.memory !== undefined ? memoryBytes(req.memory) : (memLimit ?? 0),
    cpuLimit,
    memLimit,
  };
}

export function podRequests(pod: { spec?: { containers?: unknown[] } }): { cpu: number; mem: number } {
  let cpu = 0;
  let mem = 0;
  for (const c of (pod.spec?.containers ?? []) as Parameters<typeof containerResources>[0][]) {
    const r = containerResources(c);
    cpu += r.cpuRequest;
    mem += r.memRequest;
  }
  return { cpu, mem };
}
