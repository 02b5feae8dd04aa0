import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';
import { R } from '../../src/sim/resources.js';
import { curveValue } from '../../src/sim/workload.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function boot(): Promise<Simulator> {
  sim = await startSimulator({ clock: new VirtualClock(), serve: false, seed: 2, demo: true, workload: { noise: 0 } });
  await sim.ready();
  return sim;
}

const cpuOf = (s: Simulator) =>
  s.workload
    .usage()
    .filter((u) => u.namespace === 'demo')
    .map((u) => Math.round(u.containers[0]!.cpuMillicores));

describe('workload model', () => {
  it('defaults to 40% of requested CPU, shared over ready pods, capped at each container limit', async () => {
    const s = await boot();
    expect(s.workload.demand('demo/nginx-demo')).toBe(120); // 3 x 100m x 40%
    expect(cpuOf(s)).toEqual([40, 40, 40]);
    s.workload.setDemand('demo/nginx-demo', 3000);
    expect(cpuOf(s)).toEqual([500, 500, 500]); // limit 500m each
    s.workload.setDemand('demo/nginx-demo', 900);
    expect(cpuOf(s)).toEqual([300, 300, 300]);
    // Scaling out spreads the same demand over more pods.
    s.store.mutate(R.deployments, 'demo', 'nginx-demo', (d) => {
      d.spec.replicas = 6;
    });
    await s.ready();
    expect(cpuOf(s)).toEqual([150, 150, 150, 150, 150, 150]);
    s.workload.setDemand('demo/nginx-demo', undefined);
    expect(s.workload.demand('demo/nginx-demo')).toBe(120);
  });

  it('gives a not-ready pod no share of the traffic', async () => {
    const s = await boot();
    s.workload.setDemand('demo/nginx-demo', 300);
    const [victim] = s.store.list(R.pods, { namespace: 'demo' }).items;
    s.faults.inject({ fault: 'crashloop', deployment: 'demo/nginx-demo', crashAfterSeconds: 1000 });
    s.store.mutate(
      R.pods,
      'demo',
      victim!.metadata.name,
      (p) => {
        p.status.conditions = p.status.conditions.map((c: { type: string }) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
      },
      { subresource: 'status' },
    );
    const usage = s.workload.usage().filter((u) => u.namespace === 'demo');
    const byName = Object.fromEntries(usage.map((u) => [u.name, Math.round(u.containers[0]!.cpuMillicores)]));
    expect(byName[victim!.metadata.name]).toBe(2);
    expect(Object.values(byName).filter((v) => v === 150)).toHaveLength(2);
  });

  it('follows load curves and integrates CPU seconds per container', async () => {
    expect(
      curveValue(
        {
          type: 'points',
          points: [
            { atSeconds: 0, millicores: 100 },
            { atSeconds: 100, millicores: 300 },
          ],
        },
        50,
        0,
      ),
    ).toBe(200);
    expect(curveValue({ type: 'points', points: [{ atSeconds: 10, millicores: 100 }] }, 500, 0)).toBe(100);
    const day = { type: 'diurnal' as const, min: 100, max: 900, peakAtSeconds: 14 * 3600 };
    expect(curveValue(day, 0, Date.UTC(2026, 0, 1, 14))).toBeCloseTo(900);
    expect(curveValue(day, 0, Date.UTC(2026, 0, 1, 2))).toBeCloseTo(100);

    const s = await boot();
    s.workload.setCurve('demo/nginx-demo', {
      type: 'points',
      points: [
        { atSeconds: 0, millicores: 300 },
        { atSeconds: 600, millicores: 1200 },
      ],
    });
    const first = s.workload.usage().find((u) => u.namespace === 'demo')!;
    const c0 = first.containers[0]!.cpuSecondsTotal;
    await s.step(300_000);
    expect(s.workload.demand('demo/nginx-demo')).toBeCloseTo(750);
    const later = s.workload.podUsage('demo', first.name)!.containers[0]!;
    // Average demand over 300 s is 525m over 3 pods = 175m each => ~52.5 CPU seconds.
    expect(later.cpuSecondsTotal - c0).toBeGreaterThan(49);
    expect(later.cpuSecondsTotal - c0).toBeLessThan(56);
  });
});

describe('metrics', () => {
  it('serves metrics.k8s.io PodMetrics and NodeMetrics', async () => {
    const s = await boot();
    await s.step(35_000); // two metrics-server scrapes: a rate needs two points
    const pm = s.providers.podMetrics!('demo');
    expect(pm).toHaveLength(3);
    expect(pm[0]).toMatchObject({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1', window: '15s', metadata: { namespace: 'demo' } });
    expect(pm[0]!.containers[0].usage.cpu).toMatch(/^\d+n$/);
    expect(pm[0]!.containers[0].usage.memory).toMatch(/^\d+Ki$/);
    expect(s.providers.nodeMetrics!().map((n) => n.metadata.name)).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('writes valid Prometheus text with cAdvisor and kube-state-metrics names that join pods to deployments', async () => {
    const s = await boot();
    await s.step(30_000);
    const text = s.providers.prometheusText!();
    const typed = new Map<string, string>();
    const seen = new Set<string>();
    const closed = new Set<string>();
    let current = '';
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let m: RegExpMatchArray | null;
      if ((m = line.match(/^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/))) continue;
      if ((m = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/))) {
        expect(typed.has(m[1]!)).toBe(false);
        if (current) closed.add(current);
        current = m[1]!;
        typed.set(m[1]!, m[2]!);
        continue;
      }
      m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\} (-?[0-9.eE+-]+|NaN|[+-]Inf)$/);
      expect(m, line).not.toBeNull();
      expect(m![1]).toBe(current); // samples of a family are contiguous, after its TYPE
      expect(Number.isNaN(Number(m![3])) && m![3] !== 'NaN').toBe(false);
      expect(seen.has(`${m![1]}{${m![2]}}`), `duplicate ${line}`).toBe(false);
      seen.add(`${m![1]}{${m![2]}}`);
    }
    expect(text.endsWith('\n')).toBe(true);
    const pod = s.store.list(R.pods, { namespace: 'demo' }).items[0]!;
    const rs = pod.metadata.ownerReferences![0]!.name;
    for (const needle of [
      `container_cpu_usage_seconds_total{namespace="demo",pod="${pod.metadata.name}",container="nginx"`,
      `container_memory_working_set_bytes{namespace="demo",pod="${pod.metadata.name}"`,
      `kube_pod_container_resource_requests{namespace="demo",pod="${pod.metadata.name}",uid="${pod.metadata.uid}",container="nginx",node="${pod.spec.nodeName}",resource="cpu",unit="core"} 0.1`,
      `kube_pod_container_resource_limits{namespace="demo",pod="${pod.metadata.name}",uid="${pod.metadata.uid}",container="nginx",node="${pod.spec.nodeName}",resource="memory",unit="byte"} 134217728`,
      'kube_deployment_spec_replicas{namespace="demo",deployment="nginx-demo"} 3',
      'kube_deployment_status_replicas_available{namespace="demo",deployment="nginx-demo"} 3',
      `kube_pod_status_ready{namespace="demo",pod="${pod.metadata.name}",uid="${pod.metadata.uid}",condition="true"} 1`,
      `kube_pod_status_phase{namespace="demo",pod="${pod.metadata.name}",uid="${pod.metadata.uid}",phase="Running"} 1`,
      `kube_pod_container_status_restarts_total{namespace="demo",pod="${pod.metadata.name}",uid="${pod.metadata.uid}",container="nginx"} 0`,
      `kube_pod_owner{namespace="demo",pod="${pod.metadata.name}",uid="${pod.metadata.uid}",owner_kind="ReplicaSet",owner_name="${rs}",owner_is_controller="true"} 1`,
      `kube_replicaset_owner{namespace="demo",replicaset="${rs}",owner_kind="Deployment",owner_name="nginx-demo",owner_is_controller="true"} 1`,
      'kube_node_status_condition{node="node-1",condition="Ready",status="true"} 1',
    ]) {
      expect(text).toContain(needle);
    }
    expect(typed.get('container_cpu_usage_seconds_total')).toBe('counter');
  });
});

describe('pod logs', () => {
  it('are deterministic nginx access logs, with the previous instance after a crash', async () => {
    const s = await boot();
    await s.step(60_000);
    const name = s.store.list(R.pods, { namespace: 'demo' }).items[0]!.metadata.name;
    const logs = s.providers.podLogs!;
    const text = logs('demo', name, {})!;
    expect(text).toContain('/docker-entrypoint.sh: Configuration complete; ready for start up');
    expect(text).toMatch(/^10\.244\.\d+\.\d+ - - \[01\/Jan\/2026:00:00:\d\d \+0000\] "GET \/\S* HTTP\/1\.1" \d{3} \d+ "-" "[^"]+" "-"$/m);
    expect(logs('demo', name, {})).toBe(text);
    expect(logs('demo', name, { tailLines: 2 })!.trimEnd().split('\n')).toHaveLength(2);
    expect(logs('demo', name, { timestamps: true, tailLines: 1 })).toMatch(/^2026-01-01T00:01:\d\d\.\d{9}Z /);
    expect(logs('demo', name, { previous: true })).toBeUndefined();
    s.faults.inject({ fault: 'crash-pod', pod: `demo/${name}` });
    await s.step(5_000);
    const prev = logs('demo', name, { previous: true })!;
    expect(prev).toContain('[emerg] 1#1: worker process exited unexpectedly, shutting down (exit code 1)');
    expect(logs('demo', 'ghost', {})).toBeUndefined();
  });
});
