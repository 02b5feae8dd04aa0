/**
 * `startSimulator()`: the simulated cluster's public entry point. Wires the object store, the control
 * loops (deployment, replicaset, garbage collector, scheduler, kubelet, nodes), the workload model,
 * metrics, logs and fault injection, and serves it all over the Kubernetes REST API.
 *
 * Everything random draws from one seeded generator and all timing comes from the given clock, so the
 * same seed under a VirtualClock driven the same way yields byte-identical objects (see `dump()`).
 */
import { RealClock, VirtualClock, type Clock } from '../base/clock.js';
import { silentLogger, type Logger } from '../base/log.js';
import { Admission } from './api/admission.js';
import type { SimProviders } from './api/providers.js';
import { createApiServer, type ApiServer } from './api/server.js';
import { Behaviour } from './controllers/behaviour.js';
import { DEFAULT_KUBELET_TIMINGS, type KubeletTimings, type SimConfig, type SimContext } from './controllers/context.js';
import { DeploymentController } from './controllers/deployment.js';
import { EventRecorder } from './controllers/events.js';
import { GarbageCollector } from './controllers/garbage-collector.js';
import { Kubelet } from './controllers/kubelet.js';
import { NodeLifecycle } from './controllers/nodes.js';
import { ReplicaSetController } from './controllers/replicaset.js';
import { Scheduler } from './controllers/scheduler.js';
import { FaultInjector } from './faults.js';
import { createLogProvider } from './logs.js';
import { createMetrics, type MetricsServer } from './metrics.js';
import { Rng } from '../base/random.js';
import { ALL_RESOURCES, R } from './resources.js';
import { ObjectStore } from './store.js';
import { groupVersion, type KObject, type ResourceType } from './types.js';
import { ApiError } from './errors.js';
import { WorkloadModel, type WorkloadOptions } from './workload.js';

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** Default RealClock; a VirtualClock for rehearsals and tests. */
  clock?: Clock;
  /** Seeds uids, jitter and every other random choice. Default 1. */
  seed?: number;
  /** Default 3 nodes named node-1..node-N with 4 CPU, 16Gi and 110 pods each. */
  nodes?: number;
  nodeCpu?: string;
  nodeMemory?: string;
  nodePods?: number;
  /** Create namespace demo with Deployment and Service nginx-demo (demo/nginx-deploy.yaml). */
  demo?: boolean;
  /** tolerationSeconds for not-ready/unreachable nodes given to controller-created pods (upstream 300). */
  tolerationSeconds?: number;
  /** Seconds before a silent node is marked Unknown (upstream 40). */
  nodeMonitorGraceSeconds?: number;
  kubelet?: Partial<KubeletTimings>;
  /**
   * metrics-server's scrape interval: metrics.k8s.io shows the CPU rate between the last two scrapes. Default 15
   * (metrics-server's) under a VirtualClock, where rehearsals measure what the lag costs; 1 on a real clock, so an
   * interactive session or a real-time test sees a new pod's metrics within ~2 s instead of 30.
   */
  metricResolutionSeconds?: number;
  workload?: Omit<WorkloadOptions, 'seed'>;
  /** Image tags containing any of these fail to pull. Default ["does-not-exist", "missing"]. */
  missingImageTags?: string[];
  /** Serve the HTTP API (default true). Without it `url` is empty: for in-process tests and benchmarks. */
  serve?: boolean;
  logger?: Logger;
}

