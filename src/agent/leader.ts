/**
 * Leader election on a coordination.k8s.io/v1 Lease, after client-go's leaderelection package: the holder renews
 * every renewSeconds; another candidate takes over only when it has seen the same lease record unchanged for a
 * whole leaseDuration (its own clock, so clock skew between machines does not matter), and writes with the
 * record's resourceVersion, so two candidates can never both win a takeover (the loser gets 409).
 *
 * Safety margin: a leader stops calling itself leader once renewing has failed for 2/3 of the lease duration —
 * before anyone else may take over — so two runners never act at the same time.
 */
import { hostname } from 'node:os';
import { ApiException, CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import type { Clock, TimerHandle } from '../base/clock.js';
import type { Logger } from '../base/log.js';
import type { LeaderCheck } from './runner.js';

export interface LeaderElectorOptions {
  kubeConfig: KubeConfig;
  clock: Clock;
  logger: Logger;
  namespace: string;
  name: string;
  /** Default `<hostname>-<pid>`. */
  identity?: string;
  leaseDurationSeconds: number;
  renewSeconds: number;
  onStartedLeading?: () => void;
  onStoppedLeading?: () => void;
}

export function defaultIdentity(): string {
  return `${hostname()}-${process.pid}`;
}

const RENEW_DEADLINE_SHARE = 2 / 3;

export class LeaderElector implements LeaderCheck {
  readonly identity: string;
  private readonly api: CoordinationV1Api;
  private observed: { holder: string; renew: string; resourceVersion: string } | undefined;
  private observedAt = 0;
  private lastRenewAt: number | undefined;
  private timer: TimerHandle | undefined;
  private running = false;
  private wasLeader = false;
  private attempt: Promise<void> = Promise.resolve();

  constructor(private readonly o: LeaderElectorOptions) {
    if (!(o.renewSeconds < o.leaseDurationSeconds))
      throw new Error(`renewSeconds (${o.renewSeconds}) must be shorter than leaseDurationSeconds (${o.leaseDurationSeconds})`);
    this.identity = o.identity ?? defaultIdentity();
    this.api = o.kubeConfig.makeApiClient(CoordinationV1Api);
  }

  isLeader(): boolean {
    return this.lastRenewAt !== undefined && this.o.clock.now() - this.lastRenewAt < this.o.leaseDurationSeconds * 1000 * RENEW_DEADLINE_SHARE;
  }

  /** Starts competing; resolves after the first attempt (so a lone runner leads at once). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
  }

  /** Stops competing. release: give the lease up so another runner need not wait out the duration. */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    this.running = false;
    this.o.clock.clearTimeout(this.timer);
    await this.attempt;
    if ((opts.release ?? true) && this.isLeader()) await this.release();
    this.lastRenewAt = undefined;
    this.notify();
  }

  private tick(): Promise<void> {
    this.attempt = this.tryAcquireOrRenew()
      .catch((err: unknown) => this.o.logger.warn({ err: describe(err), lease: this.leaseRef() }, 'leader election: lease request failed'))
      .finally(() => {
        this.notify();
        if (this.running) this.timer = this.o.clock.setTimeout(() => void this.tick(), this.o.renewSeconds * 1000);
      });
    return this.attempt;
  }

  private notify(): void {
    const now = this.isLeader();
    if (now === this.wasLeader) return;
    this.wasLeader = now;
    this.o.logger.info({ identity: this.identity, lease: this.leaseRef() }, now ? 'leader election: became leader' : 'leader election: stopped leading');
    if (now) this.o.onStartedLeading?.();
    else this.o.onStoppedLeading?.();
  }

  private leaseRef(): string {
    return `${this.o.namespace}/${this.o.name}`;
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const { namespace, name } = this.o;
    const now = this.o.clock.now();
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ namespace, name });
    } catch (err) {
      if (!(err instanceof ApiException && err.code === 404)) throw err;
      try {
        await this.api.createNamespacedLease({ namespace, body: this.record(undefined, now) });
        this.lastRenewAt = now;
      } catch (e) {
        if (!(e instanceof ApiException && e.code === 409)) throw e;
      }
      return;
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const seen = { holder, renew: String(spec.renewTime?.toISOString?.() ?? spec.renewTime ?? ''), resourceVersion: lease.metadata?.resourceVersion ?? '' };
    if (
      !this.observed ||
      this.observed.holder !== seen.holder ||
      this.observed.renew !== seen.renew ||
      this.observed.resourceVersion !== seen.resourceVersion
    ) {
      this.observed = seen;
      this.observedAt = now;
    }
    const duration = (spec.leaseDurationSeconds ?? this.o.leaseDurationSeconds) * 1000;
    const mine = holder === this.identity;
    if (!mine && holder !== '' && now < this.observedAt + duration) {
      this.lastRenewAt = undefined;
      return;
    }
    try {
      const updated = await this.api.replaceNamespacedLease({ namespace, name, body: this.record(lease, now) });
      this.lastRenewAt = now;
      this.observed = {
        holder: this.identity,
        renew: String(updated.spec?.renewTime?.toISOString?.() ?? ''),
        resourceVersion: updated.metadata?.resourceVersion ?? '',
      };
      this.observedAt = now;
    } catch (err) {
      // 409: someone else renewed or took it between our read and write; they lead.
      if (err instanceof ApiException && err.code === 409) {
        this.lastRenewAt = undefined;
        return;
      }
      throw err;
    }
  }

  private record(current: V1Lease | undefined, now: number): V1Lease {
    const spec = current?.spec ?? {};
    const takeover = spec.holderIdentity !== this.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.o.name,
        namespace: this.o.namespace,
        ...(current?.metadata?.resourceVersion ? { resourceVersion: current.metadata.resourceVersion } : {}),
      },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: Math.ceil(this.o.leaseDurationSeconds),
        acquireTime: takeover || !spec.acquireTime ? new V1MicroTime(now) : spec.acquireTime,
        renewTime: new V1MicroTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (current && takeover ? 1 : 0),
      },
    };
  }

  /** client-go's ReleaseOnCancel: an empty holder lets the next candidate acquire at once. */
  private async release(): Promise<void> {
    try {
      const lease = await this.api.readNamespacedLease({ namespace: this.o.namespace, name: this.o.name });
      if (lease.spec?.holderIdentity !== this.identity) return;
      await this.api.replaceNamespacedLease({
        namespace: this.o.namespace,
        name: this.o.name,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } },
      });
    } catch (err) {
      this.o.logger.warn({ err: describe(err) }, 'leader election: could not release the lease');
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof ApiException)
    return `HTTP ${err.code}: ${typeof err.body === 'string' ? err.body.slice(0, 200) : JSON.stringify(err.body)?.slice(0, 200)}`;
  return (err as Error)?.message ?? String(err);
}
