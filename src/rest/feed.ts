/**
 * The dashboard's live feed: every `intervalMs` it collects the dashboard stats once (however many
 * browsers watch), records the per-deployment series, and pushes the result to subscribers; incident
 * changes are pushed at once and trigger an early refresh. Timers come from the injected Clock.
 */
import type { Clock, TimerHandle } from '../base/clock.js';
import type { Logger } from '../base/log.js';
import type { IncidentEvent, Store } from '../store/index.js';
import { collectDashboardStats, type DashboardStats } from './dashboard-stats.js';
import type { ToolInvoker } from './invoker.js';
import { DeploymentSeries } from './series.js';

const MAX_CYCLES = 8;

export type FeedEvent = { type: 'stats'; data: DashboardStats } | { type: 'incident'; data: IncidentEvent };

export interface FeedOptions {
  invoker: ToolInvoker;
  store: Store;
  clock: Clock;
  logger: Logger;
  chaosEnabled: boolean;
  intervalMs?: number;
  /** the cluster this feed shows (the dashboard's cluster picker); default: the default cluster */
  cluster?: string;
}

export class DashboardFeed {
  readonly series: DeploymentSeries;
  private readonly listeners = new Set<(e: FeedEvent) => void>();
  private readonly intervalMs: number;
  private timer: TimerHandle | undefined;
  private running = false;
  private inFlight: Promise<DashboardStats> | undefined;
  private last: DashboardStats | undefined;
  /** agent_status shows only the last cycle; the dashboard lists a few */
  private readonly cycles: Record<string, unknown>[] = [];

  constructor(private readonly opts: FeedOptions) {
    this.intervalMs = opts.intervalMs ?? 5000;
    this.series = new DeploymentSeries(this.intervalMs / 1000);
  }

  private readonly onIncident = (e: IncidentEvent) => {
    // A cluster's feed tells only its own incidents (incidents without a cluster belong to no picked one).
    if (this.opts.cluster !== undefined && e.incident.cluster !== this.opts.cluster) return;
    this.emit({ type: 'incident', data: e });
    this.schedule(250);
  };

  start(): void {
    if (this.running) return;
    this.running = true;
    this.opts.store.state.incidents.events.on('incident', this.onIncident);
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.opts.store.state.incidents.events.off('incident', this.onIncident);
    this.opts.clock.clearTimeout(this.timer);
    this.listeners.clear();
  }

  subscribe(fn: (e: FeedEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** The newest stats with the series, collecting now when none are cached yet. */
  async latest(): Promise<DashboardStats> {
    return this.last ?? this.refresh();
  }

  /** Collects once; concurrent callers share the same collection. */
  refresh(): Promise<DashboardStats> {
    this.inFlight ??= this.collect().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async collect(): Promise<DashboardStats> {
    const now = this.opts.clock.now();
    const stats = await collectDashboardStats(this.opts.invoker, { now, chaosEnabled: this.opts.chaosEnabled, cluster: this.opts.cluster });
    if (stats.deployments) this.series.record(now, stats.deployments);
    this.rememberCycle(stats.agent?.lastCycle);
    this.last = { ...stats, agentCycles: [...this.cycles], series: this.series.snapshot() };
    this.emit({ type: 'stats', data: this.last });
    return this.last;
  }

  private rememberCycle(cycle: unknown): void {
    if (!cycle || typeof cycle !== 'object') return;
    const c = cycle as Record<string, unknown>;
    if (this.cycles.some((x) => x.cycle === c.cycle && x.at === c.at)) return;
    this.cycles.unshift(c);
    this.cycles.splice(MAX_CYCLES);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.opts.clock.clearTimeout(this.timer);
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      this.refresh()
        .catch((err: unknown) => this.opts.logger.warn({ err }, 'dashboard stats collection failed'))
        .finally(() => {
          if (!this.timer) this.schedule(this.intervalMs);
        });
    }, ms);
  }

  private emit(e: FeedEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch (err) {
        this.opts.logger.warn({ err }, 'dashboard feed listener failed');
      }
    }
  }
}