export interface Simulator {
  url: string;
  kubeconfigYaml(): string;
  store: ObjectStore;
  clock: Clock;
  faults: FaultInjector;
  workload: WorkloadModel;
  nodes: NodeLifecycle;
  kubelet: Kubelet;
  providers: SimProviders;
  /** metrics-server: `scrape()` takes a sample now. */
  metricsServer: MetricsServer;
  /** Creates an object as the API server would (defaults and validation), for scenarios and benchmarks. */
  create(obj: KObject): KObject;
  /** Lets `ms` of simulated time pass: advances a VirtualClock, or sleeps on a real one. */
  step(ms: number): Promise<void>;
  /** Waits until the Deployment (default demo/nginx-demo) has all replicas updated and available. */
  ready(opts?: { namespace?: string; name?: string; timeoutMs?: number }): Promise<void>;
  /**
   * Compacts the watch history and ends every open watch: clients resuming from their last resourceVersion get
   * 410 Gone and must re-list (what a real API server does after an etcd compaction or a watch-cache restart).
   */
  expireWatches(): void;
  /** Every stored object as canonical JSON: equal seeds and clock steps give equal dumps. */
  dump(): string;
  stop(): Promise<void>;
}

export const SIM_VERSION = '0.1.0';
const BASE_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The objects of demo/nginx-deploy.yaml (a test keeps the two identical). */
export function demoObjects(): { res: ResourceType; obj: KObject }[] {
  const labels = { app: 'nginx-demo' };
  return [
    { res: R.namespaces, obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } } },
    {
      res: R.deployments,
      obj: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'nginx-demo', namespace: 'demo', labels },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'nginx',
                  image: 'nginx:1.27',
                  ports: [{ containerPort: 80 }],
                  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
                },
              ],
            },
          },
        },
      },
    },
    {
      res: R.services,
      obj: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'nginx-demo', namespace: 'demo', labels },
        spec: { selector: labels, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
      },
    },
  ];
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const clock = opts.clock ?? new RealClock();
  const seed = opts.seed ?? 1;
  const rng = new Rng(seed);
  const uidRng = rng.fork('uid');
  const store = new ObjectStore(clock, () => uidRng.uuid());
  const logger = opts.logger ?? silentLogger();
  const config: SimConfig = {
    seed,
    tolerationSeconds: opts.tolerationSeconds ?? 300,
    nodeMonitorGraceSeconds: opts.nodeMonitorGraceSeconds ?? 40,
    kubelet: { ...DEFAULT_KUBELET_TIMINGS, ...(opts.kubelet ?? {}) },
  };
  const events = new EventRecorder(store, clock);
  const behaviour = new Behaviour(opts.missingImageTags);
  const ctx: SimContext = { store, clock, rng: rng.fork('controllers'), config, events, behaviour, logger };
  const admission = new Admission();
  const admit = (res: ResourceType, obj: KObject): KObject => {
    if (res.namespaced) obj = { ...obj, metadata: { ...obj.metadata, namespace: obj.metadata.namespace ?? 'default' } };
    const o = structuredClone(obj);
    admission.create(res, o);
    return store.create(res, o);
  };

  for (const ns of BASE_NAMESPACES) admit(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

  const kubelet = new Kubelet(ctx);
  const nodes = new NodeLifecycle(ctx, kubelet);
  const nodeCount = opts.nodes ?? 3;
  for (let i = 1; i <= nodeCount; i++) {
    nodes.createNode({ name: `node-${i}`, cpu: opts.nodeCpu ?? '4', memory: opts.nodeMemory ?? '16Gi', pods: opts.nodePods ?? 110 }, i);
  }

  const workload = new WorkloadModel(store, clock, { ...(opts.workload ?? {}), seed });
  const controllers = [
    events,
    new GarbageCollector(ctx),
    new ReplicaSetController(ctx),
    new DeploymentController(ctx),
    new Scheduler(ctx),
    kubelet,
    nodes,
    workload,
  ];
  for (const c of controllers) c.start();
  // The kubelet's eviction manager: a container past its memory limit is OOM-killed.
  workload.onMemoryLimit((over) => {
    for (const o of over) kubelet.kill(o.namespace, o.name, o.container, 137, 'OOMKilled');
  });

  workload.attach({ isNodeDown: (n) => nodes.isDown(n), isFailing: (k) => behaviour.isDependencyDown(k) });
  behaviour.queueWait = (k) => workload.service(k)?.queueWaitSeconds ?? 0;

  const faults = new FaultInjector({ store, clock, rng: rng.fork('faults'), kubelet, nodes, workload, behaviour });
  const metricsServer = createMetrics({
    store,
    clock,
    workload,
    isNodeDown: (n) => nodes.isDown(n),
    resolutionSeconds: opts.metricResolutionSeconds ?? (clock instanceof VirtualClock ? 15 : 1),
  });
  metricsServer.start();
  const providers: SimProviders = {
    podMetrics: (ns) => metricsServer.podMetrics(ns),
    nodeMetrics: () => metricsServer.nodeMetrics(),
    prometheusText: () => metricsServer.prometheusText(),
    podLogs: createLogProvider(store, clock, seed),
    faults,
  };

  if (opts.demo) for (const { res, obj } of demoObjects()) admit(res, obj);

  let server: ApiServer | undefined;
  if (opts.serve ?? true) {
    server = await createApiServer({ store, clock, providers, host: opts.host, port: opts.port, logger, simVersion: SIM_VERSION });
  }
  const url = server?.url ?? '';

  const step = async (ms: number): Promise<void> => {
    if (clock instanceof VirtualClock) clock.advance(ms);
    else await clock.sleep(ms);
  };

  return {
    url,
    store,
    clock,
    faults,
    workload,
    nodes,
    kubelet,
    providers,
    metricsServer,
    create(obj) {
      const res = ALL_RESOURCES.find((r) => groupVersion(r) === obj.apiVersion && r.kind === obj.kind);
      if (!res) throw ApiError.badRequest(`no resource for apiVersion ${obj.apiVersion} kind ${obj.kind}`);
      return admit(res, obj);
    },
    step,
    kubeconfigYaml: () => kubeconfigYaml(url, opts.demo ? 'demo' : undefined),
    async ready({ namespace = 'demo', name = 'nginx-demo', timeoutMs = 120_000 } = {}) {
      const deadline = clock.now() + timeoutMs;
      for (;;) {
        const d = store.get(R.deployments, namespace, name);
        if (d && rolledOut(d)) return;
        if (clock.now() > deadline) throw new Error(`deployment ${namespace}/${name} not ready within ${timeoutMs} ms`);
        await step(clock instanceof VirtualClock ? 500 : 100);
      }
    },
    expireWatches() {
      store.expireHistory();
      server?.endWatches();
    },
    dump: () => dump(store),
    async stop() {
      faults.clearAll();
      metricsServer.stop();
      for (const c of controllers.slice().reverse()) c.stop();
      await server?.close();
    },
  };
}

