/**
 * What the agent does about a memory leak, through whole cycles (assess → observe → decide) against worlds given as
 * functions of time: the pod about to hit its limit is replaced, one at a time and only when that is safe; a
 * leaking deployment is not scaled on memory, while memory that rises with the work still is, once confirmed.
 */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/policy/decision.js';
import { assess } from '../../src/policy/assess.js';
import { incidentKey } from '../../src/policy/findings.js';
import { type History, emptyHistory } from '../../src/policy/history.js';
import type { PodView } from '../../src/policy/observation.js';
import { type AgentPolicy, DEFAULT_POLICY } from '../../src/policy/settings.js';
import { deployment, metrics, observation, pod, sec } from './builders.js';
import { cycle, run } from './cycles.js';

const MiB = 2 ** 20;

const line = (d: Decision & { t: number }) => `${d.t}:${d.action}:${d.reason}${d.action === 'delete_pod' ? `:${String(d.arguments?.pod)}` : ''}`;

describe('leak: the pod nearest its limit is replaced before the OOM kill', () => {
  /**
   * Three pods leaking 12 MiB/min (limit 128 MiB, request = limit so memory never looks like pressure); CPU flat.
   * At 120 s, the third check and the first with a trend, web-a is 70 s and web-b 85 s from the limit. From 180 s
   * web-a has been replaced by a fresh web-a2 (as its ReplicaSet does after the delete); from 240 s web-b by web-b2.
   */
  type Opts = { cpu?: number; cpuLimit?: number; metricsCpu?: number; third?: Partial<PodView>; only?: string[] };
  function world(o: Opts = {}) {
    const cpu = o.cpu ?? 75;
    return (t: number) => {
      const leaking = (name: string, mib0: number, since = 0) =>
        pod({
          name,
          memoryBytes: (mib0 + 0.2 * (t - since)) * MiB,
          memoryRequestBytes: 128 * MiB,
          cpuMillicores: cpu,
          cpuLimitMillicores: o.cpuLimit ?? 200,
          createdAt: sec(since - 5),
        });
      const pods = [
        t < 180 ? leaking('web-a', 90) : leaking('web-a2', 40, 180),
        t < 240 ? leaking('web-b', 87) : leaking('web-b2', 40, 240),
        o.third ? pod({ name: 'web-c', createdAt: sec(t - 10), ...o.third }) : leaking('web-c', 40),
      ].filter((p) => !o.only || o.only.includes(p.name));
      const n = pods.length;
      const ready = pods.filter((p) => p.ready && p.reason !== 'Terminating').length;
      const withMemory = pods.filter((p) => p.memoryBytes !== undefined);
      const memoryUtilization = (withMemory.reduce((a, p) => a + p.memoryBytes!, 0) / (withMemory.length * 128 * MiB)) * 100;
      const m = metrics(ready, cpu, {
        memoryUtilization,
        cpuLimitMillicores: ready * (o.cpuLimit ?? 200),
        ...(o.metricsCpu !== undefined ? { cpuMillicores: o.metricsCpu } : {}),
      });
      return observation({ deployments: [deployment({ replicas: n, readyReplicas: ready, availableReplicas: ready })], pods, metrics: { 'demo/web': m } });
    };
  }
  const leakDecisions = (o: Opts, until = 300) =>
    run(world(o), until)
      .log.filter((d) => d.findingType === 'memory_leak')
      .map(line);

  it('escalates once, deletes the pod nearest its limit (one per cycle), then the next one at the next check', () => {
    expect(leakDecisions({})).toEqual([
      '120:escalate:MemoryLeak',
      '120:delete_pod:LeakReplacement:web-a',
      '180:none:AlreadyEscalated',
      '180:delete_pod:LeakReplacement:web-b',
      '240:none:AlreadyEscalated',
    ]);
  });

  it('the whole run mutates nothing else: no scaling, no restart', () => {
    expect(run(world(), 300).acted.map(line)).toEqual([
      '120:escalate:MemoryLeak',
      '120:delete_pod:LeakReplacement:web-a',
      '180:delete_pod:LeakReplacement:web-b',
    ]);
  });

  it.each<{ name: string; o: Opts; reason: string }>([
    {
      name: 'another pod is starting (not ready)',
      o: { third: { ready: false, phase: 'Pending', reason: 'ContainerCreating' } },
      reason: 'LeakReplacementWaiting',
    },
    { name: 'another pod is terminating', o: { third: { ready: false, reason: 'Terminating' } }, reason: 'LeakReplacementWaiting' },
    { name: 'the other two pods could not carry 210m at a 100m limit each', o: { cpu: 70, cpuLimit: 100 }, reason: 'LeakReplacementUnsafe' },
    { name: 'the deployment load is 1m over what the other two carry', o: { cpuLimit: 100, metricsCpu: 201 }, reason: 'LeakReplacementUnsafe' },
    { name: 'a single pod has no other to carry its load', o: { only: ['web-a'] }, reason: 'LeakReplacementUnsafe' },
  ])('no delete when $name → $reason', ({ o, reason }) => {
    expect(leakDecisions(o, 180)).toEqual(['120:escalate:MemoryLeak', `120:none:${reason}`]);
  });

  it("eight leaking pods due at once: two replaced per cycle (a rolling update's 25 %), nearest the limit first", () => {
    // Eight pods at 108–115 MiB at 120 s, rising 12 MiB/min (limit 128 MiB): six are due within 90 s. CPU 75m each of 200m.
    const w = (t: number) => {
      const pods = [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
        pod({ name: `web-${i}`, memoryBytes: (84 + i + 0.2 * t) * MiB, memoryRequestBytes: 128 * MiB, cpuMillicores: 75 }),
      );
      return observation({ deployments: [deployment({ replicas: 8, readyReplicas: 8, availableReplicas: 8 })], pods, metrics: { 'demo/web': metrics(8, 75) } });
    };
    expect(run(w, 121).acted.map(line)).toEqual(['120:escalate:MemoryLeak', '120:delete_pod:LeakReplacement:web-7', '120:delete_pod:LeakReplacement:web-6']);
  });

  it('the others carrying exactly the load (200m at 100m each for two) is enough', () => {
    expect(leakDecisions({ cpuLimit: 100, metricsCpu: 200 }, 180)).toEqual(['120:escalate:MemoryLeak', '120:delete_pod:LeakReplacement:web-a']);
  });

  it('a leak that fills a fresh pod within 180 s is escalated only (LeakTooFast): replacing it would be a treadmill', () => {
    // Pods started at 0 s with 20 MiB and gain 48 MiB/min: at 120 s web-0 is 15 s from the limit, a 135 s life.
    const w = (t: number) => {
      const pods = [20, 18, 16].map((mib0, i) =>
        pod({ name: `web-${i}`, createdAt: sec(0), memoryBytes: (mib0 + 0.8 * t) * MiB, memoryRequestBytes: 128 * MiB, cpuMillicores: 75 }),
      );
      return observation({ deployments: [deployment()], pods, metrics: { 'demo/web': metrics(3, 75) } });
    };
    const { log } = run(w, 180);
    expect(log.filter((d) => d.findingType === 'memory_leak').map(line)).toEqual(['120:escalate:MemoryLeak', '120:none:LeakTooFast']);
    expect(log.find((d) => d.reason === 'LeakTooFast')!.message).toContain('pod demo/web-0 reaches its memory limit in about 15s; pods last about 135s');
  });
});

