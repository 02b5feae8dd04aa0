/**
 * The clusters one process can reach, by kubeconfig context name (README "Many clusters"). The default
 * cluster is the runtime's own client, cache and metrics source; any other context gets its client, cache
 * and metrics-server source on first use, a bounded number kept (least recently used goes, its watches
 * stopped). The kubeconfig files are watched: a change is re-read after a short quiet period, credentials
 * are swapped into the live KubeConfig objects (client-node reads them per request, so every client, cache
 * watch and agent built on them uses the new ones), and a context whose server moved is rebuilt.
 */
import { type FSWatcher, watch } from 'node:fs';
import { delimiter } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../base/clock.js';
import { ServiceError } from '../base/errors.js';
import type { Logger } from '../base/log.js';
import type { Config } from '../config/schema.js';
import { ClusterCache } from '../k8s/cache/index.js';
import { ClusterClient } from '../k8s/client.js';
import { DEFAULT_KUBECONFIG, loadKubeConfig } from '../k8s/kubeconfig.js';
import { MetricsServerSource } from '../metrics/metrics-server-source.js';
import type { ClusterBinding, ClusterResolver, ClusterSummary } from '../services/context.js';

type Impersonate = ClusterClient['impersonate'];

export interface ClusterRegistryOptions {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** the runtime's own cluster: the one a call without `cluster` runs against */
  default: Omit<ClusterBinding, 'name'>;
  /** kubeconfig text of the embedded simulator(s) (cluster mode sim) */
  simKubeconfigYaml?: string;
  /** clusters other than the default kept with live clients and caches (default 16) */
  maxClusters?: number;
  /** how long a list_clusters reachability answer is reused (default 10 s) */
  reachabilityTtlMs?: number;
  /** the /version probe's own bound, shorter than a tool's (default 2 s) */
  probeTimeoutMs?: number;
  /** quiet period after a kubeconfig change before it is re-read (default 200 ms) */
  debounceMs?: number;
}

interface Entry extends ClusterBinding {
  /** the server URL the clients were built for: a change rebuilds them */
  server: string;
  owned: boolean;
  /** clients acting as a person on this cluster, by identity */
  people: Map<string, ClusterClient>;
}

const MAX_PEOPLE = 32;

export class ClusterRegistry implements ClusterResolver {
  readonly defaultName: string;
  private contexts: string[] = [];
  private readonly entries = new Map<string, Entry>();
  private readonly probes = new Map<string, { at: number; answer: Promise<Pick<ClusterSummary, 'reachable' | 'version' | 'error'>> }>();
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly max: number;
  private readonly defaultKc: KubeConfig;

  constructor(private readonly o: ClusterRegistryOptions) {
    this.max = o.maxClusters ?? 16;
    this.defaultKc = o.default.cluster.kubeConfig;
    this.defaultName = o.config.cluster.mode === 'in-cluster' ? 'in-cluster' : this.defaultKc.getCurrentContext();
    this.entries.set(this.defaultName, { ...o.default, name: this.defaultName, server: o.default.cluster.server, owned: false, people: new Map() });
    this.contexts = this.readContexts() ?? [this.defaultName];
  }

  names(): string[] {
    return [...new Set([this.defaultName, ...this.contexts])];
  }

  resolve(name?: string, as?: Impersonate): ClusterBinding {
    const entry = this.entry(name ?? this.defaultName);
    if (!as) return entry;
    const key = JSON.stringify([as.user, [...as.groups].sort()]);
    let client = entry.people.get(key);
    if (!client) {
      client = new ClusterClient(entry.cluster.kubeConfig, { requestTimeoutMs: entry.cluster.requestTimeoutMs, impersonate: as });
      if (entry.people.size >= MAX_PEOPLE) entry.people.delete(entry.people.keys().next().value!);
      entry.people.set(key, client);
    }
    return { ...entry, cluster: client };
  }

  /** `names`: only these (the agent's clusters); unknown names are answered unreachable, not refused. */
  async describe(names?: readonly string[]): Promise<ClusterSummary[]> {
    return Promise.all(
      (names ?? this.names()).map(async (name) => {
        const kc = name === this.defaultName ? this.defaultKc : this.contexts.includes(name) ? this.tryLoad(name) : undefined;
        const base = { name, default: name === this.defaultName, server: kc?.getCurrentCluster()?.server ?? 'unknown', auth: kc ? authKind(kc) : 'unknown' };
        if (!kc) return { ...base, reachable: false, error: 'the kubeconfig entry cannot be read' };
        return { ...base, ...(await this.probe(name, kc)) };
      }),
    );
  }

  /** Starts watching the kubeconfig files (mode kubeconfig); returns the registry for chaining. */
  watch(): this {
    if (this.o.config.cluster.mode !== 'kubeconfig') return this;
    const files = (this.o.config.cluster.kubeconfig ?? DEFAULT_KUBECONFIG).split(delimiter).filter(Boolean);
    for (const file of files) {
      try {
        // Editors and `kubectl config` replace the file (rename): `change` and `rename` both mean "read again".
        const w = watch(file, { persistent: false }, () => this.schedule());
        w.on('error', (err) => this.o.logger.warn({ err, file }, 'kubeconfig watch failed; changes need a restart'));
        this.watchers.push(w);
      } catch (err) {
        this.o.logger.warn({ err, file }, 'cannot watch the kubeconfig; changes need a restart');
      }
    }
    return this;
  }

