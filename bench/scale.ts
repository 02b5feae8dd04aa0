/**
 * Scale benchmark (issue 20, not a test): the agent cycle and the read tools against a cluster of 1,000 / 10,000 /
 * 100,000 pods (D deployments x R replicas, 100 deployments per namespace, pods/100 nodes), with the watch-fed cache
 * (`cluster.cache: true`, the default) and without it (every read lists from the API server).
 *
 * One process per role, so each RSS is its own: the simulator (a child; virtual clock, brought up and steady before
 * anything is timed), and per mode one child with the server (createRuntime + MCP server) and, except in mode
 * `server`, the in-process agent as `serve --agent` runs it. Per mode: cache sync time; an agent dry-run cycle's CPU
 * (process.cpuUsage around runCycle) and wall, median of 3 after a warm-up; RSS and heap; list_pods (first page)
 * and cluster_health p50/p95 over a real MCP client; with the cache, watch throughput (K pods modified at once; time
 * until the cache has applied K events: what a client-node informer consumes).
 *
 *   npx tsx bench/scale.ts                                    # 1k and 10k pods, modes cache,api
 *   npx tsx bench/scale.ts --sizes 1000,10000,100000 --modes cache,server
 *   npm run build && npx tsx bench/scale.ts --dist            # children run the built dist on plain node (no tsx in RSS)
 *   npx tsx bench/scale.ts --kubeconfig /tmp/sentinelops-cluster/kubeconfig --pods 2000
 *       # a real control plane with kwok: creates kwok nodes and deployments under scale-bench-<id>-*, measures, deletes
 *
 * Options: --sizes a,b,c | --pods N; --replicas R (default 100); --modes cache,api,server; --churn K (default 2000);
 * --dist; --kubeconfig PATH; --verbose. The environment variables of the first version (BENCH_PODS, BENCH_MODES,
 * BENCH_VERBOSE) still work.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stockDeployment } from '../src/sim/objects.js';

const mb = (b: number) => Math.round(b / 1024 / 1024);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]! * 10) / 10;
};
const cpuMs = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 1000);
const PER_NAMESPACE = 100;

type Msg = { type: string; [k: string]: unknown };
function next(child: ChildProcess, type: string): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const on = (m: Msg) => {
      if (m.type !== type) return;
      child.off('message', on);
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before "${type}"`));
    child.on('message', on);
    child.once('exit', onExit);
  });
}

/** The deployments of one size: names, namespaces and the pod template every layout shares. */
function layout(pods: number, replicas: number, prefix: string) {
  const deployments = Math.max(1, Math.round(pods / replicas));
  return Array.from({ length: deployments }, (_, d) => ({ ns: `${prefix}-${Math.floor(d / PER_NAMESPACE)}`, name: `app-${d % PER_NAMESPACE}`, d }));
}

