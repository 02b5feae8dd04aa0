/**
 * The chaos tools through a real SDK client against the simulator over HTTP: refusals that change
 * nothing, crashes the simulator recovers from, a cascade that respects its share, a CPU spike the
 * metrics API reports and that ends on its own at its TTL, cleanup, startup recovery of experiments a
 * previous process left behind, and the Kubernetes backend (pod deletion, burner pods) on the same API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAOS_LABEL } from '../../src/chaos/burner-pod.js';
import { eventually, startSimHarness, type SimHarness } from '../cost/sim-harness.js';

const NS = 'demo';
const DEP = 'nginx-demo';
const FAST_KUBELET = {
  sandboxSeconds: [0.05, 0.1] as [number, number],
  pullSeconds: [0.05, 0.1] as [number, number],
  startSeconds: [0.05, 0.1] as [number, number],
  terminationSeconds: 0.2,
};

interface Experiment {
  id: string;
  kind: string;
  state: string;
  backend: string;
  expiresAt: string;
  startedAt: string;
  detail: Record<string, unknown>;
}
interface ChaosResult {
  dryRun: boolean;
  message: string;
  before: { deployment: string; runningPods: number; selected: string[]; backend: string };
  after?: Experiment;
}

let h: SimHarness;
beforeAll(async () => {
  h = await startSimHarness(
    // kube-system is listed on purpose: a protected namespace stays off-limits even then. No cooldown and no
    // disruption budget: these tests crash the same deployment back to back (test/hardening covers both).
    { chaos: { enabled: true, allowedNamespaces: ['demo', 'kube-system'] }, safety: { cooldownSeconds: 0, disruptionWindowSeconds: 0 } },
    { kubelet: FAST_KUBELET },
  );
}, 30_000);
afterAll(() => h?.close());

const restarts = async () =>
  Object.fromEntries(
    (await h.deps.cluster.listPods(NS, { labelSelector: 'app=nginx-demo' })).items.map((p) => [
      p.metadata!.name!,
      p.status?.containerStatuses?.[0]?.restartCount ?? 0,
    ]),
  );
const readyReplicas = async () => (await h.deps.cluster.readDeployment(NS, DEP)).status?.readyReplicas ?? 0;
const simFaults = async () => ((await (await fetch(`${h.sim.url}/sim/v1/faults`)).json()) as { items: { id: string; fault: string }[] }).items;
const deploymentCpu = async () => (await h.deps.metrics.podUsage(NS))!.pods.filter((p) => p.pod.startsWith(`${DEP}-`)).reduce((n, p) => n + p.cpuMillicores, 0);
const audits = (tool: string) => h.deps.store.audit.list({ tool });

describe('refusals change nothing', () => {
  it('chaos disabled: refused with how to enable it, audited, and chaos_status says so', async () => {
    const off = await h.reopen({ chaos: { enabled: false } });
    try {
      const before = await restarts();
      const msg = await off.fails('chaos_pod_crash', { namespace: NS, deployment: DEP });
      expect(msg).toMatch(/disabled/);
      expect(msg).toMatch(/chaos\.enabled: true/);
      expect(msg).toMatch(/SENTINELOPS_CHAOS_ENABLED=true/);
      expect(await off.fails('chaos_cpu_spike', { namespace: NS, deployment: DEP })).toMatch(/disabled/);
      const status = await off.ok<{ enabled: boolean; howToEnable: string; backend: string }>('chaos_status');
      expect(status.enabled).toBe(false);
      expect(status.howToEnable).toMatch(/chaos\.enabled/);
      expect(status.backend).toBe('simulator');
      expect(await restarts()).toEqual(before);
      expect(h.deps.store.chaos.recent(10)).toEqual([]);
      expect(audits('chaos_pod_crash')[0]).toMatchObject({ ok: false, caller: 'cost-chaos-test' });
    } finally {
      await off.close();
    }
  });

  it('outside chaos.allowedNamespaces, in a protected namespace, over the blast radius or the max duration', async () => {
    const before = await restarts();
    expect(await h.fails('chaos_pod_crash', { namespace: 'default', deployment: DEP })).toMatch(/not allowed in namespace default.*chaos\.allowedNamespaces/);
    expect(await h.fails('chaos_cascade', { namespace: 'kube-system', deployment: 'coredns' })).toMatch(/protected/);
    // 2 of 3 pods is 67% > maxShare 0.5; the message says the most allowed.
    expect(await h.fails('chaos_cascade', { namespace: NS, deployment: DEP, count: 2 })).toMatch(/chaos\.maxShare=0\.5; ask for at most 1 pod/);
    expect(await h.fails('chaos_cascade', { namespace: NS, deployment: DEP, share: 1 })).toMatch(/maxShare/);
    expect(await h.fails('chaos_cpu_spike', { namespace: NS, deployment: DEP, durationSeconds: 601 })).toMatch(/maxDurationSeconds/);
    expect(await h.fails('chaos_cpu_spike', { namespace: NS, deployment: DEP, pods: 2 })).toMatch(/maxShare/);
    expect(await h.fails('chaos_pod_crash', { namespace: NS, pod: 'x', deployment: DEP })).toMatch(/exactly one/);
    expect(await h.fails('chaos_pod_crash', { namespace: NS, deployment: 'nope' })).toMatch(/not found/);
    expect(await h.fails('chaos_cleanup', { id: 'not-an-id' })).toMatch(/chaos-12/);
    expect(await restarts()).toEqual(before);
    expect(await simFaults()).toEqual([]);
    expect(h.deps.store.chaos.recent(10)).toEqual([]);
    // Each refused cascade is audited as refused.
    expect(audits('chaos_cascade').map((a) => a.ok)).toEqual([false, false, false]);
  });

  it('dryRun returns the plan and changes nothing', async () => {
    const before = await restarts();
    const r = await h.ok<ChaosResult>('chaos_cascade', { namespace: NS, deployment: DEP, dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.message).toMatch(/^dry run: would crash 1 of 3 running pods/);
    expect(r.after).toBeUndefined();
    expect(await restarts()).toEqual(before);
    expect(h.deps.store.chaos.recent(10)).toEqual([]);
  });
});

describe('experiments on the simulator', () => {
  it('chaos_pod_crash crashes one pod of the deployment and the simulator restarts it', async () => {
    const before = await restarts();
    const r = await h.ok<ChaosResult>('chaos_pod_crash', { namespace: NS, deployment: DEP });
    const [pod] = r.before.selected;
    expect(r.after).toMatchObject({ kind: 'pod_crash', state: 'completed', backend: 'simulator' });
    await eventually(async () => (await restarts())[pod!]! > before[pod!]!);
    const after = await restarts();
    for (const [name, n] of Object.entries(before)) if (name !== pod) expect(after[name]).toBe(n);
    await eventually(async () => (await readyReplicas()) === 3);
    expect(audits('chaos_pod_crash')[0]).toMatchObject({ ok: true, target: `chaos/${NS}/${DEP}`, dryRun: false });
  });

  it('chaos_cascade crashes exactly its share of the running pods', async () => {
    await h.deps.cluster.patchDeployment(NS, DEP, { spec: { replicas: 4 } });
    await eventually(async () => (await readyReplicas()) === 4, 15_000);
    const before = await restarts();
    const r = await h.ok<ChaosResult>('chaos_cascade', { namespace: NS, deployment: DEP, share: 0.5 });
    expect(r.before.runningPods).toBe(4);
    expect(r.before.selected).toHaveLength(2);
    expect(r.after).toMatchObject({ kind: 'cascade', state: 'completed' });
    const after = await eventually(async () => {
      const now = await restarts();
      return r.before.selected.every((p) => now[p]! > before[p]!) && now;
    });
    const untouched = Object.keys(before).filter((p) => !r.before.selected.includes(p));
    expect(untouched).toHaveLength(2);
    for (const p of untouched) expect(after[p]).toBe(before[p]);
    await h.deps.cluster.patchDeployment(NS, DEP, { spec: { replicas: 3 } });
    await eventually(
      async () => (await readyReplicas()) === 3 && (await h.deps.cluster.listPods(NS, { labelSelector: 'app=nginx-demo' })).items.length === 3,
      15_000,
    );
  });

  it('chaos_cpu_spike raises the usage the metrics API reports; at its TTL it ends on its own', async () => {
    await eventually(async () => (await readyReplicas()) === 3);
    const baseline = await deploymentCpu();
    expect(baseline).toBeLessThan(200);
    const r = await h.ok<ChaosResult>('chaos_cpu_spike', { namespace: NS, deployment: DEP, durationSeconds: 3, millicoresPerPod: 600 });
    const exp = r.after!;
    expect(exp).toMatchObject({ kind: 'cpu_spike', state: 'active', backend: 'simulator' });
    expect(Date.parse(exp.expiresAt) - Date.parse(exp.startedAt)).toBe(3000);
    // metrics-server's rate trails by up to two scrapes (1 s each on the real clock): the spike shows within its 3 s.
    await eventually(async () => (await deploymentCpu()) > baseline + 500, 3_000, 50);
    const status = await h.ok<{ active: Experiment[] }>('chaos_status', { namespace: NS });
    expect(status.active.map((e) => e.id)).toEqual([exp.id]);
    await eventually(() => h.deps.store.chaos.get(exp.id)?.state === 'expired', 8_000);
    await eventually(async () => (await deploymentCpu()) < 200, 5_000);
    expect(await simFaults()).toEqual([]);
    expect(h.deps.store.audit.list({ tool: 'chaos_ttl_expiry' })[0]).toMatchObject({ ok: true, caller: 'sentinelops-chaos-ttl', arguments: { id: exp.id } });
  });

  it('chaos_cleanup ends every running experiment now, and a second call finds nothing', async () => {
    const a = (await h.ok<ChaosResult>('chaos_cpu_spike', { namespace: NS, deployment: DEP, durationSeconds: 300 })).after!;
    await eventually(async () => (await deploymentCpu()) > 500, 5_000);
    expect((await simFaults()).length).toBe(1);
    const r = await h.ok<{ message: string; ended: Experiment[] }>('chaos_cleanup', {});
    expect(r.ended.map((e) => [e.id, e.state])).toEqual([[a.id, 'cleaned']]);
    expect(await simFaults()).toEqual([]);
    await eventually(async () => (await deploymentCpu()) < 200, 5_000);
    expect(h.deps.store.chaos.active()).toEqual([]);
    expect((await h.ok<{ message: string; ended: Experiment[] }>('chaos_cleanup', {})).message).toMatch(/nothing was changed/);
    const [second, first] = audits('chaos_cleanup');
    expect(first).toMatchObject({ ok: true, after: { ended: [a.id] } });
    expect(second).toMatchObject({ ok: true, after: { ended: [] } });
    const recent = (await h.ok<{ recent: Experiment[] }>('chaos_status', { limit: 3 })).recent;
    expect(recent[0]).toMatchObject({ id: a.id, state: 'cleaned' });
  });
});

describe('cleanup without the process that started it', () => {
  it('at startup, experiments past their TTL are ended and the others get their timers back', async () => {
    const inject = async () =>
      (await (
        await fetch(`${h.sim.url}/sim/v1/faults`, {
          method: 'POST',
          body: JSON.stringify({ fault: 'cpu-spike', deployment: `${NS}/${DEP}`, millicores: 400, durationSeconds: 600 }),
        })
      ).json()) as { id: string; fault: string; target: string };
    // Two experiments "left behind" by a process that died: one past its TTL, one ending in 1.5 s.
    const record = async (expiresAt: number) => {
      const f = await inject();
      const e = h.deps.store.chaos.create({
        kind: 'cpu_spike',
        namespace: NS,
        target: DEP,
        backend: 'simulator',
        caller: 'gone',
        params: {},
        startedAt: Date.now() - 60_000,
        expiresAt,
      });
      h.deps.store.chaos.update(e.id, { handles: { faultId: f.id, fault: f.fault, target: f.target } });
      return e.id;
    };
    const stale = await record(Date.now() - 1000);
    const running = await record(Date.now() + 1500);
    expect((await simFaults()).length).toBe(2);
    const restarted = await h.reopen();
    try {
      await eventually(() => h.deps.store.chaos.get(stale)?.state === 'expired');
      expect(h.deps.store.chaos.get(running)?.state).toBe('active');
      expect((await simFaults()).length).toBe(1);
      await eventually(() => h.deps.store.chaos.get(running)?.state === 'expired', 6_000);
      expect(await simFaults()).toEqual([]);
    } finally {
      await restarted.close();
    }
  });
});

describe('the Kubernetes backend (what a real cluster gets), against the same API', () => {
  it('pod crash deletes the pod and its ReplicaSet replaces it', async () => {
    const k = await h.reopen({ chaos: { backend: 'kubernetes' } });
    try {
      await eventually(async () => (await readyReplicas()) === 3);
      const r = await k.ok<ChaosResult>('chaos_pod_crash', { namespace: NS, deployment: DEP });
      expect(r.after).toMatchObject({ backend: 'kubernetes', state: 'completed', detail: { deleted: r.before.selected } });
      await eventually(async () => {
        const names = Object.keys(await restarts());
        return !names.includes(r.before.selected[0]!) && names.length === 3 && (await readyReplicas()) === 3;
      }, 15_000);
    } finally {
      await k.close();
    }
  });

  it('cpu spike runs a labelled, deadline-bounded burner pod beside the target on its node; cleanup deletes it', async () => {
    const k = await h.reopen({ chaos: { backend: 'kubernetes' } });
    try {
      const r = await k.ok<ChaosResult>('chaos_cpu_spike', { namespace: NS, deployment: DEP, durationSeconds: 120, millicoresPerPod: 1500 });
      const id = r.after!.id;
      const burners = (await h.deps.cluster.listPods(NS, { labelSelector: `${CHAOS_LABEL}=${id}` })).items;
      expect(burners).toHaveLength(1);
      const target = await h.deps.cluster.readPod(NS, r.before.selected[0]!);
      const b = burners[0]!;
      expect(b.spec?.nodeName).toBe(target.spec?.nodeName);
      expect(b.spec?.activeDeadlineSeconds).toBe(120);
      expect(b.spec?.restartPolicy).toBe('Never');
      expect(b.spec?.containers[0]?.resources?.limits?.cpu).toBe('1500m');
      expect(b.spec?.containers[0]?.command?.join(' ')).toMatch(/seq 2\).*timeout 120/);
      const ended = await k.ok<{ ended: Experiment[] }>('chaos_cleanup', { namespace: NS });
      expect(ended.ended.map((e) => e.id)).toEqual([id]);
      await eventually(async () => (await h.deps.cluster.listPods(NS, { labelSelector: `${CHAOS_LABEL}=${id}` })).items.length === 0);
    } finally {
      await k.close();
    }
  });
});
