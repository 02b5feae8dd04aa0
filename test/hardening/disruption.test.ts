/**
 * Issue 19 item 6: limits hold per workload over a window, whatever the tool or the way a pod is named
 * (no cooldown here, so only the disruption budget holds them); item 10: chaos_cleanup under dry-run
 * ends nothing and says what it would end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, mountRest } from '../rest/harness.js';
import { eventually, startSimHarness, type SimHarness } from '../cost/sim-harness.js';
import { deploymentBody } from '../helpers/deployment.js';

const NS = 'demo';
const FAST_KUBELET = {
  sandboxSeconds: [0.05, 0.1] as [number, number],
  pullSeconds: [0.05, 0.1] as [number, number],
  startSeconds: [0.05, 0.1] as [number, number],
  terminationSeconds: 0.2,
};
const SIZES: Record<string, number> = { crash3: 3, casc3: 3, del8: 8, rest2: 2, window3: 3, cleanup2: 2 };

let h: SimHarness;
beforeAll(async () => {
  h = await startSimHarness({ chaos: { enabled: true }, safety: { cooldownSeconds: 0 } }, { kubelet: FAST_KUBELET });
  for (const [name, replicas] of Object.entries(SIZES)) await createDeployment(name, replicas);
  await eventually(async () => {
    for (const [name, replicas] of Object.entries(SIZES)) if ((await h.deps.cluster.readDeployment(NS, name)).status?.readyReplicas !== replicas) return false;
    return true;
  }, 20_000);
}, 60_000);
afterAll(() => h?.close());

async function createDeployment(name: string, replicas: number) {
  const body = deploymentBody(NS, name, replicas, { image: 'nginx:1.27', resources: { requests: { cpu: '50m', memory: '32Mi' } } });

  await h.deps.cluster.apps.createNamespacedDeployment({ namespace: NS, body });
}

const pods = async (name: string) => (await h.deps.cluster.listPods(NS, { labelSelector: `app=${name}` })).items;
const names = async (name: string) =>
  (await pods(name))
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => p.metadata!.name!)
    .sort();
const restarts = async (name: string) => (await pods(name)).reduce((n, p) => n + (p.status?.containerStatuses?.[0]?.restartCount ?? 0), 0);
const settle = () => new Promise((r) => setTimeout(r, 600));

describe('per-deployment disruption budget', () => {
  it('chaos_pod_crash by pod name three times crashes no more than chaos.maxShare of the deployment', async () => {
    const [a, b, c] = await names('crash3');
    await h.ok('chaos_pod_crash', { namespace: NS, pod: a });
    for (const pod of [b, c]) {
      const msg = await h.fails('chaos_pod_crash', { namespace: NS, pod });
      expect(msg).toMatch(/deployment demo\/crash3 already had 1 pod\(s\) deleted or crashed in the last \d+s/);
      expect(msg).toMatch(/disruption budget of 1 \(chaos\.maxShare=0\.5 of 3 replicas/);
    }
    await settle();
    expect(await restarts('crash3')).toBe(1);
    // delete_pod counts the same crashes: its own budget (at least one pod) is spent too.
    expect(await h.fails('delete_pod', { namespace: NS, pod: c })).toMatch(/disruption budget of 1 \(safety\.maxDisruptedShare=0\.5 of 3 replicas/);
    expect(await names('crash3')).toContain(c);
  });

  it('chaos_cascade then chaos_pod_crash (by name or by deployment) stays within the share', async () => {
    const r = await h.ok<{ before: { selected: string[] } }>('chaos_cascade', { namespace: NS, deployment: 'casc3' });
    expect(r.before.selected).toHaveLength(1);
    const other = (await names('casc3')).find((n) => !r.before.selected.includes(n))!;
    expect(await h.fails('chaos_pod_crash', { namespace: NS, pod: other })).toMatch(/disruption budget/);
    expect(await h.fails('chaos_pod_crash', { namespace: NS, deployment: 'casc3' })).toMatch(/disruption budget/);
    await settle();
    expect(await restarts('casc3')).toBe(1);
  });

  it('delete_pod by name cannot delete all pods of a deployment back to back: half of 8, then refused', async () => {
    const all = await names('del8');
    expect(all).toHaveLength(8);
    const outcomes: boolean[] = [];
    for (const pod of all) outcomes.push(!(await h.call('delete_pod', { namespace: NS, pod })).isError);
    expect(outcomes.filter(Boolean)).toHaveLength(4);
    expect(outcomes.slice(4)).toEqual([false, false, false, false]);
    const left = new Set(await names('del8'));
    expect(all.filter((p) => left.has(p))).toHaveLength(4);
    const refusal = h.deps.store.audit.list({ tool: 'delete_pod', limit: 1 })[0];
    expect(refusal).toMatchObject({ ok: false, error: expect.stringMatching(/disruption budget of 4/) });
  });

  it('REST: a second delete_pod of a 2-replica deployment inside the window is 403 with the budget', async () => {
    const rest = await mountRest({ sim: h.sim, deps: h.deps, config: h.config, close: async () => {} });
    try {
      const [a, b] = await names('rest2');
      expect((await call(rest.url, 'POST', '/api/v1/delete_pod', { body: { namespace: NS, pod: a } })).status).toBe(200);
      const r = await call(rest.url, 'POST', '/api/v1/delete_pod', { body: { namespace: NS, pod: b } });
      expect(r.status).toBe(403);
      expect(r.json).toMatchObject({ code: 'refused' });
      expect(r.json.error).toMatch(/disruption budget of 1/);
      expect(await names('rest2')).toContain(b);
    } finally {
      await rest.close();
    }
  });

  it('once the window has passed the budget is available again', async () => {
    const s = await h.reopen({ safety: { disruptionWindowSeconds: 1 } });
    try {
      await s.ok('chaos_pod_crash', { namespace: NS, deployment: 'window3' });
      expect(await s.fails('chaos_pod_crash', { namespace: NS, deployment: 'window3' })).toMatch(/in the last 1s/);
      await new Promise((r) => setTimeout(r, 1100));
      await s.ok('chaos_pod_crash', { namespace: NS, deployment: 'window3' });
    } finally {
      await s.close();
    }
  });
});

describe('chaos_cleanup under dry-run', () => {
  it('reports what it would end and ends nothing', async () => {
    const spike = await h.ok<{ after: { id: string } }>('chaos_cpu_spike', { namespace: NS, deployment: 'cleanup2', durationSeconds: 60 });
    const faults = async () => ((await (await fetch(`${h.sim.url}/sim/v1/faults`)).json()) as { items: unknown[] }).items.length;
    const running = await faults();
    expect(running).toBeGreaterThan(0);
    const dry = await h.reopen({ safety: { dryRun: true } });
    try {
      const r = await dry.ok<{ message: string; ended: unknown[] }>('chaos_cleanup', { namespace: NS });
      expect(r.message).toMatch(new RegExp(`dry run: would end 1 experiment\\(s\\): ${spike.after.id} \\(cpu_spike on demo/cleanup2\\); nothing was changed`));
      expect(r.ended).toEqual([]);
      expect(h.deps.store.chaos.get(spike.after.id)?.state).toBe('active');
      expect(await faults()).toBe(running);
      expect(h.deps.store.audit.list({ tool: 'chaos_cleanup', limit: 1 })[0]).toMatchObject({ dryRun: true, ok: true });
    } finally {
      await dry.close();
    }
    await h.ok('chaos_cleanup', { id: spike.after.id });
    expect(h.deps.store.chaos.get(spike.after.id)?.state).toBe('cleaned');
  });
});
