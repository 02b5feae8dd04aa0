/**
 * Monitor mapping, crash memory and focus, and the watch trigger's failure judgement: table tests over tool outputs
 * and watch objects as the server and the API send them.
 */
import { describe, expect, it } from 'vitest';
import { Monitor } from '../../src/agent/monitor.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type ToolClient, ToolContractError, typedClient } from '../../src/agent/tool-client.js';
import { deploymentFailure, nodeFailure, podFailure } from '../../src/agent/watch-trigger.js';
import { emptyHistory } from '../../src/policy/history.js';
import { policyPreset } from '../../src/policy/settings.js';

const podRow = (o: Record<string, unknown> = {}) => ({
  name: 'web-1',
  namespace: 'demo',
  phase: 'Running',
  ready: true,
  node: 'node-1',
  restarts: 0,
  ownerDeployment: 'web',
  createdAt: '2026-01-01T00:00:00.000Z',
  reason: null,
  message: null,
  lastTerminationReason: null,
  scheduled: true,
  unschedulableMessage: null,
  lastRunSeconds: null,
  images: ['nginx:1.27'],
  podTemplateHash: 'h3',
  cpuRequestMillicores: 100,
  cpuLimitMillicores: 200,
  memoryRequestBytes: 64 * 2 ** 20,
  memoryLimitBytes: 128 * 2 ** 20,
  cpuMillicores: 80,
  memoryBytes: 32 * 2 ** 20,
  ...o,
});
const depRow = {
  name: 'web',
  namespace: 'demo',
  replicas: 2,
  readyReplicas: 2,
  updatedReplicas: 2,
  availableReplicas: 2,
  revision: 3,
  previousRevision: 2,
  revisionHashes: [
    { revision: 3, podTemplateHash: 'h3' },
    { revision: 2, podTemplateHash: 'h2' },
  ],
  images: ['nginx:1.27'],
  rolloutStartedAt: '2026-01-01T00:00:00.000Z',
  conditions: [{ type: 'Available', status: 'True', reason: null, message: null }],
  hpaControlled: false,
  replicasOwner: null,
  replicasSetBy: null,
  scaleDownOptIn: false,
  paused: false,
  createdAt: null,
};
const nodeRow = {
  name: 'node-1',
  ready: true,
  unschedulable: false,
  roles: [],
  pressure: [],
  cpuAllocatableMillicores: 4000,
  memoryAllocatableBytes: 8 * 2 ** 30,
  cpuCapacityMillicores: 4000,
  memoryCapacityBytes: 8 * 2 ** 30,
  taints: [],
  kubeletVersion: 'v1.31.0',
  createdAt: null,
};

type Row = ReturnType<typeof podRow>;

/** The server's aggregate of one deployment's pods, as src/services/observation.ts computes it (kept small here). */
function group(pods: Row[]) {
  const ready = pods.filter((p) => p.ready);
  const measured = ready.filter((p) => p.cpuMillicores !== null);
  const sum = (f: (p: Row) => number) => measured.reduce((n, p) => n + f(p), 0);
  const cpu = sum((p) => p.cpuMillicores as number);
  const cpuReq = sum((p) => p.cpuRequestMillicores);
  const mem = sum((p) => p.memoryBytes as number);
  const memReq = sum((p) => p.memoryRequestBytes);
  return {
    namespace: 'demo',
    name: 'web',
    pods: pods.length,
    readyPods: ready.length,
    terminating: 0,
    unhealthy: pods.filter((p) => !p.ready).length,
    hashes: [...new Set(pods.map((p) => p.podTemplateHash))],
    restarted: pods.filter((p) => p.restarts > 0).map((p) => ({ pod: p.name, restarts: p.restarts, ready: p.ready })),
    memoryBytes: mem,
    podsWithMemory: measured.length,
    metrics: measured.length
      ? {
          cpuMillicores: cpu,
          cpuRequestMillicores: cpuReq,
          cpuLimitMillicores: sum((p) => p.cpuLimitMillicores),
          memoryBytes: mem,
          memoryRequestBytes: memReq,
          memoryLimitBytes: sum((p) => p.memoryLimitBytes),
          cpuUtilization: (cpu / cpuReq) * 100,
          memoryUtilization: (mem / memReq) * 100,
          podsWithMetrics: measured.length,
          readyPods: ready.length,
          complete: measured.length === ready.length,
        }
      : null,
  };
}

/**
 * A scripted wire under the real typed client: each agent_observation call answers from the current world as the
 * server would (full rows for unhealthy pods and the deployments asked for), held to the tool's output schema;
 * records what was asked.
 */
