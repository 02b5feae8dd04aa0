/**
 * The ReplicaSet controller keeps each ReplicaSet's counts from pod events instead of re-reading its pods on every
 * event (what made a 100,000-pod bring-up slow). Whatever happens to the pods, the status it writes must equal a
 * count of the pods themselves, as upstream's full pass computes it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';
import { R } from '../../src/sim/resources.js';
import type { KObject } from '../../src/sim/types.js';
import { stockDeployment } from '../../src/sim/objects.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const deployment = (name: string, replicas: number, spec: Record<string, unknown> = {}) => stockDeployment({ namespace: 'default', name, replicas, spec });

const ready = (p: KObject) => (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
const active = (p: KObject) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;

/** Every ReplicaSet's status against its pods, counted here from scratch. */
function mismatches(s: Simulator): string[] {
  const out: string[] = [];
  for (const rs of s.store.list(R.replicasets).items) {
    const mine = s.store.list(R.pods).items.filter((p) => p.metadata.ownerReferences?.some((o) => o.controller && o.uid === rs.metadata.uid) && active(p));
    const want = {
      replicas: mine.length,
      ready: mine.filter(ready).length,
      labeled: mine.filter((p) => p.metadata.labels?.app === rs.spec.template.metadata.labels.app).length,
    };
    const got = { replicas: rs.status?.replicas ?? 0, ready: rs.status?.readyReplicas ?? 0, labeled: rs.status?.fullyLabeledReplicas ?? 0 };
    if (JSON.stringify(want) !== JSON.stringify(got)) out.push(`${rs.metadata.name}: status ${JSON.stringify(got)}, pods ${JSON.stringify(want)}`);
  }
  return out;
}

/** Lets time pass until the controllers are idle, then checks. */
async function settleAndCheck(s: Simulator): Promise<void> {
  for (let i = 0; i < 120; i++) await s.step(1_000);
  expect(mismatches(s)).toEqual([]);
}

describe('ReplicaSet status kept from pod events', () => {
  it('equals a recount of the pods through scaling, crashes, a pod relabelled away, a node failure and a rollout', async () => {
    const s = (sim = await startSimulator({ clock: new VirtualClock(), serve: false, seed: 5, nodes: 4, tolerationSeconds: 20, workload: { noise: 0 } }));
    s.create(deployment('web', 8));
    s.create(deployment('api', 5));
    await settleAndCheck(s);

    // Scale: the tally must follow creates and deletes.
    s.store.mutate(R.deployments, 'default', 'web', (d) => (d.spec.replicas = 12));
    s.store.mutate(R.deployments, 'default', 'api', (d) => (d.spec.replicas = 2));
    await settleAndCheck(s);

    // Containers crash (ready goes false, then back).
    s.faults.inject({ fault: 'crash-pod', deployment: 'web', count: 4 });
    for (let i = 0; i < 3; i++) await s.step(1_000);
    expect(mismatches(s)).toEqual([]);
    await settleAndCheck(s);

    // A pod deleted by hand, and one whose labels no longer match the template (orphaned by the selector).
    const [first, second] = s.store.list(R.pods, { labelSelector: 'app=web' }).items;
    s.store.delete(R.pods, 'default', first!.metadata.name);
    s.store.mutate(R.pods, 'default', second!.metadata.name, (p) => (p.metadata.labels = { ...p.metadata.labels, app: 'elsewhere' }));
    await s.step(0);
    expect(mismatches(s)).toEqual([]);
    await settleAndCheck(s);

    // A node goes down: its pods turn unready, then are evicted and replaced.
    s.faults.inject({ fault: 'node-down', node: 'node-2', durationSeconds: 90 });
    await settleAndCheck(s);

    // A rollout: the old ReplicaSet is scaled down while the new one comes up.
    s.store.mutate(R.deployments, 'default', 'web', (d) => (d.spec.template.spec.containers[0].image = 'nginx:1.28'));
    for (let i = 0; i < 10; i++) {
      await s.step(700);
      expect(mismatches(s)).toEqual([]);
    }
    await settleAndCheck(s);
    expect(s.store.get(R.deployments, 'default', 'web')!.status).toMatchObject({ updatedReplicas: 12, readyReplicas: 12, availableReplicas: 12 });
  });
});