describe('leak vs demand: memory-driven scale-up', () => {
  /** minReplicas 3 keeps CPU-driven scale-down out of these runs: only memory could move the replica count. */
  const policy: AgentPolicy = { ...DEFAULT_POLICY, scaling: { ...DEFAULT_POLICY.scaling, minReplicas: 3 } };

  // The demand run ends with its scale-up: this world does not grow with it.
  it.each<{ name: string; cpu: (t: number) => number; until: number; acted: string[]; holds: string[] }>([
    {
      name: 'memory rising while CPU stays flat (a leak) is never scaled on',
      cpu: () => 50,
      until: 300,
      acted: ['120:escalate:MemoryLeak'],
      // CPU alone decides for a leaker: it asks for 2, the minimum of 3 holds.
      holds: ['120:TooFewReplicas', '180:TooFewReplicas', '240:TooFewReplicas'],
    },
    {
      name: 'memory rising with CPU (demand) is scaled on once high for 60 s',
      cpu: (t) => 20 + t / 6,
      until: 240,
      acted: ['180:scale:ScaleUp'],
      holds: ['120:MemoryHighUnconfirmed'],
    },
  ])('$name', ({ cpu, until, acted, holds }) => {
    // Memory 40 MiB + 12 MiB/min against a 64 MiB request: above 85 % from the check at 120 s on. CPU stays low
    // enough (≤ 50 %) that it alone would shrink the deployment, so every hold shows its own reason.
    const w = (t: number) => {
      const pods = [0, 1, 2].map((i) => pod({ name: `web-${i}`, memoryBytes: (40 + 0.2 * t) * MiB, cpuMillicores: cpu(t) }));
      return observation({
        deployments: [deployment()],
        pods,
        metrics: { 'demo/web': metrics(3, cpu(t), { memoryUtilization: ((40 + 0.2 * t) / 64) * 100 }) },
      });
    };
    const { log, acted: done } = run(w, until, policy);
    expect(done.map(line)).toEqual(acted);
    const scaling = log.filter((d) => d.scaling && (d.scaling.memoryUtilization ?? 0) > 85 && d.action === 'none');
    expect(scaling.map((d) => `${d.t}:${d.reason}`)).toEqual(holds);
    // Each scale-up in `acted` is memory-driven, 3 → 5 (none in the leak row).
    const ups = done.filter((d) => d.action === 'scale').map((d) => d.scaling);
    const upsWanted = acted.filter((a) => a.includes(':scale:ScaleUp'));
    expect(ups).toMatchObject(upsWanted.map(() => ({ current: 3, desired: 5, steps: { calculate: { reason: 'MemoryAboveThreshold' } } })));
  });

  it.each<{ name: string; step: number; highAt: number[]; acted: string[]; unconfirmedAt: number[] }>([
    // The pods have been watched for three checks before memory goes high, so a leak could have shown.
    { name: 'high at one check only → no scale-up', step: 60, highAt: [180], acted: [], unconfirmedAt: [180] },
    { name: 'high at two checks 60 s apart → scale-up at the second', step: 60, highAt: [180, 240], acted: ['240:scale:ScaleUp'], unconfirmedAt: [180] },
    { name: 'high at two triggered checks 30 s apart → not yet', step: 30, highAt: [90, 120], acted: [], unconfirmedAt: [90, 120] },
    {
      name: 'high at three checks 30 s apart → scale-up 60 s after the first',
      step: 30,
      highAt: [90, 120, 150],
      acted: ['150:scale:ScaleUp'],
      unconfirmedAt: [90, 120],
    },
  ])('$name', ({ step, highAt, acted, unconfirmedAt }) => {
    const w = (t: number) => {
      const util = highAt.includes(t) ? 120 : 50;
      const pods = [0, 1, 2].map((i) => pod({ name: `web-${i}`, memoryBytes: (util / 100) * 64 * MiB, cpuMillicores: 50 }));
      return observation({ deployments: [deployment()], pods, metrics: { 'demo/web': metrics(3, 50, { memoryUtilization: util }) } });
    };
    const { log, acted: done } = run(w, Math.max(...highAt) + step + 1, policy, step);
    expect(done.map(line)).toEqual(acted);
    expect(log.filter((d) => d.reason === 'MemoryHighUnconfirmed').map((d) => d.t)).toEqual(unconfirmedAt);
  });

  it('memory high at the first checks of pods not yet watched for a full window → held until they have been', () => {
    const w = () => {
      const pods = [0, 1, 2].map((i) => pod({ name: `web-${i}`, memoryBytes: 1.2 * 64 * MiB, cpuMillicores: 50 }));
      return observation({ deployments: [deployment()], pods, metrics: { 'demo/web': metrics(3, 50, { memoryUtilization: 120 }) } });
    };
    const { log, acted: done } = run(w, 180, policy);
    expect(log.filter((d) => d.scaling).map((d) => `${d.t}:${d.reason}`)).toEqual(['0:MemoryTrendUnknown', '60:MemoryTrendUnknown', '120:ScaleUp']);
    expect(done.map(line)).toEqual(['120:scale:ScaleUp']);
  });
});