// ---------------------------------------------------------------- simulator process
async function simulator(pods: number, replicas: number): Promise<void> {
  const { VirtualClock } = await import('../src/base/clock.js');
  const { startSimulator } = await import('../src/sim/cluster.js');
  const { R } = await import('../src/sim/resources.js');
  const send = (m: Msg) => void process.send!(m);
  const clock = new VirtualClock();
  const nodes = Math.max(3, Math.ceil(pods / 100));
  const cpu = process.cpuUsage();
  const t = performance.now();
  const sim = await startSimulator({ clock, seed: 1, nodes, nodeCpu: '64', nodeMemory: '256Gi', nodePods: 110 });
  const namespaces = new Set<string>();
  for (const { ns, name, d } of layout(pods, replicas, 'scale')) {
    if (!namespaces.has(ns)) sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    namespaces.add(ns);
    sim.create(stockDeployment({ namespace: ns, name, replicas }));
    // Usage near the 80 % target (78-82 % of request), as in the issue's run: the honest-severity case.
    sim.workload.setCurve(`${ns}/${name}`, { type: 'points', points: [{ atSeconds: 0, millicores: (780 + (d % 5) * 10) * (replicas / 10) }] });
  }
  // The honest path: the controllers, scheduler and kubelets bring every pod up in virtual time, as in a
  // rehearsal's steady-state start; nothing is written behind the API's back.
  while (sim.store.list(R.deployments).items.some((d) => Number(d.status?.availableReplicas ?? 0) < replicas)) await sim.step(1_000);
  await sim.step(31_000); // two metrics scrapes for every pod
  send({
    type: 'ready',
    kubeconfig: sim.kubeconfigYaml(),
    namespaces: [...namespaces],
    pods: sim.store.count(R.pods),
    nodes,
    setupMs: Math.round(performance.now() - t),
    setupCpuMs: cpuMs(process.cpuUsage(cpu)),
    rssMb: mb(process.memoryUsage().rss),
    heapMb: mb(process.memoryUsage().heapUsed),
  });
  let round = 0;
  process.on('message', (m: Msg) => {
    if (m.type === 'churn') {
      // K MODIFIED pod events at once: what a node failure or a rollout wave looks like to a watcher. The value
      // names the round: the same value twice would be a no-op write, which sends no event.
      const all = sim.store.list(R.pods).items.slice(0, Number(m.count));
      round++;
      let i = 0;
      for (const p of all)
        sim.store.mutate(
          R.pods,
          p.metadata.namespace,
          p.metadata.name,
          (o) => (o.metadata.annotations = { ...o.metadata.annotations, churn: `${round}-${i++}` }),
        );
      send({ type: 'churned', count: all.length });
    } else if (m.type === 'rss') {
      send({ type: 'rss', rssMb: mb(process.memoryUsage().rss) });
    } else if (m.type === 'exit') {
      void sim.stop().then(() => process.exit(0));
    }
  });
}