function scripted(world: { pods: Row[]; metricsDown?: boolean; replicas?: number }) {
  const calls: Record<string, unknown>[] = [];
  const answer = (value: Record<string, unknown>): CallToolResult => ({ content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value });
  const refuse = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });
  const client: ToolClient = typedClient(
    async (tool, args) => {
      if (tool !== 'agent_observation') return refuse(`unexpected ${tool}`);
      calls.push(args);
      const wanted = (args.allPods as boolean) || ((args.deployments as string[] | undefined) ?? []).includes('demo/web');
      const replicas = world.replicas ?? world.pods.length;
      const ready = world.pods.filter((p) => p.ready).length;
      const g = group(world.pods);
      return answer({
        deployments: [{ ...depRow, replicas, readyReplicas: ready, availableReplicas: ready, updatedReplicas: replicas }],
        groups: [world.metricsDown ? { ...g, metrics: null } : g],
        nodes: [nodeRow],
        pods: world.pods.filter((p) => wanted || !p.ready),
        totals: { pods: world.pods.length, readyPods: ready },
        metricsAvailable: !world.metricsDown,
      });
    },
    async () => {},
  );
  return { client, calls };
}

const focus = { history: emptyHistory(), policy: policyPreset('sentinelops') };
const t = (s: number) => Date.UTC(2026, 0, 1, 1) + s * 1000;

describe('monitor', () => {
  it('an unhealthy deployment is focused: its pods are fetched and mapped onto the observation, metrics over ready pods', async () => {
    const world = { pods: [podRow({ cpuMillicores: 150 }), podRow({ name: 'web-2', ready: false, cpuMillicores: 0 })], replicas: 2 };
    const { client, calls } = scripted(world);
    const { obs, focus: why } = await new Monitor(client, { namespaces: ['demo'] }).observe(t(0), focus);
    expect(calls).toEqual([{ namespaces: ['demo'] }, { namespaces: ['demo'], deployments: ['demo/web'] }]);
    expect(why).toEqual({ 'demo/web': 'unhealthy pods' });
    expect(obs.deployments[0]).toMatchObject({ revision: '3', previousRevision: '2', rolloutStartedAt: Date.UTC(2026, 0, 1) });
    expect(obs.pods[0]).toMatchObject({ cpuMillicores: 150, cpuRequestMillicores: 100, cpuLimitMillicores: 200, revision: '3' });
    // The unready pod idles: utilization is the ready pod's alone.
    expect(obs.metrics['demo/web']).toMatchObject({ cpuMillicores: 150, cpuRequestMillicores: 100, cpuUtilization: 150, podsWithMetrics: 1, readyPods: 1 });
  });

  it('a healthy deployment inside the tolerance is quiet: no pods, no policy; a restart focuses it and fetches its pods', async () => {
    const world = { pods: [podRow(), podRow({ name: 'web-2' })] };
    const { client, calls } = scripted(world);
    const m = new Monitor(client, { namespaces: ['demo'] });
    const quiet = await m.observe(t(0), focus);
    expect(quiet.obs.deployments).toEqual([]);
    expect(quiet.obs.pods).toEqual([]);
    expect(quiet.quiet.map((d) => d.name)).toEqual(['web']);
    expect(quiet.overview).toMatchObject({ pods: 2, readyPods: 2 });
    expect(quiet.overview.deployments[0]!.metrics).toMatchObject({ cpuUtilization: 80 });
    expect(calls).toEqual([{ namespaces: ['demo'] }]);

    world.pods = [podRow({ restarts: 1 }), podRow({ name: 'web-2' })];
    const crashed = await m.observe(t(120), focus);
    expect(crashed.focus).toEqual({ 'demo/web': 'restarts' });
    expect(calls.at(-1)).toEqual({ namespaces: ['demo'], deployments: ['demo/web'] });
    expect(crashed.obs.pods.map((p) => [p.name, p.lastTerminatedAt])).toEqual([
      ['web-1', t(120)],
      ['web-2', undefined],
    ]);
    // Still focused (lingering) at the next check: asked for in the first call, no second one.
    const before = calls.length;
    await m.observe(t(180), focus);
    expect(calls.length - before).toBe(1);
    expect(calls.at(-1)).toEqual({ namespaces: ['demo'], deployments: ['demo/web'] });
  });

  it('usage outside the scaling tolerance focuses the deployment', async () => {
    const world = { pods: [podRow(), podRow({ name: 'web-2' })] };
    const m = new Monitor(scripted(world).client, { namespaces: ['demo'] });
    await m.observe(t(0), focus);
    world.pods = [podRow({ cpuMillicores: 40 }), podRow({ name: 'web-2', cpuMillicores: 40 })];
    expect((await m.observe(t(60), focus)).focus).toEqual({ 'demo/web': 'outside tolerance' });
  });

  it('a restart seen between checks is a fresh crash until a later check finds the pod ready again', async () => {
    const world = { pods: [podRow()], replicas: 1 };
    const m = new Monitor(scripted(world).client, { namespaces: ['demo'] });
    expect((await m.observe(t(0), focus)).obs.pods[0]!.lastTerminatedAt).toBeUndefined();
    world.pods = [podRow({ restarts: 1, ready: false })];
    expect((await m.observe(t(10), focus)).obs.pods[0]!.lastTerminatedAt).toBe(t(10));
    world.pods = [podRow({ restarts: 1, ready: true })];
    expect((await m.observe(t(20), focus)).obs.pods[0]!.lastTerminatedAt).toBeUndefined();
    // A pod that appears already restarted crashed since the last check, too.
    world.pods = [podRow(), podRow({ name: 'web-9', restarts: 2 })];
    expect((await m.observe(t(30), focus)).obs.pods.find((p) => p.name === 'web-9')!.lastTerminatedAt).toBe(t(30));
    // Restart counts are remembered only for pods that have restarted.
    expect(Object.keys(m.memory().pods)).toEqual(['demo/web-9']);
  });

  it('metrics pipeline down: the observation says so and carries no metrics', async () => {
    const { obs } = await new Monitor(scripted({ pods: [podRow()], metricsDown: true }).client, { namespaces: [] }).observe(0, focus);
    expect(obs).toMatchObject({ metricsAvailable: false, metrics: {} });
  });

  it('a pod row without a field the monitor reads fails the cycle naming tool and field, not an undefined restart count', async () => {
    const { restarts: _gone, ...renamed } = { ...podRow(), restartCount: 0 };
    const m = new Monitor(scripted({ pods: [renamed as unknown as Row] }).client, { namespaces: ['demo'] });
    const err = await m.observe(0, focus).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolContractError);
    expect((err as Error).message).toMatch(/^agent_observation answered output that does not match its output schema .*restarts: Required/);
  });
});