describe('memory-driven scaling, one cycle', () => {
  /** Four pods at 150 % of their memory request and 50 % CPU (which alone would shrink the deployment). */
  const obs = () => {
    const pods = [0, 1, 2, 3].map((i) => pod({ name: `web-${i}`, memoryBytes: 96 * MiB, cpuMillicores: 50 }));
    return observation({ at: sec(600), deployments: [deployment({ replicas: 4 })], pods, metrics: { 'demo/web': metrics(4, 50, { memoryUtilization: 150 }) } });
  };
  /** The four pods watched flat at two earlier checks: with this one, a full window that shows no leak. */
  const watched: History['memory'] = Object.fromEntries(
    [0, 1, 2, 3].map((i) => [`demo/web-${i}`, { restarts: 0, samples: [480, 540].map((t) => ({ at: sec(t), bytes: 96 * MiB, cpu: 50 })) }]),
  );
  const withPressure = (openedSecondsAgo: number, leakKnown: boolean): History => ({
    ...emptyHistory(),
    memory: watched,
    incidents: {
      [incidentKey({ type: 'memory_pressure', kind: 'deployment', namespace: 'demo', target: 'web' })]: {
        type: 'memory_pressure',
        kind: 'deployment',
        namespace: 'demo',
        target: 'web',
        openedAt: sec(600 - openedSecondsAgo),
        lastSeenAt: sec(540),
        severity: 'high',
        escalations: 0,
      },
    },
    ...(leakKnown ? { leaks: { 'demo/web': { since: sec(300), lastSeenAt: sec(540) } } } : {}),
  });

  const onMemory = { current: 4, desired: 8, steps: { calculate: { reason: 'MemoryAboveThreshold' } } };
  const onCpu = { current: 4, desired: 3 };
  it.each<{ name: string; opened?: number; leak: boolean; want: string; scaling: object }>([
    { name: 'memory high, pods never watched before → hold', leak: false, want: 'none:MemoryTrendUnknown', scaling: { current: 4, desired: 4 } },
    { name: 'memory high for the first time → hold', opened: 0, leak: false, want: 'none:MemoryHighUnconfirmed', scaling: { current: 4, desired: 4 } },
    { name: 'memory high for 59 s → hold', opened: 59, leak: false, want: 'none:MemoryHighUnconfirmed', scaling: { current: 4, desired: 4 } },
    { name: 'memory high for 60 s → scale up on memory', opened: 60, leak: false, want: 'scale:ScaleUp', scaling: onMemory },
    {
      name: 'memory high for 60 s of a known leaker → memory ignored, CPU (50 %) scales it down',
      opened: 60,
      leak: true,
      want: 'scale:ScaleDown',
      scaling: onCpu,
    },
    {
      name: 'memory high for an hour of a known leaker → memory ignored, CPU scales it down',
      opened: 3600,
      leak: true,
      want: 'scale:ScaleDown',
      scaling: onCpu,
    },
  ])('$name', ({ opened, leak, want, scaling }) => {
    const history = opened === undefined ? emptyHistory() : withPressure(opened, leak);
    const { decisions } = cycle(obs(), DEFAULT_POLICY, history, sec(600));
    const s = decisions.find((d) => d.scaling)!;
    expect(`${s.action}:${s.reason}`).toBe(want);
    expect(s.scaling).toMatchObject(scaling);
  });
});

