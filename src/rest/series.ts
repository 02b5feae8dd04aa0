/**
 * Per-deployment CPU utilization and replica counts over time, in a fixed-size ring per deployment, so
 * the dashboard's charts have history from the moment the server started (not from when a browser
 * opened). Memory is bounded: `capacity` points × at most `maxDeployments` deployments.
 */
import type { z } from 'zod';
import type { DashboardDeployment, SeriesSchema } from './dashboard-stats.js';

type Point = [number, number | null, number, number];

class Ring {
  private readonly points: Point[] = [];
  private start = 0;
  constructor(private readonly capacity: number) {}

  push(p: Point): void {
    if (this.points.length < this.capacity) this.points.push(p);
    else {
      this.points[this.start] = p;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  toArray(): Point[] {
    return [...this.points.slice(this.start), ...this.points.slice(0, this.start)];
  }
}

export class DeploymentSeries {
  private readonly rings = new Map<string, { namespace: string; name: string; ring: Ring; lastSeen: number }>();

  constructor(
    readonly intervalSeconds: number,
    private readonly capacity = 360,
    private readonly maxDeployments = 50,
  ) {}

  record(at: number, deployments: readonly DashboardDeployment[]): void {
    const t = Math.round(at / 1000);
    for (const d of deployments) {
      const key = `${d.namespace}/${d.name}`;
      let entry = this.rings.get(key);
      if (!entry) {
        if (this.rings.size >= this.maxDeployments) this.evictOldest();
        entry = { namespace: d.namespace, name: d.name, ring: new Ring(this.capacity), lastSeen: t };
        this.rings.set(key, entry);
      }
      entry.lastSeen = t;
      const cpu = d.cpuUtilization === null ? null : Math.round(d.cpuUtilization * 10) / 10;
      entry.ring.push([t, cpu, d.replicas, d.readyReplicas]);
    }
  }

  /** A deployment deleted long ago makes room for a new one. */
  private evictOldest(): void {
    let oldest: string | undefined;
    let at = Infinity;
    for (const [key, e] of this.rings) if (e.lastSeen < at) (oldest = key), (at = e.lastSeen);
    if (oldest) this.rings.delete(oldest);
  }

  snapshot(namespace?: string): z.infer<typeof SeriesSchema> {
    const deployments = [...this.rings.values()]
      .filter((e) => !namespace || e.namespace === namespace)
      .map((e) => ({ namespace: e.namespace, name: e.name, points: e.ring.toArray() }));
    return { intervalSeconds: this.intervalSeconds, deployments };
  }
}