describe('watch trigger judgement', () => {
  const pod = (status: Record<string, unknown>, meta: Record<string, unknown> = {}) => ({ metadata: { namespace: 'demo', name: 'web-1', ...meta }, status });
  it.each([
    { name: 'restart count rose', obj: pod({ containerStatuses: [{ restartCount: 2, state: { running: {} } }] }), prev: 1, want: 'pod demo/web-1 restarted' },
    {
      name: 'CrashLoopBackOff',
      obj: pod({ containerStatuses: [{ restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }),
      prev: 3,
      want: 'pod demo/web-1 CrashLoopBackOff',
    },
    {
      name: 'OOMKilled',
      obj: pod({ containerStatuses: [{ restartCount: 0, state: { terminated: { reason: 'OOMKilled' } } }] }),
      prev: 0,
      want: 'pod demo/web-1 OOMKilled',
    },
    {
      name: 'Unschedulable',
      obj: pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] }),
      prev: undefined,
      want: 'pod demo/web-1 Unschedulable',
    },
    { name: 'healthy', obj: pod({ containerStatuses: [{ restartCount: 0, state: { running: {} } }] }), prev: 0, want: undefined },
    {
      name: 'terminating',
      obj: pod({ containerStatuses: [{ state: { terminated: { reason: 'Error' } } }] }, { deletionTimestamp: 'x' }),
      prev: 0,
      want: undefined,
    },
    {
      name: 'first sight of a restarted pod (no baseline)',
      obj: pod({ containerStatuses: [{ restartCount: 4, state: { running: {} } }] }),
      prev: undefined,
      want: undefined,
    },
  ])('pod: $name', ({ obj, prev, want }) => {
    expect(podFailure(obj, prev)).toBe(want);
  });

  it('deployments fail on a stalled rollout, nodes on NotReady', () => {
    const dep = (conditions: unknown[]) => ({ metadata: { namespace: 'demo', name: 'web' }, status: { conditions } });
    expect(deploymentFailure(dep([{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }]))).toBe(
      'deployment demo/web ProgressDeadlineExceeded',
    );
    expect(
      deploymentFailure(
        dep([
          { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
          { type: 'Available', status: 'False' },
        ]),
      ),
    ).toBeUndefined();
    expect(nodeFailure({ metadata: { name: 'node-2' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } })).toBe('node node-2 NotReady');
    expect(nodeFailure({ metadata: { name: 'node-1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } })).toBeUndefined();
  });
});
