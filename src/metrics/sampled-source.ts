/**
 * A metrics source read at most once per resolution window: metrics-server scrapes every ~15 s, so asking it
 * again within that window returns the same figures at the cost of a list of every pod's metrics. One sample is
 * shared by every tool call and the in-process agent; a namespace read is answered from a fresh cluster-wide sample
 * when there is one. Each answer carries `ageMs` (time since this process read it) so a reader knows how old it is.
 *
 * Only answers are kept (a sample, or "not served"); a failure is not, so the next call asks again.
 */
import type { Clock } from '../base/clock.js';
import type { MetricsSource, UsageSample } from '../ports/metrics-source.js';

interface Entry {
  at: number;
  sample: UsageSample | undefined;
}

export class SampledMetricsSource implements MetricsSource {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(
    private readonly inner: MetricsSource,
    private readonly clock: Clock,
    private readonly resolutionMs: number,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  async podUsage(namespace?: string): Promise<UsageSample | undefined> {
    const now = this.clock.now();
    const all = this.fresh('', now);
    if (all) return withAge(all.sample && namespace !== undefined ? scoped(all.sample, namespace) : all.sample, now - all.at);
    const key = namespace ?? '';
    const own = this.fresh(key, now);
    if (own) return withAge(own.sample, now - own.at);
    const entry = await this.read(key, namespace);
    return withAge(entry.sample, this.clock.now() - entry.at);
  }

  private fresh(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    return e && now - e.at < this.resolutionMs ? e : undefined;
  }

  /** Concurrent callers of the same key share one read. */
  private read(key: string, namespace: string | undefined): Promise<Entry> {
    let p = this.inflight.get(key);
    if (!p) {
      const at = this.clock.now();
      p = this.inner
        .podUsage(namespace)
        .then((sample) => {
          const entry = { at, sample };
          this.entries.set(key, entry);
          return entry;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }
}

function scoped(sample: UsageSample, namespace: string): UsageSample {
  return { ...sample, pods: sample.pods.filter((p) => p.namespace === namespace) };
}

function withAge(sample: UsageSample | undefined, ageMs: number): UsageSample | undefined {
  return sample && { ...sample, ageMs: Math.max(0, Math.round(ageMs)) };
}
