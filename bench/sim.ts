/**
 * Simulator benchmark (not a test): 1,000 Deployments / 10,000 pods on 100 nodes, one hour of virtual
 * time in 10 s steps with diurnal load on every Deployment and a few faults, then a list of all 10,000
 * pods over HTTP (server and client in this process) and the resident memory. Floors (issue #2): < 30 s wall for the hour, < 500 ms for the
 * list, < 500 MB RSS.
 *
 *   npx tsx bench/sim.ts
 */
import { VirtualClock } from '../src/clock.js';
import { startSimulator } from '../src/sim/cluster.js';
import { R } from '../src/sim/resources.js';

const NAMESPACES = Number(process.env.BENCH_NS ?? 10);
const PER_NAMESPACE = 100;
const REPLICAS = 10;
const STEP_MS = 10_000;
const HOUR_MS = 3_600_000;

function ms(since: number): number {
  return Math.round(performance.now() - since);
}

async function main(): Promise<void> {
  const clock = new VirtualClock();
  let t = performance.now();
  const sim = await startSimulator({ clock, seed: 1, nodes: 100, nodeCpu: '16', nodeMemory: '64Gi', nodePods: 110 });
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `bench-${n}`;
    sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (let d = 0; d < PER_NAMESPACE; d++) {
      const name = `app-${d}`;
      sim.create({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, labels: { app: name } },
        spec: {
          replicas: REPLICAS,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } } }] },
          },
        },
      });
      sim.workload.setCurve(`${ns}/${name}`, { type: 'diurnal', min: 200, max: 800, periodSeconds: 3600, peakAtSeconds: (d * 36) % 3600 });
    }
  }
  // Bring everything up (not part of the timed hour).
  while (sim.store.list(R.deployments).items.some((d) => Number(d.status?.availableReplicas ?? 0) < REPLICAS)) await sim.step(1_000);
  const setupMs = ms(t);
  const pods = sim.store.count(R.pods);

  const rvBefore = Number(sim.store.resourceVersion);
  t = performance.now();
  for (let elapsed = 0; elapsed < HOUR_MS; elapsed += STEP_MS) {
    if (elapsed === 600_000) {
      sim.faults.inject({ fault: 'crashloop', deployment: 'bench-0/app-0', durationSeconds: 900 });
      sim.faults.inject({ fault: 'node-down', node: 'node-7', durationSeconds: 600 });
      sim.faults.inject({ fault: 'bad-image-rollout', deployment: 'bench-0/app-1' });
    }
    await sim.step(STEP_MS);
  }
  const hourMs = ms(t);
  const writesInHour = Number(sim.store.resourceVersion) - rvBefore;
  const rssAfterHourMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const heapAfterHourMb = Math.round(process.memoryUsage().heapUsed / 1024 / 1024);

  const url = `${sim.url}/api/v1/pods`;
  const timings: number[] = [];
  let listed = 0;
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const body = (await (await fetch(url)).json()) as { items: unknown[] };
    timings.push(ms(t));
    listed = body.items.length;
  }
  const listMs = timings.sort((a, b) => a - b)[1]!;
  // The list's 25 MB response is built and parsed in this same process, so RSS after it is the peak.
  const rssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
  await sim.stop();

  const result = { deployments: NAMESPACES * PER_NAMESPACE, pods, setupWallMs: setupMs, hourWallMs: hourMs, writesInHour, listPodsMs: listMs, listedPods: listed, rssAfterHourMb, heapAfterHourMb, rssMb };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stdout.write(
    [
      `setup (1,000 deployments -> ${pods} ready pods): ${(setupMs / 1000).toFixed(1)} s wall`,
      `1 h virtual at 10 s steps: ${(hourMs / 1000).toFixed(1)} s wall (floor 30 s)`,
      `list ${listed} pods over HTTP: ${listMs} ms median of 3 (floor 500 ms)`,
      `RSS after the hour: ${rssAfterHourMb} MB (heap ${heapAfterHourMb} MB); after the HTTP lists: ${rssMb} MB (floor 500 MB)`,
      '',
    ].join('\n'),
  );
  if (hourMs >= 30_000 || listMs >= 500 || rssMb >= 500) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
