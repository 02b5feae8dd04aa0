import { describe, expect, it } from 'vitest';
import { emptyHistory } from '../../src/policy/history.js';
import type { Observation } from '../../src/policy/observation.js';
import { type AgentPolicy, DEFAULT_POLICY, policyPreset } from '../../src/policy/settings.js';
import { T0, deployment, loaded, metrics, node, observation, pod, sec } from './builders.js';
import { cycle, run } from './cycles.js';

const crashLooping =
  (o: Parameters<typeof deployment>[0] = {}) =>
  () =>
    observation({
      deployments: [deployment({ readyReplicas: 0, ...o })],
      pods: [1, 2, 3].map((i) => pod({ name: `web-${i}`, ready: false, reason: 'CrashLoopBackOff', restarts: 4, lastTerminationReason: 'Error' })),
    });

describe('healing', () => {
  /** Revision 2 rolled out at T0 and crashes; revision 1 was never seen healthy, so there is nothing safe to roll back to. */
  const afterChange = { revision: '2', previousRevision: '1', rolloutStartedAt: T0 - 60_000 };

  it('a crash loop with no recent change on one node: restarted once, then escalated once with evidence to gather, then no more restarts', () => {
    const { acted, log } = run(crashLooping(), 7200);
    // Watched one cycle first (CrashLoopConfirming): a shared cause would have reached pods on other nodes.
    expect(log.find((d) => d.t === 0 && d.findingType === 'crash_loop')).toMatchObject({ action: 'none', reason: 'CrashLoopConfirming' });
    expect(acted.filter((d) => d.action === 'restart').map((d) => d.t)).toEqual([60]);
    const escalations = acted.filter((d) => d.action === 'escalate');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({ t: 240, reason: 'CrashLoopNeedsHuman', severity: 'critical', gather: { pods: ['web-1', 'web-2'] } });
    expect(escalations[0]!.message).toMatch(/nothing changed in the deployment recently.*last termination: Error/);
    expect(log.filter((d) => d.t > 240 && d.findingType === 'crash_loop').every((d) => d.reason === 'RestartedOnce')).toBe(true);
  });

  it('every pod crashing on several nodes with no recent change: escalated at once, never restarted (the cause is shared)', () => {
    const spread = () =>
      observation({
        deployments: [deployment({ readyReplicas: 0 })],
        pods: [1, 2, 3].map((i) =>
          pod({ name: `web-${i}`, node: `node-${i}`, ready: false, reason: 'CrashLoopBackOff', restarts: 4, lastTerminationReason: 'Error' }),
        ),
      });
    const { acted, log } = run(spread, 3600);
    expect(acted.filter((d) => d.action === 'restart')).toEqual([]);
    const escalations = acted.filter((d) => d.action === 'escalate');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({ t: 0, reason: 'CrashLoopSharedCause', severity: 'critical', gather: { pods: ['web-1', 'web-2'] } });
    expect(escalations[0]!.message).toMatch(/all 3 pods crash on 3 nodes and nothing changed.*last termination: Error/);
    expect(log.filter((d) => d.t > 0 && d.findingType === 'crash_loop').every((d) => d.reason === 'SharedCauseWithHuman')).toBe(true);
  });

  it.each([
    { name: 'one pod still serves', pods: [1, 2, 3].map((i) => (i === 3 ? pod({ name: 'web-3', node: 'node-3' }) : undefined)) },
    { name: 'all on one node', pods: [] },
  ])('a crash loop that a restart may fix ($name): restarted once', ({ pods }) => {
    const world = () =>
      observation({
        deployments: [deployment({ readyReplicas: pods.some(Boolean) ? 1 : 0 })],
        pods: [1, 2, 3].map(
          (i) => pods[i - 1] ?? pod({ name: `web-${i}`, node: pods.length ? `node-${i}` : 'node-1', ready: false, reason: 'CrashLoopBackOff', restarts: 4 }),
        ),
      });
    const { acted } = run(world, 600);
    expect(acted.filter((d) => d.action === 'restart').map((d) => [d.t, d.reason])).toEqual([[60, 'CrashLoopRestart']]);
  });

  it('no restart storm after a recent change: one restart, escalation with raised severity, then exponential backoff within the cap', () => {
    const { acted } = run(crashLooping(afterChange), 3600);
    const restarts = acted.filter((d) => d.action === 'restart');
    const escalations = acted.filter((d) => d.action === 'escalate');
    expect(restarts[0]).toMatchObject({ t: 0, tool: 'restart_deployment', arguments: { namespace: 'demo', deployment: 'web' }, reason: 'CrashLoopRestart' });
    const gaps = restarts.slice(1).map((r, i) => r.t - restarts[i]!.t);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]! * 2);
    expect(gaps[0]).toBeGreaterThanOrEqual(300);
    expect(restarts.length).toBeLessThanOrEqual(4);
    // Every failed restart is escalated once, after the grace period, before the next attempt.
    expect(escalations[0]).toMatchObject({ t: 180, reason: 'RestartDidNotHelp', severity: 'critical' });
    expect(escalations.length).toBe(restarts.length);
  });

  it('never more actions on one target than the cap within the window', () => {
    const policy: AgentPolicy = {
      ...DEFAULT_POLICY,
      healing: { ...DEFAULT_POLICY.healing, backoffBaseSeconds: 60, backoffMaxSeconds: 60, restartGraceSeconds: 60 },
    };
    const { acted } = run(crashLooping(afterChange), 1800, policy);
    expect(acted.filter((d) => d.action === 'restart').length).toBe(policy.healing.maxActionsPerTarget);
  });

  it('rolls back when the new revision crashes and the previous one was healthy', () => {
    // Healthy on revision 1 for two cycles, then revision 2 rolls out and crashes.
    const world = (t: number) =>
      t < 120
        ? observation({ deployments: [deployment({ revision: '1' })], pods: [pod(), pod(), pod()] })
        : observation({
            deployments: [
              deployment({ revision: '2', previousRevision: '1', rolloutStartedAt: sec(120), readyReplicas: 2, updatedReplicas: 1, images: ['web:2'] }),
            ],
            pods: [pod({ revision: '2', ready: false, reason: 'CrashLoopBackOff', restarts: 3 }), pod({ revision: '1' }), pod({ revision: '1' })],
          });
    const { acted } = run(world, 300);
    expect(acted).toHaveLength(1);
    expect(acted[0]).toMatchObject({
      t: 120,
      action: 'rollback',
      tool: 'rollback_deployment',
      arguments: { namespace: 'demo', deployment: 'web', toRevision: 1 },
      reason: 'BadRollout',
      findingType: 'crash_loop',
    });
  });

  it('rolls back an image that cannot be pulled on a new rollout, and never restarts for it', () => {
    const obs = observation({
      deployments: [deployment({ revision: '3', previousRevision: '2', rolloutStartedAt: T0 - 60_000, readyReplicas: 3, updatedReplicas: 1 })],
      pods: [
        pod({ revision: '3', phase: 'Pending', ready: false, reason: 'ImagePullBackOff' }),
        pod({ revision: '2' }),
        pod({ revision: '2' }),
        pod({ revision: '2' }),
      ],
    });
    const { decisions } = cycle(obs, DEFAULT_POLICY, emptyHistory(), T0);
    expect(decisions.filter((d) => d.action !== 'none')).toMatchObject([{ action: 'rollback', findingType: 'image_pull_error', arguments: { toRevision: 2 } }]);
  });

  it.each([
    {
      name: 'ImagePullBackOff without a new rollout → escalate, never restart',
      pods: [{ phase: 'Pending' as const, ready: false, reason: 'ImagePullBackOff' }],
      want: 'escalate',
      reason: 'ImagePullNeedsHuman',
    },
    {
      name: 'Unschedulable → escalate with the missing resources, never delete',
      pods: [{ phase: 'Pending' as const, ready: false, scheduled: false, unschedulableMessage: '0/3 nodes are available: 3 Insufficient cpu.' }],
      want: 'escalate',
      reason: 'NeedsCapacity',
      also: { message: expect.stringContaining('not enough cpu') },
    },
    {
      name: 'OOMKilled → escalate with a memory-limit recommendation, no restart',
      pods: [{ ready: false, reason: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled' }],
      want: 'escalate',
      reason: 'OomNeedsMoreMemory',
      also: { message: expect.stringContaining('192Mi') },
    },
    {
      name: 'stuck ContainerCreating → delete that pod',
      pods: [{ name: 'web-stuck', phase: 'Pending' as const, ready: false, reason: 'ContainerCreating', containerCreatingSince: T0 - 900_000 }],
      want: 'delete_pod',
      reason: 'StuckContainerCreating',
      also: { tool: 'delete_pod', arguments: { namespace: 'demo', pod: 'web-stuck' } },
    },
    {
      name: 'a fresh crash the kubelet handles → nothing',
      pods: [{ restarts: 1, lastTerminationReason: 'Error', lastTerminatedAt: T0 - 10_000 }],
      want: 'none',
      reason: 'KubeletRestarts',
    },
  ])('$name', ({ pods, want, reason, also }) => {
    const obs = observation({ deployments: [deployment({ readyReplicas: 2 })], pods: [...pods.map((p) => pod(p)), pod(), pod()] });
    const { decisions } = cycle(obs, DEFAULT_POLICY, emptyHistory(), T0);
    const heal = decisions.filter((d) => d.findingType && d.findingType !== 'cpu_underload');
    expect(heal).toMatchObject([{ action: want, reason, ...also }]);
  });

  it('unschedulable pods are never deleted, however long they wait', () => {
    const world = () =>
      observation({
        deployments: [deployment({ readyReplicas: 2 })],
        pods: [
          pod({
            phase: 'Pending',
            ready: false,
            scheduled: false,
            reason: 'Unschedulable',
            unschedulableMessage: '0/3 nodes are available: 3 Insufficient cpu.',
          }),
          pod(),
          pod(),
        ],
      });
    const { acted } = run(world, 3600);
    expect(acted.filter((d) => d.action === 'delete_pod')).toEqual([]);
    expect(acted.filter((d) => d.action === 'escalate')).toHaveLength(1);
  });

  it('a stuck pod is deleted once; stuck replacements escalate', () => {
    const world = (t: number) =>
      observation({
        deployments: [deployment({ readyReplicas: 2 })],
        pods: [
          pod({ name: t < 60 ? 'web-a' : 'web-b', phase: 'Pending', ready: false, reason: 'ContainerCreating', containerCreatingSince: sec(t) - 600_000 }),
          pod(),
          pod(),
        ],
      });
    const { acted } = run(world, 600);
    expect(acted.map((d) => `${d.action}:${d.reason}`)).toEqual(['delete_pod:StuckContainerCreating', 'escalate:StuckAfterDelete']);
  });

  it('node NotReady → one escalation, no pod actions', () => {
    const world = () =>
      observation({
        nodes: [node({ name: 'node-1' }), node({ name: 'node-2', ready: false }), node({ name: 'node-3' })],
        deployments: [deployment({ readyReplicas: 2 })],
        pods: [pod({ node: 'node-2', ready: false, reason: 'CrashLoopBackOff' }), pod(), pod()],
      });
    const { acted } = run(world, 1200);
    expect(acted).toMatchObject([{ action: 'escalate', reason: 'NodeNotReady', kind: 'node', target: 'node-2' }]);
  });

  it('protected namespaces: no action of any kind that touches the cluster', () => {
    const l = loaded(3, 150, { namespace: 'kube-system', name: 'coredns' });
    const world = () =>
      observation({
        deployments: [{ ...l.deployment, readyReplicas: 2 }],
        pods: [
          pod({ namespace: 'kube-system', ownerDeployment: 'coredns', ready: false, reason: 'CrashLoopBackOff' }),
          ...l.pods.slice(1).map((p) => ({ ...p, namespace: 'kube-system' })),
        ],
        metrics: { 'kube-system/coredns': l.metrics },
      });
    const { log } = run(world, 1200);
    expect(log.filter((d) => d.tool !== undefined)).toEqual([]);
    expect(log.some((d) => d.reason === 'ProtectedNamespace')).toBe(true);
  });

  it('circuit breaker: most deployments of a namespace failing → hold restarts, escalate once', () => {
    const names = ['a', 'b', 'c'];
    const world = () =>
      observation({
        deployments: names.map((name) => deployment({ name, readyReplicas: 0 })),
        pods: names.map((name) => pod({ name: `${name}-1`, ownerDeployment: name, ready: false, reason: 'CrashLoopBackOff' })),
      });
    const { acted, log } = run(world, 600);
    expect(acted.filter((d) => d.tool)).toEqual([]);
    expect(log.filter((d) => d.reason === 'CircuitBreakerOpen' && d.action === 'none')).not.toHaveLength(0);
    expect(acted.filter((d) => d.action === 'escalate' && d.target === 'breaker-demo')).toHaveLength(1);
  });

  it('circuit breaker still lets an isolated bad rollout roll back', () => {
    const obs = observation({
      deployments: [
        deployment({ name: 'a', revision: '2', previousRevision: '1', rolloutStartedAt: T0 - 60_000, readyReplicas: 1 }),
        deployment({ name: 'b', readyReplicas: 0 }),
        deployment({ name: 'c', readyReplicas: 0 }),
      ],
      pods: [
        pod({ ownerDeployment: 'a', revision: '2', ready: false, reason: 'ImagePullBackOff', phase: 'Pending' }),
        pod({ ownerDeployment: 'a', revision: '1' }),
        pod({ ownerDeployment: 'b', ready: false, reason: 'CrashLoopBackOff' }),
        pod({ ownerDeployment: 'c', ready: false, reason: 'CrashLoopBackOff' }),
      ],
    });
    const { decisions } = cycle(obs, DEFAULT_POLICY, emptyHistory(), T0);
    expect(decisions.filter((d) => d.tool)).toMatchObject([{ action: 'rollback', target: 'a' }]);
  });

  it('the seed policy restarts every cycle (the storm sentinelops avoids)', () => {
    const { acted } = run(crashLooping(), 600, policyPreset('threshold'));
    expect(acted.filter((d) => d.action === 'restart')).toHaveLength(10);
  });
});

