/**
 * The process-wide keeper of chaos experiments: picks the backend, arms a TTL timer (on the injected
 * clock) for every running experiment, ends experiments on request or expiry, and at startup ends the
 * ones a previous process left behind. The store is the source of truth, so two processes sharing it
 * (server and agent) agree on what runs; ending is guarded by the store's active→ended transition.
 * An experiment runs on the cluster it was started on (its record names it), and ends through that cluster's
 * client whoever ends it: a TTL timer, chaos_cleanup on any cluster, or the next start.
 */
import type { Clock, TimerHandle } from '../base/clock.js';
import type { Config } from '../config/schema.js';
import type { ClusterClient } from '../k8s/client.js';
import type { Logger } from '../base/log.js';
import type { ChaosExperimentRecord, Store } from '../store/index.js';
import type { BackendName, ChaosBackend } from './backend.js';
import { KubernetesChaosBackend } from './kubernetes-backend.js';
import { isSimulator, SimulatorChaosBackend } from './simulator-backend.js';

export interface ChaosManagerDeps {
  /** the default cluster */
  cluster: ClusterClient;
  /** the default cluster's name (kubeconfig context), on a server that knows several */
  clusterName?: string;
  /** another cluster's client by name, with the server's own identity; throws for an unknown name */
  clusterByName?: (name: string) => ClusterClient;
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
}

export type EndState = 'cleaned' | 'expired';

/** Audit identity of endings nobody asked for. */
export const TTL_CALLER = 'sentinelops-chaos-ttl';

export class ChaosManager {
  private readonly timers = new Map<string, TimerHandle>();
  /** per cluster name ('' = the default cluster): its backends, and which one it is detected to be */
  private readonly clusters = new Map<string, { backends: Record<BackendName, ChaosBackend>; server: string; detected?: Promise<BackendName> }>();
  private closed = false;

  constructor(private readonly deps: ChaosManagerDeps) {}

  /** The default cluster for a name that is absent or names it; otherwise that cluster (throws when unknown). */
  private backendsOn(cluster: string | null | undefined) {
    const key = cluster && cluster !== this.deps.clusterName ? cluster : '';
    let c = this.clusters.get(key);
    if (!c) {
      const byName = this.deps.clusterByName;
      if (key && !byName) throw new Error(`this server knows one cluster only, not "${key}"`);
      const client = key && byName ? byName(key) : this.deps.cluster;
      const timeoutMs = this.deps.config.cluster.requestTimeoutSeconds * 1000;
      c = {
        server: client.server,
        backends: { simulator: new SimulatorChaosBackend(client.server, timeoutMs), kubernetes: new KubernetesChaosBackend(client, this.deps.config) },
      };
      this.clusters.set(key, c);
    }
    return c;
  }

  /** The backend new experiments on `cluster` (default: the default one) use: configured, or detected once there. */
  async backend(cluster?: string | null): Promise<ChaosBackend> {
    const c = this.backendsOn(cluster);
    const choice = this.deps.config.chaos.backend;
    if (choice !== 'auto') return c.backends[choice];
    c.detected ??= isSimulator(c.server, this.deps.config.cluster.requestTimeoutSeconds * 1000).then((sim) => (sim ? 'simulator' : 'kubernetes'));
    return c.backends[await c.detected];
  }

  /** Fires `end(id, 'expired')` when the experiment's TTL passes. */
  arm(exp: ChaosExperimentRecord): void {
    if (this.closed || exp.state !== 'active') return;
    this.deps.clock.clearTimeout(this.timers.get(exp.id));
    const ms = Math.max(0, exp.expiresAt - this.deps.clock.now());
    this.timers.set(
      exp.id,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(exp.id);
        void this.end(exp.id, 'expired', TTL_CALLER).catch((err: unknown) => this.deps.logger.error({ err, experiment: exp.id }, 'chaos TTL cleanup failed'));
      }, ms),
    );
  }

  /**
   * Ends an active experiment: stops what it runs, then marks it. When stopping fails the experiment is
   * still marked ended with the error: its own bound (fault duration, activeDeadlineSeconds) ends it.
   * Returns the updated record, or undefined when it was not active.
   */
  async end(id: string, state: EndState, caller: string): Promise<ChaosExperimentRecord | undefined> {
    const exp = this.deps.store.chaos.get(id);
    if (exp?.state !== 'active') return undefined;
    this.deps.clock.clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    let error: string | undefined;
    try {
      // A cluster removed from the kubeconfig since throws here: the experiment is marked ended with the error.
      await this.backendsOn(exp.cluster).backends[exp.backend as BackendName]?.stop(exp);
    } catch (err) {
      error = `cleanup failed: ${(err as Error).message}; the experiment's own deadline (${new Date(exp.expiresAt).toISOString()}) still ends it`;
      this.deps.logger.warn({ err, experiment: id }, 'chaos cleanup failed');
    }
    const now = this.deps.clock.now();
    if (!this.deps.store.chaos.finish(id, state, now, error)) return undefined;
    const after = this.deps.store.chaos.get(id)!;
    if (caller === TTL_CALLER) {
      // Nobody called a tool, but the cluster changed back: the audit log shows it.
      await this.deps.store.state.audit.record({
        caller,
        cluster: exp.cluster ?? this.deps.clusterName,
        tool: 'chaos_ttl_expiry',
        target: `chaos/${exp.namespace}/${exp.target}`,
        arguments: { id },
        before: { state: exp.state },
        after: { state: after.state },
        ok: error === undefined,
        error,
        at: now,
      });
    }
    this.deps.logger.info({ experiment: id, state, caller }, 'chaos experiment ended');
    return after;
  }

  /** At startup: ends experiments past their TTL and re-arms the timers of the others. */
  async recover(): Promise<{ ended: string[]; rearmed: string[] }> {
    const ended: string[] = [];
    const rearmed: string[] = [];
    for (const exp of this.deps.store.chaos.active()) {
      if (exp.expiresAt <= this.deps.clock.now()) {
        if (await this.end(exp.id, 'expired', TTL_CALLER)) ended.push(exp.id);
      } else {
        this.arm(exp);
        rearmed.push(exp.id);
      }
    }
    return { ended, rearmed };
  }

  /** Process shutdown: drops the timers; running experiments end by their own bounds or at the next start. */
  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) this.deps.clock.clearTimeout(t);
    this.timers.clear();
  }
}