describe('one incident for one problem', () => {
  it('a leaking deployment with memory above the threshold yields memory_leak, not memory_pressure as well', () => {
    // 40 MiB + 12 MiB/min against a 64 MiB request: above 85 % from 120 s, leaking by then too; CPU flat.
    const w = (t: number) => {
      const pods = [0, 1, 2].map((i) => pod({ name: `web-${i}`, memoryBytes: (40 + 0.2 * t) * MiB, cpuMillicores: 50 }));
      return observation({
        at: sec(t),
        deployments: [deployment()],
        pods,
        metrics: { 'demo/web': metrics(3, 50, { memoryUtilization: ((40 + 0.2 * t) / 64) * 100 }) },
      });
    };
    const { history } = run(w, 120);
    const at120 = assess(w(120), history, sec(120), DEFAULT_POLICY).map((f) => f.type);
    expect(at120).toContain('memory_leak');
    expect(at120).not.toContain('memory_pressure');
    // The same memory without a leak history is memory pressure.
    expect(assess(w(120), emptyHistory(), sec(120), DEFAULT_POLICY).map((f) => f.type)).toContain('memory_pressure');
  });
});

describe('leak upkeep beside scaling', () => {
  // Four pods at 108–111 MiB at 120 s, rising 12 MiB/min (limit 128 MiB): all due. CPU per pod as given.
  const w = (cpu: number) => (t: number) => {
    const pods = [0, 1, 2, 3].map((i) => pod({ name: `web-${i}`, memoryBytes: (84 + i + 0.2 * t) * MiB, memoryRequestBytes: 128 * MiB, cpuMillicores: cpu }));
    return observation({ deployments: [deployment({ replicas: 4, readyReplicas: 4, availableReplicas: 4 })], pods, metrics: { 'demo/web': metrics(4, cpu) } });
  };
  const at120 = (cpu: number) => run(w(cpu), 121).log.filter((d) => d.t === 120 && (d.scaling || d.findingType === 'memory_leak'));

  it('a scale-down goes first; the replacement waits a cycle (the scale-down removes pods anyway)', () => {
    const got = at120(20);
    expect(got.find((d) => d.scaling)).toMatchObject({ action: 'scale', reason: 'ScaleDown' });
    expect(got.filter((d) => d.findingType === 'memory_leak').map((d) => `${d.action}:${d.reason}`)).toEqual(['escalate:MemoryLeak', 'none:ScaleDownFirst']);
  });

  it('a scale-up and the replacement run in the same cycle (both bring fresh capacity)', () => {
    const got = at120(95);
    expect(got.find((d) => d.scaling)).toMatchObject({ action: 'scale', reason: 'ScaleUp' });
    expect(got.filter((d) => d.findingType === 'memory_leak').map((d) => `${d.action}:${d.reason}`)).toEqual([
      'escalate:MemoryLeak',
      'delete_pod:LeakReplacement',
    ]);
  });
});
