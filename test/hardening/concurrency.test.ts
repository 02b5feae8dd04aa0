/**
 * Issue 19 item 5: the guard check and the intent record are one atomic step per target. 20 identical
 * concurrent calls of each mutating tool, through the real MCP client against the simulator, make
 * exactly one change in the cluster and get 19 cooldown refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../server/harness.js';
import { eventually, startSimHarness, type Session, type SimHarness } from '../cost/sim-harness.js';
import { deploymentBody } from '../helpers/deployment.js';

const NS = 'demo';
const N = 20;
const FAST_KUBELET = {
  sandboxSeconds: [0.05, 0.1] as [number, number],
  pullSeconds: [0.05, 0.1] as [number, number],
  startSeconds: [0.05, 0.1] as [number, number],
  terminationSeconds: 0.2,
};
const WORKLOADS = ['scale-web', 'restart-web', 'delete-web', 'rollback-web', 'crash-web', 'cascade-web', 'spike-web'];

let h: SimHarness;
let second: Session;
beforeAll(async () => {
  // The default cooldown (60 s) is what holds the 19 back; chaos on for the chaos tools.
  h = await startSimHarness({ chaos: { enabled: true } }, { kubelet: FAST_KUBELET });
  for (const name of WORKLOADS) await createDeployment(name, 4);
  await eventually(async () => {
    for (const name of WORKLOADS) if ((await h.deps.cluster.readDeployment(NS, name)).status?.readyReplicas !== 4) return false;
    return true;
  }, 20_000);
  // A previous revision for rollback_deployment to return to.
  await h.deps.cluster.patchDeployment(NS, 'rollback-web', { spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.28' }] } } } });
  await eventually(async () => revision('rollback-web').then((r) => r === 2 || undefined));
  // A second runtime on the same store file: the claim must hold across connections, not only in one.
  second = await h.reopen({});
}, 60_000);
afterAll(async () => {
  await second?.close();
  await h?.close();
});

async function createDeployment(name: string, replicas: number) {
  const body = deploymentBody(NS, name, replicas, { image: 'nginx:1.27', resources: { requests: { cpu: '50m', memory: '32Mi' } } });

  await h.deps.cluster.apps.createNamespacedDeployment({ namespace: NS, body });
}

const deployment = (name: string) => h.deps.cluster.readDeployment(NS, name);
const revision = async (name: string) => Number((await deployment(name)).metadata?.annotations?.['deployment.kubernetes.io/revision']);
const pods = async (name: string) => (await h.deps.cluster.listPods(NS, { labelSelector: `app=${name}` })).items;
const liveNames = async (name: string) => new Set((await pods(name)).filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!));
const restarts = async (name: string) => (await pods(name)).reduce((n, p) => n + (p.status?.containerStatuses?.[0]?.restartCount ?? 0), 0);
const experiments = (name: string) => h.deps.store.chaos.recent(100, NS).filter((e) => e.target === name);

/** Fires N identical calls at once, half through each runtime; returns the successes and the refusals' texts. */
async function burst(tool: string, args: Record<string, unknown>): Promise<{ ok: number; refusals: string[] }> {
  const results = await Promise.all(Array.from({ length: N }, (_, i) => (i % 2 ? second : h).call(tool, args)));
  return { ok: results.filter((r) => !r.isError).length, refusals: results.filter((r) => r.isError).map(textOf) };
}

function expectOneChange(r: { ok: number; refusals: string[] }, tool: string) {
  expect(r.ok).toBe(1);
  expect(r.refusals).toHaveLength(N - 1);
  // A scale-up waits the HPA's 15 s sync period after the last scale; every other change the full 60 s.
  for (const m of r.refusals) expect(m).toMatch(new RegExp(`was changed by ${tool} \\d+s ago; (the cooldown is 60s|a scale-up has a cooldown of 15s)`));
  const rows = h.deps.store.audit.list({ tool, limit: 100 });
  expect(rows.filter((a) => a.ok && !a.dryRun)).toHaveLength(1);
  expect(rows.filter((a) => !a.ok && /cooldown/.test(a.error ?? ''))).toHaveLength(N - 1);
}

describe(`${N} identical concurrent mutations make exactly one change`, () => {
  it('scale_deployment', async () => {
    const r = await burst('scale_deployment', { namespace: NS, deployment: 'scale-web', replicas: 6 });
    expectOneChange(r, 'scale_deployment');
    expect((await deployment('scale-web')).spec?.replicas).toBe(6);
  });

  it('restart_deployment: one new revision', async () => {
    const before = await revision('restart-web');
    const r = await burst('restart_deployment', { namespace: NS, deployment: 'restart-web' });
    expectOneChange(r, 'restart_deployment');
    await new Promise((res) => setTimeout(res, 300));
    expect(await revision('restart-web')).toBe(before + 1);
  });

  it('delete_pod: one pod deleted', async () => {
    const before = await liveNames('delete-web');
    const r = await burst('delete_pod', { namespace: NS, deployment: 'delete-web' });
    expectOneChange(r, 'delete_pod');
    const after = await liveNames('delete-web');
    expect([...before].filter((n) => !after.has(n))).toHaveLength(1);
  });

  it('rollback_deployment: one rollback, not a flip-flop', async () => {
    const r = await burst('rollback_deployment', { namespace: NS, deployment: 'rollback-web' });
    expectOneChange(r, 'rollback_deployment');
    expect(await revision('rollback-web')).toBe(3);
    expect((await deployment('rollback-web')).spec?.template?.spec?.containers?.[0]?.image).toBe('nginx:1.27');
  });

  it('chaos_pod_crash: one pod crashed', async () => {
    const before = await restarts('crash-web');
    const r = await burst('chaos_pod_crash', { namespace: NS, deployment: 'crash-web' });
    expectOneChange(r, 'chaos_pod_crash');
    expect(experiments('crash-web')).toHaveLength(1);
    await eventually(async () => (await restarts('crash-web')) === before + 1);
    await new Promise((res) => setTimeout(res, 500));
    expect(await restarts('crash-web')).toBe(before + 1);
  });

  it('chaos_cascade: one cascade, within chaos.maxShare', async () => {
    const before = await restarts('cascade-web');
    const r = await burst('chaos_cascade', { namespace: NS, deployment: 'cascade-web' });
    expectOneChange(r, 'chaos_cascade');
    expect(experiments('cascade-web')).toHaveLength(1);
    await eventually(async () => (await restarts('cascade-web')) === before + 2);
    await new Promise((res) => setTimeout(res, 500));
    expect(await restarts('cascade-web')).toBe(before + 2);
  });

  it('chaos_cpu_spike: one experiment running', async () => {
    const r = await burst('chaos_cpu_spike', { namespace: NS, deployment: 'spike-web', durationSeconds: 30 });
    expectOneChange(r, 'chaos_cpu_spike');
    expect(h.deps.store.chaos.active(NS).filter((e) => e.target === 'spike-web')).toHaveLength(1);
    await h.ok('chaos_cleanup', { namespace: NS });
  });
});
