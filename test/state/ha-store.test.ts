/**
 * HA store semantics over N rounds, on the simulator and on a real control plane (SENTINELOPS_E2E_KUBECONFIG):
 * two replicas (two KubeStateBackends, each with its own API connections and watch) race to open the same
 * incident and to claim the same target; the winner "dies" after recording its intent (its backend is closed,
 * the intent never settled); the survivor finds the pending intent, reconciles it, continues the same incident,
 * is refused inside the cooldown the dead replica earned, and resolves the incident once. Across the rounds:
 * 0 duplicate incidents, 0 incidents left open without an owner, 0 mutations repeated inside a cooldown. Then
 * `kubectl get incidents -A` prints the printer columns.
 *
 * What this proves on the real control plane: the guarantees rest on the API server's optimistic concurrency
 * (AlreadyExists on deterministic names, Conflict on stale resourceVersions), which the simulator imitates.
 * It does not run the agent: the agent's takeover through the Lease is test/state/kill.test.ts's and
 * src/agent's business; rounds: SENTINELOPS_HA_ROUNDS (default 3; 20 for the figure).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/base/errors.js';
import { KubeStateBackend } from '../../src/kube-store/backend.js';
import { installCrds } from '../../src/kube-store/index.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';
import type { AuditView } from '../../src/store/audit.js';
import { findKubectl } from '../helpers/kubectl.js';
import { describeWith, E2E_KUBECONFIG, itWith, realCluster } from '../helpers/prerequisite.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.SENTINELOPS_HA_ROUNDS ?? 3);
const COOLDOWN_MS = 5 * 60_000;
const { path: KUBECTL, prerequisite: kubectlPresent } = findKubectl();

function haSuite(target: () => Promise<{ kubeconfigYaml: string; stop(): Promise<void> }>): void {
  let env: { kubeconfigYaml: string; stop(): Promise<void> };
  let kc: KubeConfig;
  const ns = `sentinelops-ha-${Math.random().toString(36).slice(2, 7)}`;
  let clock = Date.now();
  const backends: KubeStateBackend[] = [];
  const replica = (owner: string) => {
    const b = new KubeStateBackend({ kc, namespace: ns, cluster: 'ha', now: () => clock, owner });
    backends.push(b);
    return b;
  };

  beforeAll(async () => {
    env = await target();
    kc = new KubeConfig();
    kc.loadFromString(env.kubeconfigYaml);
    await installCrds(kc);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
    // A real API server answers "storage is (re)initializing" for a while after a CRD's schema changed.
    const probe = new KubeStateBackend({ kc, namespace: ns, cluster: 'ha', now: () => clock, watch: false });
    for (let i = 0; ; i++) {
      try {
        await Promise.all([probe.incidents.list(), probe.audit.list(), probe.agentState.load('probe')]);
        break;
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }, 120_000);
  afterAll(async () => {
    for (const b of backends) b.close();
    await kc
      ?.makeApiClient(CoreV1Api)
      .deleteNamespace({ name: ns })
      .catch(() => undefined);
    await env?.stop();
  });

  it(
    `${ROUNDS} rounds: one incident per episode, intents reconciled by the survivor, no mutation inside the cooldown, resolved once`,
    async () => {
      let mutations = 0;
      let repeatedInCooldown = 0;
      const guard = (target: string) => (view: AuditView) => {
        const last = view.lastChangeAt(target, 'restart_deployment');
        if (last !== undefined && clock - last < COOLDOWN_MS) throw new ServiceError('refused', `${target} is in cooldown`);
      };
      for (let round = 0; round < ROUNDS; round++) {
        const a = replica(`a-${round}`);
        const b = replica(`b-${round}`);
        const target = `deployment/web-${round % 2}`;
        const input = { type: 'crash_loop', severity: 'high' as const, namespace: 'shop', target, title: `${target} crash-loops` };
        const opened = await Promise.all([a.incidents.open(input), b.incidents.open(input)]);
        expect(new Set(opened.map((o) => o.incident.id)).size).toBe(1);
        expect(opened.filter((o) => o.opened)).toHaveLength(1);
        const id = opened[0]!.incident.id;
        // Both replicas decide to restart at once: one claim passes the guard.
        const claim = (s: KubeStateBackend) =>
          s.audit.claim({ caller: 'agent', tool: 'restart_deployment', target, arguments: { round } }, guard(target)).then(
            (e) => ({ s, e }),
            (err: unknown) => {
              if (!(err instanceof ServiceError && err.code === 'refused')) throw err;
              return undefined;
            },
          );
        const claims = (await Promise.all([claim(a), claim(b)])).filter((c) => c !== undefined);
        expect(claims).toHaveLength(1);
        mutations++;
        const winner = claims[0]!.s;
        const survivor = winner === a ? b : a;
        const intent = await winner.incidents.intend(id, { tool: 'restart_deployment', arguments: { round }, reason: 'crash_loop', message: 'restart' });
        winner.close(); // killed after the intent, before the settle
        clock += 30_000;
        // The survivor takes over: the pending intent is visible and reconciled, the incident is the same one.
        const pending = (await survivor.audit.pending()).filter((p) => p.target === target);
        expect(pending.map((p) => p.id)).toEqual([claims[0]!.e.id]);
        expect(await survivor.audit.settle(pending[0]!.id, { ok: true, after: 'reconciled from the cluster' })).toBe(true);
        expect(await survivor.incidents.settleIntent(id, intent!.entry, { ok: true, state: 'reconciled' })).toBeDefined();
        expect((await survivor.incidents.findOpen('crash_loop', 'shop', target))?.id).toBe(id);
        // Still crash-looping: the survivor would restart again, but the cooldown the dead replica earned holds.
        const again = await claim(survivor);
        if (again) repeatedInCooldown++;
        await survivor.incidents.hold(id, { reason: 'cooldown', message: `${target} is in cooldown`, tool: 'restart_deployment' });
        expect((await survivor.incidents.get(id))?.timeline?.map((t) => [t.kind, t.state])).toEqual([
          ['intent', 'reconciled'],
          ['hold', 'held'],
        ]);
        const r1 = await survivor.incidents.resolve(id);
        const r2 = await survivor.incidents.resolve(id);
        expect(r2?.resolvedAt).toBe(r1?.resolvedAt);
        survivor.close();
        clock += COOLDOWN_MS;
      }
      const reader = replica('reader');
      const all = await reader.incidents.list();
      const byEpisode = new Map<string, number>();
      for (const i of all) byEpisode.set(`${i.target}@${i.detectedAt}`, (byEpisode.get(`${i.target}@${i.detectedAt}`) ?? 0) + 1);
      expect({
        duplicates: [...byEpisode.values()].filter((n) => n > 1).length,
        openWithoutOwner: all.filter((i) => i.outcome === 'open').length,
        repeatedInCooldown,
        incidents: all.length,
        mutations: (await reader.audit.list({ tool: 'restart_deployment' })).length,
      }).toEqual({ duplicates: 0, openWithoutOwner: 0, repeatedInCooldown: 0, incidents: ROUNDS, mutations });
    },
    60_000 + ROUNDS * 20_000,
  );

  itWith(kubectlPresent, 'kubectl get incidents -A prints the printer columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinelops-ha-kubectl-'));
    writeFileSync(join(dir, 'kubeconfig'), env.kubeconfigYaml);
    const out = (
      await run(KUBECTL!, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), 'get', 'incidents', '-A'], { timeout: 60_000 })
    ).stdout;
    const [header, ...rows] = out.trim().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['NAMESPACE', 'NAME', 'TYPE', 'TARGET', 'SEVERITY', 'OUTCOME', 'MTTR', 'AGE']);
    const mine = rows.filter((r) => r.startsWith(ns));
    expect(mine).toHaveLength(ROUNDS);
    for (const r of mine) expect(r).toMatch(/inc-\d+\s+crash_loop\s+deployment\/web-\d\s+high\s+resolved\s+\d+s\s+/);
  });
}

describe('HA store semantics on the simulator', () => {
  haSuite(async () => {
    const sim: Simulator = await startSimulator({ seed: 5 });
    return { kubeconfigYaml: sim.kubeconfigYaml(), stop: () => sim.stop() };
  });
});

describeWith(realCluster, 'HA store semantics on the real control plane', () => {
  haSuite(async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(E2E_KUBECONFIG!);
    return { kubeconfigYaml: kc.exportConfig(), stop: async () => {} };
  });
});
