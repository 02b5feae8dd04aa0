/**
 * The simulator's quantity helpers: printing millicores back as a quantity, and a container's or pod's
 * requests the way the API server defaults them. Parsing is base/quantity.ts, the one parser.
 */
import { cpuMillicores, memoryBytes } from '../../base/quantity.js';

export function formatCpu(millicores: number): string {
  const m = Math.round(millicores);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** A container's requests and limits in millicores and bytes; a limit that is not set stays undefined. */
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

/** A pod's requests: the sum over its containers. */
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