  /** Re-reads the kubeconfig now (the watcher calls it after the quiet period). */
  reload(): void {
    const contexts = this.readContexts();
    if (!contexts) return;
    this.contexts = contexts;
    this.probes.clear();
    for (const entry of [...this.entries.values()]) {
      if (entry.name === this.defaultName && this.o.config.cluster.mode !== 'kubeconfig') continue;
      const fresh = contexts.includes(entry.name) ? this.tryLoad(entry.name) : undefined;
      if (!fresh) {
        if (entry.owned) this.drop(entry.name);
        continue;
      }
      const server = fresh.getCurrentCluster()?.server;
      if (server === entry.server || !entry.owned) {
        // Same server: new credentials into the live object. The default's server cannot move under the
        // runtime (chaos, the agent hold its client); that needs a restart, and is said.
        adoptCredentials(entry.cluster.kubeConfig, fresh);
        if (server !== entry.server) this.o.logger.warn({ cluster: entry.name, server }, 'the default cluster moved to another server; restart to follow it');
      } else {
        this.drop(entry.name);
      }
    }
    this.o.logger.info({ contexts: contexts.length }, 'kubeconfig reloaded');
  }

  close(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    this.watchers = [];
    for (const e of this.entries.values()) if (e.owned) e.cache?.stop();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), this.o.debounceMs ?? 200);
    this.timer.unref();
  }

  private entry(name: string): Entry {
    let entry = this.entries.get(name);
    if (entry) {
      // Map order is recency order: the least recently used other cluster goes first.
      this.entries.delete(name);
      this.entries.set(name, entry);
      return entry;
    }
    if (!this.contexts.includes(name)) {
      throw new ServiceError(
        'invalid',
        `unknown cluster "${name.slice(0, 100)}"; known clusters: ${this.names().join(', ')} (list_clusters shows them). Nothing was changed.`,
      );
    }
    const kc = this.tryLoad(name);
    if (!kc) throw new ServiceError('unavailable', `cluster "${name}": its kubeconfig entry cannot be read (see the server log)`);
    const cluster = new ClusterClient(kc, { requestTimeoutMs: this.o.config.cluster.requestTimeoutSeconds * 1000 });
    const cache = this.o.config.cluster.cache ? new ClusterCache(cluster, this.o.clock, this.o.logger) : undefined;
    cache?.start();
    // Prometheus (metrics.prometheusUrl) is one server's: other clusters read metrics-server.
    entry = { name, cluster, cache, metrics: new MetricsServerSource(cluster), server: cluster.server, owned: true, people: new Map() };
    this.entries.set(name, entry);
    const others = [...this.entries.values()].filter((e) => e.owned);
    if (others.length > this.max) this.drop(others[0]!.name);
    return entry;
  }

  private drop(name: string): void {
    const e = this.entries.get(name);
    if (!e?.owned) return;
    e.cache?.stop();
    this.entries.delete(name);
  }

  private readContexts(): string[] | undefined {
    if (this.o.config.cluster.mode === 'in-cluster') return undefined;
    try {
      return loadKubeConfig({ ...this.o.config.cluster, context: undefined, simKubeconfigYaml: this.o.simKubeconfigYaml })
        .getContexts()
        .map((c) => c.name);
    } catch (err) {
      this.o.logger.warn({ err }, 'cannot read the kubeconfig; keeping the clusters known so far');
      return undefined;
    }
  }

  private tryLoad(name: string): KubeConfig | undefined {
    try {
      return loadKubeConfig({ ...this.o.config.cluster, context: name, simKubeconfigYaml: this.o.simKubeconfigYaml });
    } catch (err) {
      this.o.logger.warn({ err, cluster: name }, 'cannot load a kubeconfig context');
      return undefined;
    }
  }

  /** GET /version under a short bound, answered from a brief memory so list_clusters stays cheap. */
  private probe(name: string, kc: KubeConfig): Promise<Pick<ClusterSummary, 'reachable' | 'version' | 'error'>> {
    const now = this.o.clock.now();
    const hit = this.probes.get(name);
    if (hit && now - hit.at < (this.o.reachabilityTtlMs ?? 10_000)) return hit.answer;
    const client = new ClusterClient(kc, { requestTimeoutMs: this.o.probeTimeoutMs ?? 2000 });
    const answer = client.version().then(
      (version) => ({ reachable: true, version }),
      (err: unknown) => ({ reachable: false, error: err instanceof Error ? err.message : String(err) }),
    );
    this.probes.set(name, { at: now, answer });
    return answer;
  }
}

/** Moves a fresh KubeConfig's entries into a live one (same current context). */
function adoptCredentials(live: KubeConfig, fresh: KubeConfig): void {
  live.clusters = fresh.clusters;
  live.users = fresh.users;
  live.contexts = fresh.contexts;
  live.setCurrentContext(fresh.getCurrentContext());
}

/** How a context authenticates, named without any of the secret. */
function authKind(kc: KubeConfig): string {
  const u = kc.getCurrentUser();
  if (!u) return 'none';
  if (u.exec) return 'exec';
  if (u.authProvider) return `auth-provider${u.authProvider.name ? `:${u.authProvider.name}` : ''}`;
  if (u.token) return 'token';
  if (u.certData || u.certFile) return 'client-certificate';
  if (u.username) return 'basic';
  return 'none';
}
