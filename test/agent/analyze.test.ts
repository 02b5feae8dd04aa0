import { describe, expect, it } from 'vitest';
import { analyze, analyzeOptions, missingResources, recommendMemoryLimit } from '../../src/policy/analyze.js';
import type { FindingType } from '../../src/policy/findings.js';
import { policyPreset } from '../../src/policy/settings.js';
import { T0, deployment, loaded, metrics, node, observation, pod } from './builders.js';

const types = (obs: ReturnType<typeof observation>, now = T0) =>
  analyze(obs, now)
    .map((f) => f.type)
    .sort();

describe('analyze: pod problems', () => {
  it.each<{ name: string; pods: Parameters<typeof pod>[0][]; ready?: number; want: FindingType[] }>([
    { name: 'healthy deployment → nothing', pods: [{}, {}, {}], want: [] },
    {
      name: 'CrashLoopBackOff → crash_loop',
      pods: [{ ready: false, reason: 'CrashLoopBackOff', restarts: 5, lastTerminationReason: 'Error' }, {}, {}],
      ready: 2,
      want: ['crash_loop'],
    },
    {
      name: 'ImagePullBackOff → image_pull_error',
      pods: [{ ready: false, phase: 'Pending', reason: 'ImagePullBackOff' }, {}, {}],
      ready: 2,
      want: ['image_pull_error'],
    },
    {
      name: 'ErrImagePull → image_pull_error',
      pods: [{ ready: false, phase: 'Pending', reason: 'ErrImagePull' }, {}, {}],
      ready: 2,
      want: ['image_pull_error'],
    },
    {
      name: 'crash loop from OOM → oom_killed, not crash_loop',
      pods: [{ ready: false, reason: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled', restarts: 3 }, {}, {}],
      ready: 2,
      want: ['oom_killed'],
    },
    {
      name: 'Pending unscheduled → unschedulable',
      pods: [
        {
          ready: false,
          phase: 'Pending',
          scheduled: false,
          node: undefined,
          reason: 'Unschedulable',
          unschedulableMessage: '0/3 nodes are available: 3 Insufficient cpu.',
        },
        {},
        {},
      ],
      ready: 2,
      want: ['unschedulable'],
    },
    {
      name: 'ContainerCreating past the timeout → stuck_creating',
      pods: [{ ready: false, phase: 'Pending', reason: 'ContainerCreating', containerCreatingSince: T0 - 600_000 }, {}, {}],
      ready: 2,
      want: ['stuck_creating'],
    },
    {
      name: 'ContainerCreating within the timeout → nothing yet',
      pods: [{ ready: false, phase: 'Pending', reason: 'ContainerCreating', containerCreatingSince: T0 - 60_000, createdAt: T0 - 60_000 }, {}, {}],
      ready: 2,
      want: [],
    },
    {
      name: 'fresh container crash → pod_crashed',
      pods: [{ restarts: 1, lastTerminationReason: 'Error', lastTerminatedAt: T0 - 20_000 }, {}, {}],
      want: ['pod_crashed'],
    },
    { name: 'old crash → nothing', pods: [{ restarts: 1, lastTerminationReason: 'Error', lastTerminatedAt: T0 - 3_600_000 }, {}, {}], want: [] },
    { name: 'unready past startup with no known cause → replicas_unavailable', pods: [{ ready: false }, {}, {}], ready: 2, want: ['replicas_unavailable'] },
    { name: 'unready but just started → nothing', pods: [{ ready: false, createdAt: T0 - 10_000 }, {}, {}], ready: 2, want: [] },
    { name: 'terminating pods are ignored', pods: [{ ready: false, reason: 'Terminating' }, {}, {}], want: [] },
    // CrashLoopBackOff is a loop only after a short run (< crashLoopRunSeconds 120), or 3+ restarts after runs under
    // the kubelet's 10 min back-off reset; without run times, 3+ restarts. Otherwise it is one crash.
    {
      name: 'CrashLoopBackOff after a day-long run → pod_crashed, not crash_loop',
      pods: [
        { ready: false, reason: 'CrashLoopBackOff', restarts: 1, lastRunSeconds: 86_400, lastTerminationReason: 'Error', lastTerminatedAt: T0 - 20_000 },
        {},
        {},
      ],
      ready: 2,
      want: ['pod_crashed'],
    },
    {
      name: 'CrashLoopBackOff after day-long runs, 5 restarts → pod_crashed',
      pods: [
        { ready: false, reason: 'CrashLoopBackOff', restarts: 5, lastRunSeconds: 86_400, lastTerminationReason: 'Error', lastTerminatedAt: T0 - 20_000 },
        {},
        {},
      ],
      ready: 2,
      want: ['pod_crashed'],
    },
    {
      name: 'CrashLoopBackOff after a 119 s run → crash_loop',
      pods: [{ ready: false, reason: 'CrashLoopBackOff', restarts: 1, lastRunSeconds: 119, lastTerminatedAt: T0 - 20_000 }, {}, {}],
      ready: 2,
      want: ['crash_loop'],
    },
    {
      name: 'CrashLoopBackOff after a 120 s run, 1 restart → pod_crashed',
      pods: [
        { ready: false, reason: 'CrashLoopBackOff', restarts: 1, lastRunSeconds: 120, lastTerminationReason: 'Error', lastTerminatedAt: T0 - 20_000 },
        {},
        {},
      ],
      ready: 2,
      want: ['pod_crashed'],
    },
    {
      name: 'slow loop: 5 min runs, 3 restarts → crash_loop',
      pods: [{ ready: false, reason: 'CrashLoopBackOff', restarts: 3, lastRunSeconds: 300, lastTerminatedAt: T0 - 20_000 }, {}, {}],
      ready: 2,
      want: ['crash_loop'],
    },
    {
      name: '5 min runs, 2 restarts → pod_crashed',
      pods: [
        { ready: false, reason: 'CrashLoopBackOff', restarts: 2, lastRunSeconds: 300, lastTerminationReason: 'Error', lastTerminatedAt: T0 - 20_000 },
        {},
        {},
      ],
      ready: 2,
      want: ['pod_crashed'],
    },
    {
      name: '10 min runs (back-off reset), 5 restarts → pod_crashed',
      pods: [
        { ready: false, reason: 'CrashLoopBackOff', restarts: 5, lastRunSeconds: 600, lastTerminationReason: 'Error', lastTerminatedAt: T0 - 20_000 },
        {},
        {},
      ],
      ready: 2,
      want: ['pod_crashed'],
    },
    {
      name: 'CrashLoopBackOff, run time unknown, 1 restart → pod_crashed',
      pods: [
        { ready: false, reason: 'CrashLoopBackOff', restarts: 1, lastRunSeconds: undefined, lastTerminationReason: 'Error', lastTerminatedAt: T0 - 20_000 },
        {},
        {},
      ],
      ready: 2,
      want: ['pod_crashed'],
    },
    {
      name: 'CrashLoopBackOff, run time unknown, 3 restarts → crash_loop',
      pods: [{ ready: false, reason: 'CrashLoopBackOff', restarts: 3, lastRunSeconds: undefined, lastTerminatedAt: T0 - 20_000 }, {}, {}],
      ready: 2,
      want: ['crash_loop'],
    },
  ])('$name', ({ pods, ready, want }) => {
    const obs = observation({ deployments: [deployment({ readyReplicas: ready ?? 3 })], pods: pods.map((p) => pod(p)) });
    expect(types(obs)).toEqual(want);
  });

  it.each([
    { policy: 'sentinelops' as const, want: ['pod_crashed'] },
    { policy: 'threshold' as const, want: ['crash_loop'] },
  ])('CrashLoopBackOff after a day-long run under the $policy policy → $want', ({ policy, want }) => {
    const p = pod({
      ready: false,
      reason: 'CrashLoopBackOff',
      restarts: 1,
      lastRunSeconds: 86_400,
      lastTerminationReason: 'Error',
      lastTerminatedAt: T0 - 20_000,
    });
    const obs = observation({ deployments: [deployment({ readyReplicas: 2 })], pods: [p, pod(), pod()] });
    expect(analyze(obs, T0, analyzeOptions(policyPreset(policy))).map((f) => f.type)).toEqual(want);
  });

  it('a deployment with no ready replica makes its pod findings critical', () => {
    const obs = observation({ deployments: [deployment({ readyReplicas: 0 })], pods: [1, 2, 3].map(() => pod({ ready: false, reason: 'CrashLoopBackOff' })) });
    const [f] = analyze(obs, T0);
    expect(f).toMatchObject({ type: 'crash_loop', severity: 'critical', namespace: 'demo', target: 'web', kind: 'deployment' });
    expect(f!.pods).toHaveLength(3);
  });

  it('marks a crash of a recent rollout with its evidence', () => {
    const d = deployment({ revision: '2', previousRevision: '1', rolloutStartedAt: T0 - 120_000, readyReplicas: 2 });
    const obs = observation({
      deployments: [d],
      pods: [pod({ revision: '2', ready: false, reason: 'CrashLoopBackOff' }), pod({ revision: '1' }), pod({ revision: '1' })],
    });
    const [f] = analyze(obs, T0);
    expect(f!.evidence).toMatchObject({ recentRollout: true, revision: '2', previousRevision: '1', previousRevisionPodsReady: true, rolloutAgeSeconds: 120 });
  });

  it('unschedulable names the missing resources', () => {
    const obs = observation({
      deployments: [deployment({ readyReplicas: 2 })],
      pods: [
        pod({
          phase: 'Pending',
          ready: false,
          scheduled: false,
          cpuRequestMillicores: 64000,
          unschedulableMessage: '0/3 nodes are available: 3 Insufficient cpu, 1 Insufficient memory.',
        }),
        pod(),
        pod(),
      ],
    });
    const [f] = analyze(obs, T0);
    expect(f!.evidence.missingResources).toEqual(['cpu', 'memory']);
    expect(f!.message).toContain('cpu 64000m');
  });

  it('OOM recommends a bigger memory limit', () => {
    expect(recommendMemoryLimit(128 * 2 ** 20)).toBe(192 * 2 ** 20);
    const obs = observation({ deployments: [deployment()], pods: [pod({ reason: 'OOMKilled', ready: false }), pod(), pod()] });
    const [f] = analyze(obs, T0);
    expect(f).toMatchObject({ type: 'oom_killed', evidence: { recommendedMemoryLimitBytes: 192 * 2 ** 20 } });
    expect(f!.message).toContain('192Mi');
  });

  it('missingResources reads scheduler messages', () => {
    expect(missingResources([pod({ unschedulableMessage: '0/2 nodes are available: 2 Insufficient nvidia.com/gpu.' })])).toEqual(['nvidia.com/gpu']);
  });

  it('a stalled rollout is a bad_rollout', () => {
    const d = deployment({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    expect(types(observation({ deployments: [d], pods: [pod(), pod(), pod()] }))).toEqual(['bad_rollout']);
  });

  it('bare pods get findings of kind pod', () => {
    const obs = observation({ pods: [pod({ name: 'debug', ownerDeployment: undefined, reason: 'CrashLoopBackOff', ready: false })] });
    expect(analyze(obs, T0)).toMatchObject([{ type: 'crash_loop', kind: 'pod', target: 'debug' }]);
  });
});

describe('analyze: nodes', () => {
  it('NotReady node → node_not_ready; its pods do not raise pod findings', () => {
    const obs = observation({
      nodes: [node({ name: 'node-1' }), node({ name: 'node-2', ready: false }), node({ name: 'node-3' })],
      deployments: [deployment({ readyReplicas: 2 })],
      pods: [pod({ node: 'node-2', ready: false }), pod(), pod()],
    });
    const fs = analyze(obs, T0);
    expect(fs.map((f) => f.type)).toEqual(['node_not_ready']);
    expect(fs[0]).toMatchObject({ kind: 'node', target: 'node-2', severity: 'high', evidence: { deployments: ['demo/web'] } });
  });
});

describe('analyze: metrics', () => {
  it.each<{ name: string; cpu: number; mem?: number; want: FindingType[] }>([
    { name: 'CPU above 80 % → cpu_overload', cpu: 90, want: ['cpu_overload'] },
    { name: 'CPU below 30 % → cpu_underload', cpu: 10, want: ['cpu_underload'] },
    { name: 'CPU in band → nothing', cpu: 50, want: [] },
    { name: 'memory above 85 % → memory_pressure', cpu: 50, mem: 90, want: ['memory_pressure'] },
  ])('$name', ({ cpu, mem, want }) => {
    const l = loaded(3, cpu);
    const obs = observation({ deployments: [l.deployment], pods: l.pods, metrics: { 'demo/web': metrics(3, cpu, { memoryUtilization: mem ?? 50 }) } });
    expect(types(obs)).toEqual(want);
  });

  it('pods at their CPU limit make an overload critical', () => {
    const l = loaded(3, 200);
    const obs = observation({ deployments: [l.deployment], pods: l.pods, metrics: { 'demo/web': l.metrics } });
    expect(analyze(obs, T0)).toMatchObject([{ type: 'cpu_overload', severity: 'critical', evidence: { saturated: true } }]);
  });

  it('metrics pipeline down → metrics_unavailable and no metric findings', () => {
    const l = loaded(3, 95);
    const obs = observation({ deployments: [l.deployment], pods: l.pods, metrics: { 'demo/web': l.metrics }, metricsAvailable: false });
    expect(types(obs)).toEqual(['metrics_unavailable']);
  });
});
