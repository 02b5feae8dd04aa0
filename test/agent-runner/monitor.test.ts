/**
 * Monitor mapping and crash memory, and the watch trigger's failure judgement: table tests over tool outputs and
 * watch objects as the server and the API send them.
 */
import { describe, expect, it } from 'vitest';
import { Monitor, aggregate, toDeploymentView, toPodView } from '../../src/agent/monitor.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type ToolClient, ToolContractError, typedClient } from '../../src/agent/tool-client.js';
import { deploymentFailure, nodeFailure, podFailure } from '../../src/agent/watch-trigger.js';

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
  podTemplateHash: null,
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
  revisionHashes: [],
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
const usageRow = (name: string, cpu: number, withSample = true) => ({
  kind: 'pod',
  namespace: 'demo',
  name,
  pods: 1,
  podsWithMetrics: withSample ? 1 : 0,
  cpuMillicores: cpu,
  memoryBytes: 32 * 2 ** 20,
  cpuRequestMillicores: 100,
  memoryRequestBytes: 64 * 2 ** 20,
  cpuLimitMillicores: 200,
  memoryLimitBytes: 128 * 2 ** 20,
  cpuUtilization: cpu,
  memoryUtilization: 50,
});

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

/**
 * A scripted wire under the real typed client: each tools/call answers from the current world (held to the tools'
 * output schemas like a server's answer); records what was asked.
 */
function scripted(world: { pods: Record<string, unknown>[]; usage: Record<string, unknown>[]; metricsDown?: boolean }) {
  const calls: string[] = [];
  const answer = (value: Record<string, unknown>): CallToolResult => ({ content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value });
  const refuse = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });
  const client: ToolClient = typedClient(
    async (tool, args) => {
      calls.push(`${tool} ${JSON.stringify(args)}`);
      if (tool === 'list_deployments') return answer({ items: [depRow], truncated: false });
      if (tool === 'list_pods') return answer({ items: world.pods, truncated: false });
      if (tool === 'list_nodes') return answer({ items: [nodeRow], truncated: false });
      if (tool === 'get_metrics')
        return world.metricsDown
          ? refuse('no metrics source answered')
          : answer({ source: 'metrics-server', complete: true, scope: 'pod', items: world.usage });
      return refuse(`unexpected ${tool}`);
    },
    async () => {},
  );
  return { client, calls };
}

describe('monitor', () => {
  it('one call each of the four tools, mapped onto the observation with per-deployment metrics over ready pods', async () => {
    const world = { pods: [podRow(), podRow({ name: 'web-2', ready: false })], usage: [usageRow('web-1', 150), usageRow('web-2', 0)] };
    const { client, calls } = scripted(world);
    const obs = await new Monitor(client, { namespaces: ['demo'] }).observe(Date.UTC(2026, 0, 1, 1));
    expect(calls.sort()).toEqual([
      'get_metrics {"namespace":"demo","scope":"pod"}',
      'list_deployments {"namespace":"demo"}',
      'list_nodes {}',
      'list_pods {"namespace":"demo"}',
    ]);
    expect(obs.deployments[0]).toMatchObject({ revision: '3', previousRevision: '2', rolloutStartedAt: Date.UTC(2026, 0, 1) });
    expect(obs.pods[0]).toMatchObject({ cpuMillicores: 150, cpuRequestMillicores: 100, cpuLimitMillicores: 200 });
    // The unready pod idles: utilization is the ready pod's alone.
    expect(obs.metrics['demo/web']).toMatchObject({
      cpuMillicores: 150,
      cpuRequestMillicores: 100,
      cpuUtilization: 150,
      podsWithMetrics: 1,
      readyPods: 1,
      complete: true,
    });
  });

  it('a restart seen between checks is a fresh crash until a later check finds the pod ready again', async () => {
    const world = { pods: [podRow()], usage: [usageRow('web-1', 50)] };
    const m = new Monitor(scripted(world).client, { namespaces: ['demo'] });
    const t = (s: number) => Date.UTC(2026, 0, 1, 1) + s * 1000;
    expect((await m.observe(t(0))).pods[0]!.lastTerminatedAt).toBeUndefined();
    world.pods = [podRow({ restarts: 1, ready: false })];
    expect((await m.observe(t(10))).pods[0]!.lastTerminatedAt).toBe(t(10));
    world.pods = [podRow({ restarts: 1, ready: true })];
    expect((await m.observe(t(20))).pods[0]!.lastTerminatedAt).toBeUndefined();
    // A pod that appears already restarted crashed since the last check, too.
    world.pods = [podRow(), podRow({ name: 'web-9', restarts: 2 })];
    expect((await m.observe(t(30))).pods.find((p) => p.name === 'web-9')!.lastTerminatedAt).toBe(t(30));
  });

  it('metrics pipeline down: the observation says so and carries no metrics', async () => {
    const obs = await new Monitor(scripted({ pods: [podRow()], usage: [], metricsDown: true }).client, { namespaces: [] }).observe(0);
    expect(obs).toMatchObject({ metricsAvailable: false, metrics: {} });
  });

  it('a pod row without a field the monitor reads fails the cycle naming tool and field, not an undefined restart count', async () => {
    const { restarts: _gone, ...renamed } = { ...podRow(), restartCount: 0 };
    const m = new Monitor(scripted({ pods: [renamed], usage: [] }).client, { namespaces: ['demo'] });
    const err = await m.observe(0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolContractError);
    expect((err as Error).message).toMatch(/^list_pods answered output that does not match its output schema .*items\.0\.restarts: Required/);
  });

  it('partial samples make the aggregate incomplete; no request means no metrics', () => {
    const d = toDeploymentView(depRow);
    const a = toPodView(podRow());
    const b = toPodView(podRow({ name: 'web-2' }));
    Object.assign(a, { cpuMillicores: 80, cpuRequestMillicores: 100 });
    Object.assign(b, { cpuRequestMillicores: 100 });
    expect(aggregate([d], [a, b])['demo/web']).toMatchObject({ podsWithMetrics: 1, readyPods: 2, complete: false });
    expect(aggregate([d], [{ ...a, cpuRequestMillicores: undefined }])).toEqual({});
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
