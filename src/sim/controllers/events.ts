/**
 * core/v1 Events for the important transitions, aggregated like client-go's recorder: a repeat of the
 * same reason and message on the same object bumps `count` and `lastTimestamp` instead of adding an
 * object. Events expire after an hour, as with the API server's default --event-ttl.
 */
import type { Clock, TimerHandle } from '../../base/clock.js';
import { R } from '../resources.js';
import type { ObjectStore } from '../store.js';
import type { KObject } from '../types.js';
import { isoSeconds, parseTime } from './context.js';

export interface EventSource {
  component: string;
  host?: string;
}

const TTL_MS = 60 * 60 * 1000;
const SWEEP_MS = 10 * 60 * 1000;

export class EventRecorder {
  private readonly byKey = new Map<string, { namespace: string; name: string }>();
  private seq = 0;
  private sweepTimer?: TimerHandle;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: Clock,
  ) {}

  start(): void {
    const sweep = (): void => {
      this.sweep();
      this.sweepTimer = this.clock.setTimeout(sweep, SWEEP_MS);
    };
    this.sweepTimer = this.clock.setTimeout(sweep, SWEEP_MS);
  }

  stop(): void {
    this.clock.clearTimeout(this.sweepTimer);
  }

  normal(obj: KObject, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    this.record(obj, 'Normal', reason, message, source, fieldPath);
  }

  warning(obj: KObject, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    this.record(obj, 'Warning', reason, message, source, fieldPath);
  }

  record(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
    // Events about cluster-scoped objects (nodes) live in `default`, as upstream.
    const namespace = obj.metadata.namespace ?? 'default';
    const key = [obj.metadata.uid, type, reason, message, source.component, source.host ?? '', fieldPath ?? ''].join('\u0000');
    const now = isoSeconds(this.clock.now());
    const known = this.byKey.get(key);
    if (known) {
      const updated = this.store.mutate(R.events, known.namespace, known.name, (ev) => {
        ev.count = (ev.count ?? 1) + 1;
        ev.lastTimestamp = now;
      });
      if (updated) return;
      this.byKey.delete(key);
    }
    const stamp = `${this.clock.now().toString(16)}${(++this.seq % 0x10000).toString(16).padStart(4, '0')}`;
    const name = `${obj.metadata.name}.${stamp}`;
    this.store.create(R.events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
    this.byKey.set(key, { namespace, name });
  }

  /** Deletes events whose last occurrence is older than the TTL. */
  sweep(): void {
    const cutoff = this.clock.now() - TTL_MS;
    for (const ev of this.store.all(R.events)) {
      const last = parseTime(ev.lastTimestamp as string | undefined) ?? parseTime(ev.metadata.creationTimestamp);
      if (last !== undefined && last < cutoff) this.store.delete(R.events, ev.metadata.namespace, ev.metadata.name);
    }
    for (const [key, ref] of this.byKey) if (!this.store.get(R.events, ref.namespace, ref.name)) this.byKey.delete(key);
  }
}