function rolledOut(d: KObject): boolean {
  const want = Number(d.spec?.replicas ?? 1);
  const s = d.status ?? {};
  return (
    Number(s.observedGeneration ?? 0) >= Number(d.metadata.generation ?? 1) &&
    Number(s.updatedReplicas ?? 0) === want &&
    Number(s.availableReplicas ?? 0) === want &&
    Number(s.replicas ?? 0) === want
  );
}

function dump(store: ObjectStore): string {
  const out: Record<string, KObject[]> = {};
  for (const res of ALL_RESOURCES) {
    if (res.group === 'metrics.k8s.io') continue;
    out[`${res.group}/${res.plural}`] = store.list(res).items;
  }
  return JSON.stringify(out);
}

export function kubeconfigYaml(server: string, namespace?: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: sentinelops-sim',
    '    cluster:',
    `      server: ${server}`,
    // client-node refuses plain http unless TLS verification is explicitly off; there is no TLS here.
    '      insecure-skip-tls-verify: true',
    'contexts:',
    '  - name: sentinelops-sim',
    '    context:',
    '      cluster: sentinelops-sim',
    '      user: sentinelops-sim',
    ...(namespace ? [`      namespace: ${namespace}`] : []),
    'current-context: sentinelops-sim',
    'users:',
    '  - name: sentinelops-sim',
    '    user: {}',
    '',
  ].join('\n');
}
