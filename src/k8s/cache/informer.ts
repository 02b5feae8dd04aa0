/**
 * One kind's watch-fed cache, built on client-node's ListWatch (list once, then watch from the list's
 * resourceVersion; on 410 Gone, in the stream or as the HTTP status, it forgets the version and re-lists, and
 * the re-list deletes what vanished and replaces what changed). What ListWatch lacks, added here:
 *   - projection: it stores whatever the list and the watch hand it, so both are projected first (the list
 *     function pages and projects each page; the Watch subclass projects each event), bounding memory per object;
 *   - restarts: on any error other than 410 (connection refused, 403, a failed list) it reports and stops for
 *     good; here it is restarted after a back-off (1 s doubling to 30 s);
 *   - a bounded watch: it watches with no timeout, so a server that silently went away holds a dead stream
 *     forever; here every watch asks timeoutSeconds (5-10 min, spread) and bookmarks, then resumes;
 *   - state: whether it is synced (listed once and watching), when it last heard from the server, counts.
 */
import { type KubeConfig, type KubernetesListObject, type KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node';
import type { Clock, TimerHandle } from '../../base/clock.js';
import type { Logger } from '../../base/log.js';
import type { Projection } from './projections.js';

export interface InformerStatus {
  kind: string;
  /** listed at least once and not failing since: answers may come from here */
  synced: boolean;
  /** a watch stream is open now */
  watching: boolean;
  objects: number;
  /** epoch ms of the last list or watch event (bookmarks included): the newest information held */
  lastContactAt: number | null;
  lists: number;
  events: number;
  errors: number;
  lastError: string | null;
}

export interface InformerOptions<T extends KubernetesObject> {
  kind: string;
  /** API path of the cluster-wide collection, e.g. /api/v1/pods */
  path: string;
  kubeConfig: KubeConfig;
  /** one page of the collection */
  listPage: (limit: number, cont: string | undefined) => Promise<KubernetesListObject<T>>;
  project: Projection<T>;
  clock: Clock;
  logger: Logger;
  pageSize?: number;
  /** 0.5 to 1 of this, per watch request (default 600) */
  watchTimeoutSeconds?: number;
}

const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

/** client-node's Watch, projecting each object before ListWatch sees (and stores) it. */
class ProjectingWatch<T extends KubernetesObject> extends Watch {
  constructor(
    kc: KubeConfig,
    private readonly informer: ProjectedInformer<T>,
  ) {
    super(kc);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    const params = { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: this.informer.nextWatchTimeout() };
    this.informer.onWatchStart();
    const controller = await super.watch(
      path,
      params,
      (phase, obj, raw) => {
        this.informer.onEvent();
        callback(phase, phase === 'ERROR' || phase === 'BOOKMARK' ? obj : this.informer.project(obj as T), raw);
      },
      (err) => {
        this.informer.onWatchEnd();
        done(err);
      },
    );
    return controller;
  }
}

export class ProjectedInformer<T extends KubernetesObject> {
  private readonly lw: ListWatch<T>;
  private readonly pageSize: number;
  private readonly watchTimeoutSeconds: number;
  private stopped = true;
  private listedOnce = false;
  private failing = false;
  private watching = false;
  private lastContactAt: number | null = null;
  private lists = 0;
  private events = 0;
  private errors = 0;
  private lastError: string | null = null;
  private backoffMs = MIN_BACKOFF_MS;
  private retry: TimerHandle | undefined;
  private firstSync: Promise<void>;
  private resolveFirstSync!: () => void;
  /** bumped on every add, update and delete: readers rebuild derived views (sorted order) only when it moved */
  version = 0;

  constructor(private readonly o: InformerOptions<T>) {
    this.pageSize = o.pageSize ?? 500;
    this.watchTimeoutSeconds = o.watchTimeoutSeconds ?? 600;
    this.firstSync = new Promise((resolve) => {
      this.resolveFirstSync = resolve;
    });
    this.lw = new ListWatch<T>(o.path, new ProjectingWatch<T>(o.kubeConfig, this), () => this.listAll(), false);
    const bump = () => {
      this.version++;
    };
    this.lw.on('add', bump);
    this.lw.on('update', bump);
    this.lw.on('delete', bump);
    this.lw.on('error', (err: unknown) => this.onError(err));
  }

  get kind(): string {
    return this.o.kind;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.lw.start().catch((err: unknown) => this.onError(err));
  }

  stop(): void {
    this.stopped = true;
    this.o.clock.clearTimeout(this.retry);
    this.retry = undefined;
    void this.lw.stop();
    this.watching = false;
  }

  /** Resolves once the first list has been stored (or never, if the server never answers: race it with a timeout). */
  whenSynced(): Promise<void> {
    return this.firstSync;
  }

  get synced(): boolean {
    return this.listedOnce && !this.failing;
  }

  list(namespace?: string): readonly T[] {
    return this.lw.list(namespace);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.lw.get(name, namespace);
  }

  status(): InformerStatus {
    let objects = 0;
    for (const _ of this.lw.list()) objects++;
    return {
      kind: this.o.kind,
      synced: this.synced,
      watching: this.watching,
      objects,
      lastContactAt: this.lastContactAt,
      lists: this.lists,
      events: this.events,
      errors: this.errors,
      lastError: this.lastError,
    };
  }

  /** Milliseconds since the newest information held (a list or a watch event); null before the first list. */
  ageMs(now: number): number | null {
    return this.lastContactAt === null ? null : Math.max(0, now - this.lastContactAt);
  }

  get isWatching(): boolean {
    return this.watching;
  }

  // --- called by ProjectingWatch ---
  project(obj: T): T {
    return this.o.project(obj);
  }

  nextWatchTimeout(): number {
    return Math.round(this.watchTimeoutSeconds * (0.5 + Math.random() / 2));
  }

  onWatchStart(): void {
    // ListWatch calls watch() right after storing a list: from here on the cache holds the cluster.
    if (this.lists > 0 && !this.listedOnce) {
      this.listedOnce = true;
      this.resolveFirstSync();
    }
    this.failing = false;
    this.watching = true;
    this.backoffMs = MIN_BACKOFF_MS;
  }

  onEvent(): void {
    this.events++;
    this.lastContactAt = this.o.clock.now();
  }

  onWatchEnd(): void {
    this.watching = false;
  }

  private async listAll(): Promise<KubernetesListObject<T>> {
    const items: T[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.o.listPage(this.pageSize, cont);
      for (const obj of page.items) items.push(this.o.project(obj));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      cont = page.metadata?._continue || undefined;
    } while (cont);
    this.lists++;
    this.lastContactAt = this.o.clock.now();
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion }, items };
  }

  private onError(err: unknown): void {
    this.errors++;
    this.watching = false;
    this.lastError = err instanceof Error ? err.message : String(err);
    if (this.stopped) return;
    // A cache that cannot reach the server stops answering; the services read the API (and say so) meanwhile.
    this.failing = true;
    this.o.logger.warn({ kind: this.o.kind, err: this.lastError, retryInMs: this.backoffMs }, 'cluster cache: list/watch failed; retrying');
    this.o.clock.clearTimeout(this.retry);
    this.retry = this.o.clock.setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.lw.start().catch((e: unknown) => this.onError(e));
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }
}
