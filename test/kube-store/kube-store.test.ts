/**
 * The Kubernetes store's client against the simulator over HTTP, through @kubernetes/client-node: CRD
 * installation (idempotent), typed CRUD, status writes, conflict retry with concurrent writers on one object
 * (no lost update), the atomic cooldown claim across "replicas", and pruning.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/base/errors.js';
import {
  AUDIT_RECORD,
  COOLDOWN,
  CRDS,
  CustomObjectClient,
  INCIDENT,
  claimCooldown,
  installCrds,
  pruneIncidents,
  type CooldownSpec,
} from '../../src/kube-store/index.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';
import { R } from '../../src/sim/resources.js';

interface IncidentSpec {
  type: string;
  target: string;
  severity?: string;
  detectedAt: string;
  title?: string;
}
interface IncidentStatus {
  outcome?: string;
  resolvedAt?: string;
  summary?: string;
  timeline?: Record<string, unknown>[];
}
interface AuditSpec {
  tool: string;
  caller: string;
  at: string;
  pending?: boolean;
  ok?: boolean;
  args?: Record<string, unknown>;
}

const NS = 'sentinelops';
const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('kube-store against the simulator', () => {
  let sim: Simulator;
  let kc: KubeConfig;
  let incidents: CustomObjectClient<IncidentSpec, IncidentStatus>;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11 });
    kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfigYaml());
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
    incidents = new CustomObjectClient(kc, INCIDENT, NS);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('without the CRDs the client says to install them', async () => {
    const err = await incidents.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).code).toBe('unavailable');
    expect((err as ServiceError).message).toContain('sentinelops crds install');
    // get of a resource the server does not serve is the same error, not "no such incident".
    await expect(incidents.get('x')).rejects.toThrow(/crds install/);
  });

  it('installs the CRDs, established, and a second install changes nothing', async () => {
    const first = await installCrds(kc, { timeoutMs: 10_000 });
    expect(first.map((r) => r.action)).toEqual(CRDS.map(() => 'created'));
    // The CRDs' own versions: the simulator's controllers write other objects meanwhile.
    const versions = () => sim.store.all(R.customresourcedefinitions).map((c) => c.metadata.resourceVersion);
    const rv = versions();
    const second = await installCrds(kc, { timeoutMs: 10_000 });
    expect(second.map((r) => r.action)).toEqual(CRDS.map(() => 'unchanged'));
    expect(versions()).toEqual(rv);
  });

  it('creates, gets, lists by label, writes status, deletes', async () => {
    const created = await incidents.create({
      metadata: { name: 'crash-web', labels: { 'sentinelops.dev/type': 'crash_loop' } },
      spec: { type: 'crash_loop', target: 'deployment/web', severity: 'high', detectedAt: iso(T0) },
      status: { outcome: 'open', timeline: [{ at: iso(T0), kind: 'finding', message: 'web restarts' }] },
    });
    expect(created.status?.outcome).toBe('open');
    expect(created.metadata.generation).toBe(1);
    await incidents.create({ metadata: { name: 'cpu-api' }, spec: { type: 'high_cpu', target: 'deployment/api', detectedAt: iso(T0) } });

    expect((await incidents.get('crash-web'))?.spec.target).toBe('deployment/web');
    expect(await incidents.get('nope')).toBeUndefined();
    expect((await incidents.list({ labelSelector: 'sentinelops.dev/type=crash_loop' })).map((o) => o.metadata.name)).toEqual(['crash-web']);
    expect((await incidents.list()).length).toBe(2);

    const patched = await incidents.patchStatus('crash-web', { summary: 'restarted' });
    expect(patched.status).toMatchObject({ outcome: 'open', summary: 'restarted' });
    expect(patched.metadata.generation).toBe(1);

    const dup = await incidents.create({ metadata: { name: 'cpu-api' }, spec: { type: 'x', target: 'y', detectedAt: iso(T0) } }).catch((e: unknown) => e);
    expect((dup as ServiceError).code).toBe('conflict');

    const bad = await incidents.create({ metadata: { name: 'bad' }, spec: { type: 'x' } as IncidentSpec }).catch((e: unknown) => e);
    expect((bad as ServiceError).code).toBe('invalid');
    expect(await incidents.get('bad')).toBeUndefined();

    expect(await incidents.delete('cpu-api')).toBe(true);
    expect(await incidents.delete('cpu-api')).toBe(false);
  });

  it('update re-applies the mutation on conflict: 8 concurrent writers append to one timeline, none lost', async () => {
    await incidents.create({
      metadata: { name: 'busy' },
      spec: { type: 'crash_loop', target: 'deployment/busy', detectedAt: iso(T0) },
      status: { outcome: 'open', timeline: [] },
    });
    // Different clients, like different replicas; a small jitter so the writers really interleave.
    const writers = Array.from(
      { length: 8 },
      () => new CustomObjectClient<IncidentSpec, IncidentStatus>(kc, INCIDENT, NS, { maxAttempts: 50, retryJitterMs: 5 }),
    );
    await Promise.all(
      writers.flatMap((w, i) =>
        [0, 1, 2].map((j) => w.update('busy', (o) => ({ ...o, status: { ...o.status, timeline: [...(o.status?.timeline ?? []), { writer: i, n: j }] } }))),
      ),
    );
    const timeline = (await incidents.get('busy'))!.status!.timeline!;
    expect(timeline).toHaveLength(24);
    expect(new Set(timeline.map((e) => `${e.writer}/${e.n}`)).size).toBe(24);
  });

  it('update changes spec and status together and bumps generation only for spec', async () => {
    const out = await incidents.update('busy', (o) => ({ ...o, spec: { ...o.spec, severity: 'critical' }, status: { ...o.status, outcome: 'escalated' } }));
    expect(out?.spec.severity).toBe('critical');
    expect(out?.status?.outcome).toBe('escalated');
    expect(out?.metadata.generation).toBe(2);
    expect(await incidents.update('ghost', (o) => o)).toBeUndefined();
  });

  it('replace with a stale resourceVersion is a conflict and changes nothing', async () => {
    const stale = (await incidents.get('busy'))!;
    await incidents.patchStatus('busy', { summary: 'moved on' });
    const err = await incidents.replace({ ...stale, spec: { ...stale.spec, title: 'lost?' } }).catch((e: unknown) => e);
    expect((err as ServiceError).code).toBe('conflict');
    expect((await incidents.get('busy'))!.spec.title).toBeUndefined();
  });

  it('records an intent then settles it (audit records have no status subresource)', async () => {
    const audit = new CustomObjectClient<AuditSpec>(kc, AUDIT_RECORD, NS);
    const intent = await audit.create({
      metadata: { generateName: 'scale-' },
      spec: { tool: 'scale_deployment', caller: 'agent-a', at: iso(T0), pending: true, args: { replicas: 3 } },
    });
    expect(intent.metadata.name).toMatch(/^scale-/);
    const settled = await audit.update(intent.metadata.name, (o) => ({ ...o, spec: { ...o.spec, pending: false, ok: true } }));
    expect(settled?.spec).toMatchObject({ pending: false, ok: true, args: { replicas: 3 } });
  });

  it('of 6 replicas claiming one target at once, exactly one gets it; after the cooldown the next one does', async () => {
    const clients = Array.from({ length: 6 }, () => new CustomObjectClient<CooldownSpec>(kc, COOLDOWN, NS));
    const claim = (i: number, now: number) =>
      claimCooldown(clients[i]!, {
        cluster: 'sim',
        namespace: 'demo',
        target: 'deployment/web',
        action: 'scale_deployment',
        holder: `r${i}`,
        intent: `a${i}`,
        now,
        cooldownMs: 60_000,
      });
    const results = await Promise.all(clients.map((_, i) => claim(i, T0)));
    const winners = results.filter((r) => r.granted);
    expect(winners).toHaveLength(1);
    const holder = winners[0]!.cooldown.spec.holder;
    for (const r of results) expect(r.cooldown.spec.holder).toBe(holder);
    expect((await claim(0, T0 + 59_000)).granted).toBe(false);
    const later = await Promise.all(clients.map((_, i) => claim(i, T0 + 61_000)));
    expect(later.filter((r) => r.granted)).toHaveLength(1);
  });

  it('prunes resolved incidents past the retention and beyond the count, never open ones', async () => {
    const store = new CustomObjectClient<IncidentSpec, IncidentStatus>(kc, INCIDENT, 'prune');
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'prune' } } });
    const day = 86_400_000;
    const mk = (name: string, status: IncidentStatus) => store.create({ metadata: { name }, spec: { type: 't', target: name, detectedAt: iso(T0) }, status });
    await mk('open-old', { outcome: 'open' });
    await mk('old', { outcome: 'resolved', resolvedAt: iso(T0 - 40 * day) });
    for (let i = 0; i < 5; i++) await mk(`recent-${i}`, { outcome: 'resolved', resolvedAt: iso(T0 - i * day) });
    const result = await pruneIncidents(store, { now: T0, retentionMs: 30 * day, maxResolved: 3 });
    expect(result.deleted.sort()).toEqual(['old', 'recent-3', 'recent-4']);
    expect((await store.list()).map((o) => o.metadata.name).sort()).toEqual(['open-old', 'recent-0', 'recent-1', 'recent-2']);
    await expect(pruneIncidents(store, { now: T0, retentionMs: 0, maxResolved: 3 })).rejects.toThrow(/invalid retention/);
  });
});
