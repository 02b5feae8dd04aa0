/**
 * The cost arithmetic, pure: OpenCost's allocation rule — a pod pays for max(request, usage) of CPU and
 * memory at a price per vCPU-hour and per GiB-hour — and the idle part, request minus usage.
 */
import type { Config } from '../config/schema.js';

export const GIB = 2 ** 30;

export interface Prices {
  cpuHourly: number;
  gbHourly: number;
  hoursPerMonth: number;
}

export function pricesOf(config: Pick<Config, 'cost'>): Prices {
  const { cpuHourly, gbHourly, hoursPerMonth } = config.cost;
  return { cpuHourly, gbHourly, hoursPerMonth };
}

export interface PodResources {
  cpuRequestMillicores: number;
  memoryRequestBytes: number;
  /** undefined when the metrics source had no reading for the pod */
  cpuMillicores?: number;
  memoryBytes?: number;
}

export interface CostLine {
  cpuHourly: number;
  memoryHourly: number;
  hourly: number;
  /** reserved but unused: (request − usage) priced; 0 where usage exceeds the request or is unknown */
  idleCpuHourly: number;
  idleMemoryHourly: number;
  idleHourly: number;
}

export const ZERO_COST: CostLine = { cpuHourly: 0, memoryHourly: 0, hourly: 0, idleCpuHourly: 0, idleMemoryHourly: 0, idleHourly: 0 };

export const cpuHourlyOf = (millicores: number, p: Prices) => (millicores / 1000) * p.cpuHourly;
export const memoryHourlyOf = (bytes: number, p: Prices) => (bytes / GIB) * p.gbHourly;

/** A pod's hourly cost. Without a usage reading the request alone is billed and no idle is claimed. */
export function podCost(r: PodResources, p: Prices): CostLine {
  const cpu = cpuHourlyOf(Math.max(r.cpuRequestMillicores, r.cpuMillicores ?? 0), p);
  const mem = memoryHourlyOf(Math.max(r.memoryRequestBytes, r.memoryBytes ?? 0), p);
  const idleCpu = r.cpuMillicores === undefined ? 0 : cpuHourlyOf(Math.max(0, r.cpuRequestMillicores - r.cpuMillicores), p);
  const idleMem = r.memoryBytes === undefined ? 0 : memoryHourlyOf(Math.max(0, r.memoryRequestBytes - r.memoryBytes), p);
  return { cpuHourly: cpu, memoryHourly: mem, hourly: cpu + mem, idleCpuHourly: idleCpu, idleMemoryHourly: idleMem, idleHourly: idleCpu + idleMem };
}

export function addCost(a: CostLine, b: CostLine): CostLine {
  return {
    cpuHourly: a.cpuHourly + b.cpuHourly,
    memoryHourly: a.memoryHourly + b.memoryHourly,
    hourly: a.hourly + b.hourly,
    idleCpuHourly: a.idleCpuHourly + b.idleCpuHourly,
    idleMemoryHourly: a.idleMemoryHourly + b.idleMemoryHourly,
    idleHourly: a.idleHourly + b.idleHourly,
  };
}

/** Dollars: hourly figures keep 6 decimals (a small pod costs fractions of a cent per hour), monthly 4. */
export const roundHourly = (n: number) => Math.round(n * 1e6) / 1e6;
export const roundMonthly = (n: number) => Math.round(n * 1e4) / 1e4;

/** The hourly line with its monthly projection, rounded for output. */
export function costFigures(c: CostLine, p: Prices) {
  return {
    hourly: roundHourly(c.hourly),
    monthly: roundMonthly(c.hourly * p.hoursPerMonth),
    cpuHourly: roundHourly(c.cpuHourly),
    memoryHourly: roundHourly(c.memoryHourly),
    idleHourly: roundHourly(c.idleHourly),
    idleMonthly: roundMonthly(c.idleHourly * p.hoursPerMonth),
    idleCpuHourly: roundHourly(c.idleCpuHourly),
    idleMemoryHourly: roundHourly(c.idleMemoryHourly),
  };
}
