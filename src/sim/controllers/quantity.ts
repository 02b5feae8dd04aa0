/** Kubernetes resource quantities ("100m", "0.5", "64Mi", "1G", "1e3") to numbers and back. */

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;

/** The quantity in base units (cores, bytes); undefined when it is not a valid quantity. */
export function parseQuantity(q: string | number | undefined | null): number | undefined {
  if (q === undefined || q === null) return undefined;
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? '']!;
}

export function isQuantity(q: unknown): boolean {
  return (typeof q === 'string' || typeof q === 'number') && parseQuantity(q) !== undefined;
}

/** CPU quantity in millicores (rounded up, as the API server does); 0 when absent or invalid. */
export function cpuMillis(q: string | number | undefined | null): number {
  const v = parseQuantity(q);
  return v === undefined ? 0 : Math.ceil(Math.round(v * 1e6) / 1e3);
}

/** Memory quantity in bytes; 0 when absent or invalid. */
export function memBytes(q: string | number | undefined | null): number {
  const v = parseQuantity(q);
  return v === undefined ? 0 : Math.ceil(v);
}

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
  const cpuLimit = lim.cpu !== undefined ? cpuMillis(lim.cpu) : undefined;
  const memLimit = lim.memory !== undefined ? memBytes(lim.memory) : undefined;
  return {
    cpuRequest: req.cpu !== undefined ? cpuMillis(req.cpu) : (cpuLimit ?? 0),
    memRequest: req.memory !== undefined ? memBytes(req.memory) : (memLimit ?? 0),
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
