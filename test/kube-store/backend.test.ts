/**
 * The Kubernetes state backend against the simulator over HTTP: two backends stand for two replicas sharing one
 * namespace. Racing opens give one incident; racing claims pass one guard check; holds are deduplicated; intents
 * settle once; agent state versions conflict; events of one replica's writes reach the other through the watch;
 * retention prunes resolved incidents.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/base/errors.js';
import { KubeStateBackend } from '../../src/kube-store/backend.js';
import { installCrds } from '../../src/kube-store/index.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';
import type { IncidentEvent } from '../../src/store/incidents.js';

const NS = 'sentinelops';
const COOLDOWN_MS = 60_000;

describe('KubeStateBackend on the simulator', () => {
  let sim: Simulator;
  let kc: KubeConfig;
  let now = Date.parse('2026-01-01T00:00:00Z');
  let a: KubeStateBackend;
  let b: KubeStateBackend;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3 });
    kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfigYaml());
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
    await installCrds(kc);
    const mk = (owner: string) =>
      new KubeStateBackend({ kc, namespace: NS, cluster: 'sim', now: () => now, owner, retention: { days: 1, maxResolved: 1, intervalMs: 3_600_000 } });
    a = mk('replica-a');
    b = mk('replica-b');
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await sim?.stop();
  });

  const input = { type: 'crash_loop', severity: 'high' as const, namespace: 'shop', target: 'web', title: 'web crash-loops' };

  it('two replicas racing to open one key get one incident, with an id get_incident accepts', async () => {
    const results = await Promise.all([a.incidents.open(input), b.incidents.open(input), a.incidents.open(input), b.incidents.open(input)]);
    const ids = new Set(results.map((r) => r.incident.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.opened)).toHaveLength(1);
    const [id] = [...ids];
    expect(id).toMatch(/^inc-\d+$/);
    expect((await b.incidents.get(id!))?.outcome).toBe('open');
    expect((await a.incidents.list({ outcome: 'open' })).map((i) => i.id)).toEqual([id]);
    expect((await a.incidents.findOpen('crash_loop', 'shop', 'web'))?.id).toBe(id);
  });

  it('intents, holds (deduplicated) and resolve; a new episode after resolution gets a new id', async () => {
    const { incident } = await a.incidents.open(input);
    const i = await a.incidents.intend(incident.id, { tool: 'restart_deployment', arguments: { name: 'web' }, reason: 'crash_loop', message: 'restart' });
    expect(i?.entry).toBe(1);
    await Promise.all([
      b.incidents.hold(incident.id, { reason: 'cooldown', message: 'in cooldown' }),
      a.incidents.hold(incident.id, { reason: 'cooldown', message: 'in cooldown' }),
    ]);
    expect(await b.incidents.settleIntent(incident.id, i!.entry, { ok: true, state: 'reconciled' })).toBeDefined();
    expect(await a.incidents.settleIntent(incident.id, i!.entry, { ok: true })).toBeUndefined();
    const got = (await a.incidents.get(incident.id))!;
    expect(got.timeline?.map((t) => [t.kind, t.state, t.count])).toEqual([
      ['intent', 'reconciled', 1],
      ['hold', 'held', 2],
    ]);
    expect(got.acknowledgedAt).not.toBeNull();
    // Nulls the API server drops come back as the Incident shape has them.
    expect(got.timeline?.[1]).toMatchObject({ ok: null, settledAt: null, tool: null, arguments: null });
    now += 60_000;
    const r1 = await a.incidents.resolve(incident.id);
    now += 60_000;
    const r2 = await b.incidents.resolve(incident.id);
    expect(r2?.resolvedAt).toBe(r1?.resolvedAt);
    const next = await b.incidents.open(input);
    expect(next.opened).toBe(true);
    expect(next.incident.id).not.toBe(incident.id);
    await b.incidents.resolve(next.incident.id);
  });

  it('events of one replica reach the other through the watch', async () => {
    const seen: IncidentEvent[] = [];
    b.incidents.events.on('incident', (e) => seen.push(e));
    const { incident } = await a.incidents.open({ ...input, target: 'api' });
    await a.incidents.resolve(incident.id);
    const kinds = () => seen.filter((e) => e.incident.id === incident.id).map((e) => e.kind);
    await expect.poll(() => kinds().at(-1), { timeout: 5000 }).toBe('resolved');
    // The create and its status write are two versions: 'opened' may be followed by one 'updated'.
    expect(kinds()[0]).toBe('opened');
    expect(kinds().filter((k) => k === 'resolved')).toHaveLength(1);
  });

  it('racing claims on one target: exactly one passes the cooldown check; the claim survives a missing record', async () => {
    const check = (view: { lastChangeAt(t: string, tool: string): number | undefined }) => {
      const last = view.lastChangeAt('deployment/web', 'scale_deployment');
      if (last !== undefined && now - last < COOLDOWN_MS) throw new ServiceError('refused', 'in cooldown');
    };
    const claim = (s: KubeStateBackend) =>
      s.audit.claim({ caller: 'agent', tool: 'scale_deployment', target: 'deployment/web', arguments: { replicas: 3 }, workload: 'shop/web' }, check);
    const results = await Promise.allSettled([claim(a), claim(b), claim(a), claim(b)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as ServiceError).code).toBe('refused');
    const entry = (ok[0] as PromiseFulfilledResult<{ id: number; pending: boolean }>).value;
    expect(entry.pending).toBe(true);
    expect((await b.audit.pending()).map((e) => e.id)).toEqual([entry.id]);
    expect(await b.audit.settle(entry.id, { ok: true, after: 3 })).toBe(true);
    expect(await a.audit.settle(entry.id, { ok: true })).toBe(false);
    expect(await a.audit.get(entry.id)).toMatchObject({ ok: true, pending: false, after: 3 });
    expect(await a.audit.lastChangeAt('deployment/web', 'scale_deployment')).toBe(now);
    now += COOLDOWN_MS;
    await expect(claim(b)).resolves.toMatchObject({ pending: true });
  });

  it('agent state: the version is the resourceVersion; a stale save conflicts', async () => {
    expect(await a.agentState.load('agent')).toBeUndefined();
    const s1 = await a.agentState.save('agent', { n: 1 }, 0);
    expect(s1.ok).toBe(true);
    expect(await b.agentState.save('agent', { n: 2 }, 0)).toMatchObject({ ok: false, conflict: true, version: s1.version });
    const s2 = await b.agentState.save('agent', { n: 2 }, s1.version);
    expect(s2.ok).toBe(true);
    expect(await a.agentState.save('agent', { n: 3 }, s1.version)).toMatchObject({ ok: false, conflict: true, version: s2.version });
    expect(await a.agentState.load('agent')).toMatchObject({ version: s2.version, document: { n: 2 } });
  });

  it('retention keeps the newest resolved incidents and every open one', async () => {
    now += 2 * 86_400_000;
    const { incident: open } = await a.incidents.open({ ...input, target: 'cart' });
    const pruned = await a.prune();
    expect(pruned.incidents).toBeGreaterThan(0);
    const left = await b.incidents.list();
    expect(left.filter((i) => i.outcome === 'resolved')).toHaveLength(0);
    expect(left.map((i) => i.id)).toContain(open.id);
  });
});