describe('scaling', () => {
  const world = (replicas: number, cpu: number, o: { metricsAvailable?: boolean; complete?: boolean; hpa?: boolean } = {}) => {
    const l = loaded(replicas, cpu, { hpaControlled: o.hpa ?? false });
    return observation({
      deployments: [l.deployment],
      pods: l.pods,
      metrics: { 'demo/web': metrics(replicas, cpu, { complete: o.complete ?? true }) },
      metricsAvailable: o.metricsAvailable ?? true,
    });
  };
  const scaleOf = (obs: Observation, policy = DEFAULT_POLICY, history = emptyHistory(), now = T0) =>
    cycle(obs, policy, history, now).decisions.find(
      (d) => d.scaling || d.reason === 'HpaControlled' || d.reason === 'MetricsUnavailable' || d.reason === 'NoMetrics',
    )!;

  it.each([
    { name: 'overload scales up HPA-style to the target', replicas: 3, cpu: 120, want: 'scale', replicasTo: 5, reason: 'ScaleUp' },
    { name: 'near the target nothing happens', replicas: 3, cpu: 75, want: 'none', reason: 'WithinTolerance' },
    {
      name: 'scale-down right after start when the recommendation has been low for the whole recorded window',
      replicas: 6,
      cpu: 10,
      want: 'scale',
      replicasTo: 2,
      reason: 'ScaleDown',
    },
    { name: 'saturated pods scale by the full rate limit', replicas: 3, cpu: 199, want: 'scale', replicasTo: 7, reason: 'ScaleUp' },
    { name: 'missing metrics pipeline → no scaling', replicas: 6, cpu: 10, o: { metricsAvailable: false }, want: 'none', reason: 'MetricsUnavailable' },
    { name: 'partial metrics → never scale down', replicas: 6, cpu: 10, o: { complete: false }, want: 'none', reason: 'PartialMetrics' },
    { name: 'HPA-controlled → no scaling', replicas: 3, cpu: 150, o: { hpa: true }, want: 'none', reason: 'HpaControlled' },
    { name: 'max replicas bound', replicas: 9, cpu: 150, want: 'scale', replicasTo: 10, reason: 'ScaleUp' },
  ])('$name', ({ replicas, cpu, o, want, reason, replicasTo }) => {
    const d = scaleOf(world(replicas, cpu, o));
    expect({ action: d.action, reason: d.reason, tool: d.tool, arguments: d.arguments }).toEqual({
      action: want,
      reason,
      tool: replicasTo === undefined ? undefined : 'scale_deployment',
      arguments: replicasTo === undefined ? undefined : { namespace: 'demo', deployment: 'web', replicas: replicasTo },
    });
  });

  it('scale-down only after the stabilization window', () => {
    // Busy at 6 replicas until t=240, then idle: the first scale-down comes 300 s after the last busy recommendation.
    const w = (t: number) => (t < 300 ? world(6, 70) : world(6, 10));
    const { acted, log } = run(w, 900);
    const down = acted.filter((d) => d.action === 'scale');
    expect(down[0]).toMatchObject({ t: 540, arguments: { replicas: 2 } });
    const held = log.filter((d) => d.t >= 300 && d.t < 540 && d.scaling);
    expect(held).toHaveLength(4);
    expect(held.every((d) => d.reason === 'ScaleDownStabilized')).toBe(true);
  });

  it('like the HPA, a recorded busy recommendation holds a scale-down for the window, an empty history does not', () => {
    for (const policy of [DEFAULT_POLICY, policyPreset('hpa')]) {
      expect(scaleOf(world(4, 50), policy)).toMatchObject({ action: 'scale', arguments: { replicas: 3 } });
      // Busy (recommending 4) at t=0 only: the drop to 3 waits until that recommendation leaves the 300 s window.
      const { acted } = run((t) => (t === 0 ? world(4, 80) : world(4, 50)), 420, policy);
      expect(acted.filter((d) => d.action === 'scale')[0]).toMatchObject({ t: 300, arguments: { replicas: 3 } });
    }
  });

  describe('scale-down of deployments with unready pods', () => {
    // 6 replicas; `ok` ready pods idle at 10 % of request, plus `extra` pods in the given state.
    const mixed = (ok: number, extra: Array<Partial<Parameters<typeof pod>[0]>>, d: Parameters<typeof deployment>[0] = {}) => {
      const l = loaded(ok, 10);
      const pods = [...l.pods, ...extra.map((o) => pod({ ...o }))];
      const dep = deployment({ replicas: pods.length, readyReplicas: pods.filter((p) => p.ready).length, ...d });
      return observation({ deployments: [dep], pods, metrics: { 'demo/web': metrics(ok, 10) } });
    };
    const starting = { phase: 'Pending' as const, ready: false, reason: 'ContainerCreating', createdAt: T0 - 10_000, containerCreatingSince: T0 - 10_000 };
    const crashing = { ready: false, reason: 'CrashLoopBackOff', restarts: 5, lastTerminationReason: 'Error' };
    const unschedulable = {
      phase: 'Pending' as const,
      ready: false,
      scheduled: false,
      reason: 'Unschedulable',
      unschedulableMessage: '0/2 nodes are available: 2 Insufficient cpu.',
    };
    it.each([
      {
        name: 'unready starting pods ignored on scale-down',
        obs: mixed(4, [starting, starting]),
        policy: DEFAULT_POLICY,
        want: 'scale',
        replicasTo: 2,
        reason: 'ScaleDown',
      },
      {
        name: 'a ready pod without a sample → never scale down (partial metrics)',
        obs: mixed(4, [{ ready: true }, { ready: true }]),
        policy: DEFAULT_POLICY,
        want: 'none',
        reason: 'PartialMetrics',
      },
      { name: 'no scale-down of a crash-looping deployment', obs: mixed(4, [crashing, crashing]), policy: DEFAULT_POLICY, want: 'none', reason: 'Failing' },
      // Upstream has no such guard; the crashing pods have no sample and count as 100 %: (4×10 + 2×100)/600 → 3.
      {
        name: 'the hpa preset scales a crash-looping deployment down',
        obs: mixed(4, [crashing, crashing]),
        policy: policyPreset('hpa'),
        want: 'scale',
        replicasTo: 3,
        reason: 'ScaleDown',
      },
      {
        name: 'no scale-down of a deployment whose image cannot be pulled',
        obs: mixed(4, [{ phase: 'Pending', ready: false, reason: 'ImagePullBackOff' }]),
        policy: DEFAULT_POLICY,
        want: 'none',
        reason: 'Failing',
      },
      {
        // A scale-up that hit the cluster's capacity: Pending pods of the one revision and Progressing=False. Scaling
        // down removes the Pending pods first; holding would keep the deployment at its peak size for good.
        name: 'scale-down after a scale-up that hit the capacity wall (Unschedulable pods, progress deadline exceeded)',
        obs: mixed(4, [unschedulable, unschedulable], { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }),
        policy: DEFAULT_POLICY,
        want: 'scale',
        replicasTo: 2,
        reason: 'ScaleDown',
      },
      {
        name: 'no scale-down while a rollout is in progress',
        obs: mixed(4, [{ ...starting, revision: '2' }], { revision: '2', previousRevision: '1', updatedReplicas: 1, rolloutStartedAt: T0 - 20_000 }),
        policy: DEFAULT_POLICY,
        want: 'none',
        reason: 'RolloutInProgress',
      },
    ])('$name', ({ obs, policy, want, reason, replicasTo }) => {
      const d = scaleOf(obs, policy);
      expect({ action: d.action, reason: d.reason, tool: d.tool, replicas: d.arguments?.replicas }).toEqual({
        action: want,
        reason,
        tool: replicasTo === undefined ? undefined : 'scale_deployment',
        replicas: replicasTo,
      });
    });
  });

  it('sentinelops scales up only above its cpuHigh trigger, even when its target is lower', () => {
    const low = { ...DEFAULT_POLICY, scaling: { ...DEFAULT_POLICY.scaling, targetCpuUtilization: 60 } };
    expect(scaleOf(world(3, 75), low)).toMatchObject({ action: 'none', reason: 'WithinThresholds' });
    expect(scaleOf(world(3, 85), low)).toMatchObject({ action: 'scale', arguments: { replicas: 5 } });
  });

  it('the threshold preset adds 2 pods above 80 %', () => {
    expect(scaleOf(world(3, 90), policyPreset('threshold'))).toMatchObject({ action: 'scale', arguments: { replicas: 5 } });
  });

  it('a deployment being healed is not scaled in the same cycle', () => {
    const l = loaded(3, 150);
    const pods = [{ ...l.pods[0]!, ready: false, reason: 'CrashLoopBackOff', lastRunSeconds: 4 }, ...l.pods.slice(1)];
    // A rollout a minute ago whose other pods still serve: rolled back at once.
    const changed = { ...l.deployment, readyReplicas: 2, revision: '2', previousRevision: '1', rolloutStartedAt: T0 - 60_000 };
    const obs = observation({ deployments: [changed], pods, metrics: { 'demo/web': metrics(2, 150) } });
    const { decisions } = cycle(obs, DEFAULT_POLICY, emptyHistory(), T0);
    expect(decisions.filter((d) => d.tool).map((d) => d.action)).toEqual(['rollback']);
    expect(decisions.find((d) => d.scaling)).toMatchObject({ action: 'none', reason: 'HealingFirst' });
  });

  it('memory pressure confirmed at a second check, on pods watched for a full window, scales up; when scaling does not relieve it, scaling stops and a suspected leak is escalated', () => {
    const w = (t: number) => {
      const l = loaded(3, 50);
      const n = t <= 120 ? 3 : 4;
      const dep = { ...l.deployment, replicas: n, readyReplicas: n, updatedReplicas: n };
      const pods = Array.from({ length: n }, (_, i) => pod({ name: `web-${i}`, cpuMillicores: 50, memoryBytes: 60 * 2 ** 20 }));
      return observation({ deployments: [dep], pods, metrics: { 'demo/web': metrics(n, 50, { memoryUtilization: 90 + t / 60 }) } });
    };
    const { acted } = run(w, 240);
    expect(acted.map((d) => `${d.t}:${d.action}:${d.reason}`)).toEqual(['120:scale:ScaleUp', '180:escalate:MemoryLeakSuspected']);
  });
});
