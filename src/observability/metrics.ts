/**
 * SentinelOps' own metrics (prom-client), served at GET /metrics. One registry per instance so tests and
 * embedded servers do not share counters; the process-wide one (`defaultMetrics()`) is what the CLI
 * commands and the module-level helpers use. Label values are bounded sets (tool names, incident types,
 * outcomes) — never namespaces or pod names, which would make the series count grow with the cluster.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreFacts } from './store-facts.js';

export const METRIC_PREFIX = 'sentinelops_';

/** Everything a caller records; `observe*`/`record*` methods are cheap and never throw. */
export class SentinelMetrics {
  readonly registry: Registry;
  private readonly agentCycles: Counter<'outcome'>;
  private readonly agentCycleDuration: Histogram<'outcome'>;
  private facts: StoreFacts | undefined;
  private readonly toolCalls: Histogram<'tool' | 'outcome'>;
  private readonly alerts: Counter<'status' | 'result'>;
  private readonly sourceUp: Gauge<'source'>;

  constructor(opts: { processMetrics?: boolean } = {}) {
    this.registry = new Registry();
    const registers = [this.registry];
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.agentCycles = new Counter({
      name: `${METRIC_PREFIX}agent_cycles_total`,
      help: 'Agent cycles (monitor → analyze → decide → act → verify) by outcome: ok or error.',
      labelNames: ['outcome'],
      registers,
    });
    this.agentCycleDuration = new Histogram({
      name: `${METRIC_PREFIX}agent_cycle_duration_seconds`,
      help: 'Wall time of one agent cycle.',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    // Incidents, MTTR and actions come from the store at scrape time (see store-facts.ts for why): these three
    // are registered with a collect() callback and never written to directly, so no field keeps them.
    const self = this;
    new Gauge({
      name: `${METRIC_PREFIX}incidents`,
      help: 'Incidents in the store by type (crash_loop, cpu_overload, image_pull, alert, ...) and outcome (open, resolved, failed, escalated).',
      labelNames: ['type', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const r of self.facts?.incidentCounts() ?? []) this.set({ type: r.type, outcome: r.outcome }, r.count);
      },
    });
    new Histogram({
      name: `${METRIC_PREFIX}incident_mttr_seconds`,
      help: 'Time from detection to verified resolution of resolved incidents (MTTR), by type.',
      labelNames: ['type'],
      buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200],
      registers,
      collect() {
        this.reset();
        for (const r of self.facts?.resolutionSeconds() ?? []) this.observe({ type: r.type }, nonNegative(r.seconds));
      },
    });
    new Counter({
      name: `${METRIC_PREFIX}actions_total`,
      help: 'Mutating tool calls (by the agent or a client) from the audit log, by tool and result (ok, dry_run, error; refusals are errors).',
      labelNames: ['tool', 'result'],
      registers,
      collect() {
        this.reset();
        for (const r of self.facts?.actionCounts() ?? []) this.inc({ tool: r.tool, result: r.result }, r.count);
      },
    });
    this.toolCalls = new Histogram({
      name: `${METRIC_PREFIX}mcp_tool_call_duration_seconds`,
      help: 'Latency of MCP tool calls by tool and outcome (ok, or error for isError results and exceptions).',
      labelNames: ['tool', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.alerts = new Counter({
      name: `${METRIC_PREFIX}alerts_received_total`,
      help: 'Alertmanager alerts received, by status (firing, resolved) and what was done (incident, recorded, ignored).',
      labelNames: ['status', 'result'],
      registers,
    });
    this.sourceUp = new Gauge({
      name: `${METRIC_PREFIX}metrics_source_up`,
      help: '1 when the last request to the metrics source (metrics-server or prometheus) succeeded, else 0.',
      labelNames: ['source'],
      registers,
    });
  }

  recordAgentCycle(seconds: number, ok: boolean): void {
    const outcome = ok ? 'ok' : 'error';
    this.agentCycles.inc({ outcome });
    this.agentCycleDuration.observe({ outcome }, nonNegative(seconds));
  }

  /** The store the incident, MTTR and action metrics read at each scrape: `metrics.trackStore(storeFacts(store.db))`. */
  trackStore(facts: StoreFacts): void {
    this.facts = facts;
  }

  observeToolCall(tool: string, seconds: number, ok: boolean): void {
    this.toolCalls.observe({ tool, outcome: ok ? 'ok' : 'error' }, nonNegative(seconds));
  }

  recordAlert(status: 'firing' | 'resolved', result: 'incident' | 'recorded' | 'ignored'): void {
    this.alerts.inc({ status, result });
  }

  setMetricsSourceUp(source: string, up: boolean): void {
    this.sourceUp.set({ source }, up ? 1 : 0);
  }

  /** Prometheus text exposition format. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function nonNegative(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

let processWide: SentinelMetrics | undefined;

/** The process-wide instance, with Node's process metrics; created on first use. */
export function defaultMetrics(): SentinelMetrics {
  processWide ??= new SentinelMetrics();
  return processWide;
}

/** Shorthands on the process-wide instance, for modules that have no instance injected. */
export const observeToolCall = (tool: string, seconds: number, ok: boolean): void => defaultMetrics().observeToolCall(tool, seconds, ok);
export const recordAgentCycle = (seconds: number, ok: boolean): void => defaultMetrics().recordAgentCycle(seconds, ok);
