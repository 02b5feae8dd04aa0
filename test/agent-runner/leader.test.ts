/**
 * Leader election on a coordination.k8s.io/v1 Lease in the simulator, through client-node: two runners against one
 * cluster, exactly one acts; when the leader dies (no release) the other takes over within the lease duration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LeaderElector } from '../../src/agent/leader.js';
import { silentLogger } from '../../src/base/log.js';
import { R } from '../../src/sim/resources.js';
import { type World, startWorld, until } from './helpers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const LEASE_S = 2;
const RENEW_S = 0.4;

describe('leader election', () => {
  it('two runners: exactly one acts; the other takes over within the lease duration when the leader dies', async () => {
    world = await startWorld();
    const w = world;
    const candidate = async (identity: string) => {
      const leader = new LeaderElector({
        kubeConfig: w.runtime.deps.cluster.kubeConfig,
        clock: w.clock,
        logger: silentLogger(),
        namespace: 'default',
        name: 'sentinelops-agent',
        identity,
        leaseDurationSeconds: LEASE_S,
        renewSeconds: RENEW_S,
      });
      return { leader, ...(await w.runner({ leader })) };
    };
    const a = await candidate('runner-a');
    const b = await candidate('runner-b');
    await a.leader.start();
    await b.leader.start();
    expect([a.leader.isLeader(), b.leader.isLeader()]).toEqual([true, false]);
    const lease = w.sim.store.get(R.leases, 'default', 'sentinelops-agent');
    expect(lease?.spec).toMatchObject({ holderIdentity: 'runner-a', leaseDurationSeconds: LEASE_S });

    let both = 0;
    const probe = setInterval(() => {
      if (a.leader.isLeader() && b.leader.isLeader()) both++;
    }, 20);
    try {
      a.runner.start();
      b.runner.start();
      await until(() => a.cycles.length >= 2 && b.cycles.length >= 2, 10_000, 'cycles on both runners');
      w.sim.faults.inject({ fault: 'bad-image-rollout', deployment: 'demo/nginx-demo' });
      await until(() => a.cycles.some((c) => c.results.some((r) => r.tool === 'rollback_deployment')), 20_000, 'the leader rolls back');
      await new Promise((r) => setTimeout(r, 1500));
      expect(w.runtime.deps.store.audit.list({ tool: 'rollback_deployment' })).toMatchObject([{ caller: 'agent', ok: true }]);
      expect(b.cycles.every((c) => c.skipped !== undefined && c.results.length === 0)).toBe(true);
      expect(a.cycles.every((c) => c.skipped === undefined)).toBe(true);

      // The leader dies without giving the lease up.
      const killedAt = Date.now();
      await a.runner.stop();
      await a.leader.stop({ release: false });
      await until(() => b.leader.isLeader(), 10_000, 'takeover');
      const tookMs = Date.now() - killedAt;
      expect(tookMs).toBeLessThanOrEqual((LEASE_S + RENEW_S) * 1000 + 600);
      expect(w.sim.store.get(R.leases, 'default', 'sentinelops-agent')?.spec).toMatchObject({ holderIdentity: 'runner-b', leaseTransitions: 1 });
      const acted = await until(() => b.cycles.find((c) => c.skipped === undefined), 5_000, 'the new leader runs a cycle');
      expect(acted.error).toBeUndefined();
    } finally {
      clearInterval(probe);
      await b.leader.stop();
    }
    expect(both).toBe(0);
  });

  it('a released lease is taken at once', async () => {
    world = await startWorld();
    const kubeConfig = world.runtime.deps.cluster.kubeConfig;
    const make = (identity: string) =>
      new LeaderElector({
        kubeConfig,
        clock: world!.clock,
        logger: silentLogger(),
        namespace: 'default',
        name: 'release-test',
        identity,
        leaseDurationSeconds: 30,
        renewSeconds: 10,
      });
    const a = make('a');
    const b = make('b');
    await a.start();
    await b.start();
    expect(b.isLeader()).toBe(false);
    await a.stop({ release: true });
    await b.stop();
    await b.start();
    expect(b.isLeader()).toBe(true);
    await b.stop();
  });
});