// ---------------------------------------------------------------- agent + server process
async function agent(kubeconfigYaml: string | undefined, kubeconfigPath: string | undefined, namespaces: string[], mode: string, churn: number): Promise<void> {
  const { RealClock } = await import('../src/base/clock.js');
  const { silentLogger } = await import('../src/base/log.js');
  const { connectInProcess } = await import('../src/app/agent-link.js');
  const { createRuntime } = await import('../src/app/runtime.js');
  const { AgentRunner, runnerOptionsFromConfig } = await import('../src/agent/runner.js');
  const { parseConfig } = await import('../src/config/load.js');
  const { createServer } = await import('../src/mcp/create-server.js');
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { InMemoryTransport } = await import('@modelcontextprotocol/sdk/inMemory.js');
  const send = (m: Msg) => void process.send!(m);
  const say = (what: string) => process.env.BENCH_VERBOSE && process.stderr.write(`  [${mode}] ${what}\n`);
  const useCache = mode !== 'api';
  const rssLoadedMb = mb(process.memoryUsage().rss);
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-scale-'));
  const config = parseConfig({
    cluster: kubeconfigPath ? { mode: 'kubeconfig', kubeconfig: kubeconfigPath, cache: useCache } : { mode: 'sim', cache: useCache },
    store: { path: join(dir, 's.db') },
    log: { level: 'silent' },
    agent: { namespaces, dryRun: true },
    // The deployments run up to 100 replicas: bounds that fit them, as such a cluster would configure (with the
    // default maxReplicas 10 every deployment is out of bounds, so the agent would look at all of them each cycle).
    safety: { maxListItems: 500, maxReplicas: 1000 },
    // One usage sample per metrics-server resolution, as a large cluster would be configured.
    ...(useCache ? { metrics: { sampleSeconds: 15 } } : {}),
  });
  const clock = new RealClock();
  const runtime = createRuntime(config, { logger: silentLogger(), clock, simKubeconfigYaml: kubeconfigYaml });
  let t = performance.now();
  const synced = useCache ? await runtime.deps.cache!.whenSynced(1_800_000) : false;
  const syncMs = Math.round(performance.now() - t);
  say(`synced=${synced} in ${syncMs} ms`);
  const rssSyncedMb = mb(process.memoryUsage().rss);

  let cycle: { cpuMs: number; wallMs: number; findings: number; overloads: number; focused?: number; error?: string } | undefined;
  let client: Awaited<ReturnType<typeof connectInProcess>> | undefined;
  if (mode !== 'server') {
    client = await connectInProcess(runtime.deps);
    const runner = new AgentRunner({ client, clock, logger: silentLogger(), ...runnerOptionsFromConfig(config), dryRun: true, summary: null });
    const cycles: NonNullable<typeof cycle>[] = [];
    for (let i = 0; i < 4; i++) {
      const cpu = process.cpuUsage();
      t = performance.now();
      const r = await runner.runCycle({ mode: 'dry-run', trigger: 'bench' });
      const used = process.cpuUsage(cpu);
      say(`cycle ${i}: ${Math.round(performance.now() - t)} ms${r.error ? ` error ${r.error}` : ''}`);
      if (i > 0)
        cycles.push({
          cpuMs: cpuMs(used),
          wallMs: Math.round(performance.now() - t),
          findings: r.findings.length,
          overloads: r.findings.filter((f) => f.type === 'cpu_overload').length,
          // deployments the policy looked at (the others were quiet: src/agent/focus.ts)
          focused: r.observation?.focused,
          ...(r.error ? { error: String(r.error).slice(0, 200) } : {}),
        });
    }
    cycles.sort((a, b) => a.cpuMs - b.cpuMs);
    cycle = cycles[1];
  }
  const rssAfterCycleMb = mb(process.memoryUsage().rss);

  // A plain MCP client, as an assistant would call the tools.
  const made = createServer({ ...runtime.deps, caller: 'bench' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await made.server.connect(b);
  const mcp = new Client({ name: 'bench', version: '1' });
  await mcp.connect(a);
  const time = async (name: string, n: number) => {
    const ms: number[] = [];
    let source: unknown;
    let error: string | undefined;
    for (let i = 0; i < n; i++) {
      t = performance.now();
      const r = await mcp.callTool({ name, arguments: {} });
      ms.push(performance.now() - t);
      if (r.isError) error = JSON.stringify(r.content).slice(0, 200);
      source = (r.structuredContent as { source?: unknown } | undefined)?.source;
    }
    return { p50: pct(ms, 50), p95: pct(ms, 95), source, ...(error ? { error } : {}) };
  };
  if (process.env.BENCH_VERBOSE) for (const tool of ['list_deployments', 'list_nodes', 'get_metrics']) say(`${tool} p50 ${(await time(tool, 3)).p50} ms`);
  const listPods = await time('list_pods', 20);
  say(`list_pods p50 ${listPods.p50} ms`);
  const health = await time('cluster_health', 20);
  say(`cluster_health p50 ${health.p50} ms`);

  let watch: { events: number; ms: number; perSecond: number } | undefined;
  if (useCache) {
    const podKind = () => runtime.deps.cache!.status().kinds.find((k) => k.kind === 'pods')!;
    const before = podKind().events;
    const count = Math.min(churn, podKind().objects);
    t = performance.now();
    send({ type: 'churn', count });
    // Time-boxed: a watch that ends and re-lists meanwhile absorbs the changes into a list, not events.
    while (podKind().events - before < count && performance.now() - t < 600_000) await new Promise((r) => setTimeout(r, 5));
    const ms = performance.now() - t;
    const seen = podKind().events - before;
    say(`watch: ${seen} of ${count} events in ${Math.round(ms)} ms`);
    watch = { events: seen, ms: Math.round(ms), perSecond: Math.round(seen / (ms / 1000)) };
  }
  const cacheStatus = runtime.deps.cache?.status();
  send({
    type: 'result',
    mode,
    synced,
    syncMs,
    cycle,
    rssLoadedMb,
    rssSyncedMb,
    rssAfterCycleMb,
    rssEndMb: mb(process.memoryUsage().rss),
    heapMb: mb(process.memoryUsage().heapUsed),
    listPods,
    health,
    watch,
    cachedObjects: cacheStatus?.kinds.map((k) => `${k.kind}=${k.objects}`).join(' '),
  });
  await mcp.close();
  await made.cleanup();
  await client?.close();
  runtime.close();
  process.exit(0);
}

// ---------------------------------------------------------------- a real control plane with kwok nodes
interface RealWorld {
  namespaces: string[];
  pods: number;
  nodes: number;
  setupMs: number;
  churn(count: number): Promise<number>;
  cleanup(): Promise<void>;
}

/**
 * Creates kwok nodes (tainted, so other users' pods stay off them) and deployments tolerating that taint under
 * scale-bench-<id>-*, and waits until every replica is available (kwok's pod-ready stage).
 */
async function realWorld(kubeconfig: string, pods: number, replicas: number, say: (s: string) => void): Promise<RealWorld> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const id = `scale-bench-${Date.now().toString(36)}`;
  const nodes = Math.max(1, Math.ceil(pods / 100));
  const taint = { key: 'scale-bench', value: id, effect: 'NoSchedule' };
  const t = performance.now();
  const nodeNames = Array.from({ length: nodes }, (_, i) => `${id}-node-${i}`);
  const namespaces = [...new Set(layout(pods, replicas, id).map((l) => l.ns))];
  const cleanup = async () => {
    say(`deleting ${namespaces.length} namespaces and ${nodes} nodes of ${id}`);
    await Promise.allSettled(namespaces.map((name) => core.deleteNamespace({ name })));
    await Promise.allSettled(nodeNames.map((name) => core.deleteNode({ name })));
  };
  try {
    const pool = async <T>(items: T[], n: number, fn: (x: T) => Promise<unknown>) => {
      let i = 0;
      await Promise.all(
        Array.from({ length: n }, async () => {
          while (i < items.length) await fn(items[i++]!);
        }),
      );
    };
    await pool(nodeNames, 8, (name) =>
      core.createNode({
        body: {
          metadata: { name, annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' }, labels: { type: 'kwok', 'scale-bench': id } },
          spec: { taints: [taint] },
          status: { allocatable: { cpu: '64', memory: '256Gi', pods: '110' }, capacity: { cpu: '64', memory: '256Gi', pods: '110' } },
        },
      }),
    );
    for (const name of namespaces) await core.createNamespace({ body: { metadata: { name } } });
    const podSpec = { nodeSelector: { 'scale-bench': id }, tolerations: [{ key: 'scale-bench', operator: 'Equal', value: id, effect: 'NoSchedule' }] };
    await pool(layout(pods, replicas, id), 8, ({ ns, name }) =>
      apps.createNamespacedDeployment({ namespace: ns, body: stockDeployment({ namespace: ns, name, replicas, podSpec }) as never }),
    );
    say(`${nodes} kwok nodes and ${layout(pods, replicas, id).length} deployments created; waiting for ${pods} available pods`);
    for (let last = -1; ; ) {
      let available = 0;
      for (const namespace of namespaces)
        for (const d of (await apps.listNamespacedDeployment({ namespace })).items) available += d.status?.availableReplicas ?? 0;
      if (available >= pods) break;
      if (available !== last) say(`  ${available}/${pods} available after ${Math.round((performance.now() - t) / 1000)} s`);
      last = available;
      await new Promise((r) => setTimeout(r, 5_000));
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    namespaces,
    pods,
    nodes,
    setupMs: Math.round(performance.now() - t),
    async churn(count) {
      const all: { ns: string; name: string }[] = [];
      for (const namespace of namespaces)
        for (const p of (await core.listNamespacedPod({ namespace })).items) all.push({ ns: namespace, name: p.metadata!.name! });
      const some = all.slice(0, count);
      let i = 0;
      const patch = async () => {
        while (i < some.length) {
          const p = some[i++]!;
          await core.patchNamespacedPod(
            { namespace: p.ns, name: p.name, body: { metadata: { annotations: { churn: `${Date.now()}-${i}` } } } },
            k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
          );
        }
      };
      await Promise.all(Array.from({ length: 16 }, patch));
      return some.length;
    },
    cleanup,
  };
}

// ---------------------------------------------------------------- orchestration
/** Children on plain node from the built dist: this file with its types stripped, next to dist/src. */
async function distEntry(root: string, self: string): Promise<string> {
  const ts = await import('typescript');
  const out = join(root, 'dist', 'bench', 'scale.mjs');
  const js = ts.transpileModule(readFileSync(self, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, js);
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      pods: { type: 'string' },
      replicas: { type: 'string', default: '100' },
      modes: { type: 'string' },
      churn: { type: 'string', default: '2000' },
      dist: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (values.verbose) process.env.BENCH_VERBOSE = '1';
  const say = (s: string) => process.stderr.write(`${s}\n`);
  const self = fileURLToPath(import.meta.url);
  const root = join(dirname(self), '..');
  const sizes = (values.pods ?? values.sizes ?? process.env.BENCH_PODS ?? '1000,10000').split(',').map(Number);
  const modes = (values.modes ?? process.env.BENCH_MODES ?? 'cache,api').split(',');
  const replicas = Number(values.replicas);
  const kubeconfig = values.kubeconfig ?? process.env.BENCH_KUBECONFIG;
  const entry = values.dist ? await distEntry(root, self) : self;
  const execArgv = values.dist ? [] : process.execArgv;
  for (const pods of sizes) {
    let sim: ChildProcess | undefined;
    let real: RealWorld | undefined;
    let kubeconfigYaml: string | undefined;
    let namespaces: string[];
    let world: Record<string, unknown>;
    if (kubeconfig) {
      real = await realWorld(kubeconfig, pods, replicas, say);
      namespaces = real.namespaces;
      world = { world: 'kwok', pods: real.pods, nodes: real.nodes, setupMs: real.setupMs };
    } else {
      sim = fork(entry, [], {
        env: { ...process.env, BENCH_ROLE: 'simulator', BENCH_SIZE: String(pods), BENCH_REPLICAS: String(replicas) },
        execArgv: ['--max-old-space-size=16384', ...execArgv],
      });
      const ready = await next(sim, 'ready');
      kubeconfigYaml = ready.kubeconfig as string;
      namespaces = ready.namespaces as string[];
      const { type: _t, kubeconfig: _k, namespaces: _n, ...rest } = ready;
      world = { world: 'sim', ...rest };
    }
    say(`\n== ${JSON.stringify(world)}`);
    process.stdout.write(`${JSON.stringify({ size: pods, replicas, dist: values.dist, ...world })}\n`);
    try {
      for (const mode of modes) {
        const child = fork(entry, [], {
          env: {
            ...process.env,
            BENCH_ROLE: 'agent',
            BENCH_MODE: mode,
            BENCH_KC: kubeconfigYaml ?? '',
            BENCH_KC_PATH: kubeconfig ?? '',
            BENCH_NS: namespaces.join(','),
            BENCH_CHURN: values.churn,
          },
          execArgv: ['--max-old-space-size=8192', ...execArgv],
        });
        // The churn request goes from the agent child to whoever holds the cluster.
        child.on('message', (m: Msg) => {
          if (m.type !== 'churn') return;
          if (sim) sim.send(m);
          else void real!.churn(Number(m.count)).catch((err) => say(`churn failed: ${err}`));
        });
        const r = await next(child, 'result');
        if (sim) {
          sim.send({ type: 'rss' });
          r.simulatorRssMb = (await next(sim, 'rss')).rssMb;
        }
        const { type: _t, ...result } = r;
        process.stdout.write(`${JSON.stringify({ size: pods, ...result })}\n`);
      }
    } finally {
      if (sim) {
        sim.send({ type: 'exit' });
        await new Promise((r) => sim!.once('exit', r));
      }
      await real?.cleanup();
    }
  }
}

const role = process.env.BENCH_ROLE;
if (role === 'simulator') void simulator(Number(process.env.BENCH_SIZE), Number(process.env.BENCH_REPLICAS ?? 100));
else if (role === 'agent')
  void agent(
    process.env.BENCH_KC || undefined,
    process.env.BENCH_KC_PATH || undefined,
    (process.env.BENCH_NS ?? '').split(',').filter(Boolean),
    process.env.BENCH_MODE ?? 'cache',
    Number(process.env.BENCH_CHURN ?? 2000),
  );
else void main();
