/**
 * SentinelOps' own metrics (prom-client), served at GET /metrics. One registry per instance so tests and
 * embedded servers do not share counters; the process-wide one (`defaultMetrics()`) is what the CLI
 * commands and the module-level helpers use. Label values are bounded sets (tool names, incident types,
 * outcomes) — never namespaces or pod names, which would make the series count grow with the cluster.
 *
 * Many clusters (README "Many clusters"): the families about a cluster's work (agent cycles, tool calls, incidents,
 * MTTR, actions) carry a `cluster` label when the work named one. Its values are the configured clusters only
 * (`trackClusters`): a name the store still holds for a cluster since removed from the kubeconfig is `other`, so
 * the series count follows the configuration, not the history. Without a cluster (a server of one cluster, rows
 * from before clusters were recorded) the label is absent.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreFacts } from './store-facts.js';

export const METRIC_PREFIX = 'sentinelops_';

/** Everything a caller records; `observe*`/`record*` methods are cheap and never throw. */
export class SentinelMetrics {
  readonly registry: Registry;
  private readonly agentCycles: Counter<'outcome' | 'cluster'>;
  private readonly agentCycleDuration: Histogram<'outcome' | 'cluster'>;
  private facts: StoreFacts | undefined;
  private clusters: (() => readonly string[]) | undefined;
  private readonly toolCalls: Histogram<'tool' | 'outcome' | 'cluster'>;
  private readonly alerts: Counter<'status' | 'result'>;
  private readonly sourceUp: Gauge<'source'>;

  constructor(opts: { processMetrics?: boolean } = {}) {
    this.registry = new Registry();
    const registers = [this.registry];
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.agentCycles = new Counter({
      name: `${METRIC_PREFIX}agent_cycles_total`,
      help: 'Agent cycles (monitor → analyze → decide → act → verify) by outcome (ok or error) and cluster.',
      labelNames: ['outcome', 'cluster'],
      registers,
    });
    this.agentCycleDuration = new Histogram({
      name: `${METRIC_PREFIX}agent_cycle_duration_seconds`,
      help: 'Wall time of one agent cycle.',
      labelNames: ['outcome', 'cluster'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    // Incidents, MTTR and actions come from the store at scrape time (see store-facts.ts for why): these three
    // are registered with a collect() callback and never written to directly, so no field keeps them.
    const self = this;
    new Gauge({
      name: `${METRIC_PREFIX}incidents`,
      help: 'Incidents in the store by type (crash_loop, cpu_overload, image_pull, alert, ...), outcome (open, resolved, failed, escalated) and cluster.',
      labelNames: ['type', 'outcome', 'cluster'],
      registers,
      collect() {
        this.reset();
        // Rows of a removed cluster fold into `other`: summed, not overwritten.
        for (const r of self.facts?.incidentCounts() ?? []) this.inc({ type: r.type, outcome: r.outcome, ...self.clusterLabel(r.cluster) }, r.count);
      },
    });
    new Histogram({
      name: `${METRIC_PREFIX}incident_mttr_seconds`,
      help: 'Time from detection to verified resolution of resolved incidents (MTTR), by type and cluster.',
      labelNames: ['type', 'cluster'],
      buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200],
      registers,
      collect() {
        this.reset();
        for (const r of self.facts?.resolutionSeconds() ?? []) this.observe({ type: r.type, ...self.clusterLabel(r.cluster) }, nonNegative(r.seconds));
      },
    });
    new Counter({
      name: `${METRIC_PREFIX}actions_total`,
      help: 'Mutating tool calls (by the agent or a client) from the audit log, by tool, result (ok, dry_run, error; refusals are errors) and cluster.',
      labelNames: ['tool', 'result', 'cluster'],
      registers,
      collect() {
        this.reset();
        for (const r of self.facts?.actionCounts() ?? []) this.inc({ tool: r.tool, result: r.result, ...self.clusterLabel(r.cluster) }, r.count);
      },
    });
    this.toolCalls = new Histogram({
      name: `${METRIC_PREFIX}mcp_tool_call_duration_seconds`,
      help: 'Latency of MCP tool calls by tool, outcome (ok, or error for isError results and exceptions) and the cluster the call ran against.',
      labelNames: ['tool', 'outcome', 'cluster'],
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

  recordAgentCycle(seconds: number, ok: boolean, cluster?: string | null): void {
    const labels = { outcome: ok ? 'ok' : 'error', ...this.clusterLabel(cluster) };
    this.agentCycles.inc(labels);
    this.agentCycleDuration.observe(labels, nonNegative(seconds));
  }

  /** The configured clusters (the registry's names, read at each use: a kubeconfig reload changes them). */
  trackClusters(names: () => readonly string[]): void {
    this.clusters = names;
  }

  /** `{cluster}` for a configured cluster, `{cluster: 'other'}` for any other name, nothing without one. */
  private clusterLabel(cluster: string | null | undefined): { cluster?: string } {
    if (cluster === null || cluster === undefined || cluster === '') return {};
    if (!this.clusters || this.clusters().includes(cluster)) return { cluster };
    return { cluster: 'other' };
  }

  /** The store the incident, MTTR and action metrics read at each scrape: `metrics.trackStore(storeFacts(store.db))`. */
  trackStore(facts: StoreFacts): void {
    this.facts = facts;
  }

  observeToolCall(tool: string, seconds: number, ok: boolean, cluster?: string): void {
    this.toolCalls.observe({ tool, outcome: ok ? 'ok' : 'error', ...this.clusterLabel(cluster) }, nonNegative(seconds));
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
