/**
 * Garbage collector with background propagation: when an owner goes, its dependents (by ownerReference
 * uid) are deleted, pods gracefully. Deleting a namespace deletes everything in it.
 */
import { R } from '../resources.js';
import type { KObject, ResourceType } from '../types.js';
import type { SimContext } from './context.js';
import { deletePodGracefully } from './pods.js';
import { WorkQueue } from './queue.js';

/** Owner kinds we collect for, and the dependent types that can point at them. */
const DEPENDENTS: ResourceType[] = [R.replicasets, R.pods];
const NAMESPACED: ResourceType[] = [R.deployments, R.replicasets, R.pods, R.services, R.configmaps, R.events, R.leases, R.horizontalpodautoscalers];

export class GarbageCollector {
  private readonly unwatch: (() => void)[] = [];
  /** Uids of deleted owners, by namespace, waiting for their dependents to be collected. */
  private readonly goneOwners = new Map<string, Set<string>>();
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: SimContext) {
    this.queue = new WorkQueue(ctx.clock, 'garbage-collector', (k) => this.collect(k), ctx.logger);
  }

  start(): void {
    const { store } = this.ctx;
    for (const res of [R.deployments, R.replicasets]) {
      this.unwatch.push(
        store.watch(res, {}, (ev) => {
          if (ev.type === 'DELETED' && ev.object.metadata.uid) {
            const ns = ev.object.metadata.namespace ?? '';
            let set = this.goneOwners.get(ns);
            if (!set) this.goneOwners.set(ns, (set = new Set()));
            set.add(ev.object.metadata.uid);
            this.queue.add(`owner:${ns}`);
          }
        }),
      );
    }
    this.unwatch.push(
      store.watch(R.namespaces, {}, (ev) => {
        if (ev.type === 'DELETED') this.queue.add(`namespace:${ev.object.metadata.name}`);
      }),
    );
  }

  stop(): void {
    for (const u of this.unwatch) u();
    this.queue.stop();
  }

  private collect(key: string): void {
    const [kind, ns] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'namespace') return this.emptyNamespace(ns);
    const gone = this.goneOwners.get(ns);
    this.goneOwners.delete(ns);
    if (!gone) return;
    for (const res of DEPENDENTS) {
      for (const o of this.ctx.store.list(res, { namespace: ns }).items) {
        if (o.metadata.ownerReferences?.some((r) => gone.has(r.uid))) this.remove(res, o);
      }
    }
  }

  private emptyNamespace(ns: string): void {
    for (const res of NAMESPACED) for (const o of this.ctx.store.list(res, { namespace: ns }).items) this.remove(res, o, true);
  }

  private remove(res: ResourceType, o: KObject, immediately = false): void {
    if (res === R.pods && !immediately) deletePodGracefully(this.ctx.store, o, this.ctx.clock.now());
    else if (this.ctx.store.get(res, o.metadata.namespace, o.metadata.name)) this.ctx.store.delete(res, o.metadata.namespace, o.metadata.name);
  }
}
