/**
 * What a server of several clusters does with what does not name one: a single agent loop (no agent.clusters)
 * works on the default cluster and adopts only its incidents; an Alertmanager alert goes to the cluster its
 * `cluster` label names (unknown names ignored, no label: the default); chaos runs on the cluster a call names and
 * ends through that cluster's client, and its records and audit rows say which. Two simulated clusters over HTTP, the real runtime, MCP and the HTTP surface.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CycleReport } from '../../src/agent/runner.js';
import { createHttpSurface, type HttpSurface } from '../../src/app/http-surface.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { type StartedAgent, startAgent } from '../../src/app/start-agent.js';
import { silentLogger } from '../../src/base/log.js';
import { ChaosManager } from '../../src/chaos/manager.js';
import { parseConfig } from '../../src/config/load.js';
import { type SimClusters, startSimClusters } from '../../src/sim/many.js';
import { multiKubeconfigYaml } from '../../src/sim/multi-kubeconfig.js';
import { type ConnectedClient, connectClient, eventually } from '../server/harness.js';

const TOKEN = 'default-cluster-token-0123456789';

interface IncidentOut {
  id: string;
  cluster: string | null;
  type: string;
  target: string;
}

describe('a server of two clusters: what names no cluster goes to the default one', () => {
  let many: SimClusters;
  let runtime: Runtime;
  let agent: StartedAgent | undefined;
  let surface: HttpSurface;
  let mcp: ConnectedClient;
  let url: string;
  let dir: string;
  const reports: CycleReport[] = [];
  const seeded: Record<string, string> = {};

  beforeAll(async () => {
    many = await startSimClusters(2, { demo: true, port: 0 });
    await Promise.all(many.sims.map((s) => s.ready({ timeoutMs: 30_000 })));
    dir = mkdtempSync(join(tmpdir(), 'sentinelops-default-cluster-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, multiKubeconfigYaml(many.sims.map((s, i) => ({ name: `sim-${i + 1}`, server: s.url, namespace: 'demo' }))), { mode: 0o600 });
    const config = parseConfig({
      cluster: { mode: 'kubeconfig', kubeconfig, requestTimeoutSeconds: 15 },
      store: { path: join(dir, 'state.db') },
      log: { level: 'silent' },
      http: { port: 0, token: TOKEN },
      chaos: { enabled: true, allowedNamespaces: ['demo'] },
      // Several experiments on one target in a row (the per-cluster cooldown is held elsewhere).
      safety: { cooldownSeconds: 0 },
      // One loop, cycles only when asked: the first one takes over what the store holds.
      agent: { intervalSeconds: 3600 },
    });
    runtime = createRuntime(config, { logger: silentLogger() });
    surface = createHttpSurface(runtime.deps);
    url = await surface.listen();
    mcp = await connectClient(runtime.deps, 'default-cluster');
    // Open incidents an earlier process left on each cluster, same target and type.
    for (const cluster of ['sim-1', 'sim-2']) {
      const r = await mcp.ok<{ incident: IncidentOut }>('log_incident', {
        cluster,
        type: 'replicas_unavailable',
        severity: 'medium',
        namespace: 'demo',
        target: 'nginx-demo',
        title: `nginx-demo short of replicas on ${cluster}`,
        // as the agent records its own: the finding's target kind
        details: { kind: 'deployment' },
      });
      seeded[cluster] = r.incident.id;
    }
  }, 90_000);

  afterAll(async () => {
    await mcp?.close();
    await surface?.close();
    await agent?.stop();
    runtime?.close();
    await many?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a single agent loop adopts the default cluster’s open incidents only, and leaves the other cluster’s open', async () => {
    agent = await startAgent({
      config: runtime.deps.config,
      logger: silentLogger(),
      deps: runtime.deps,
      watch: false,
      summary: null,
      onCycle: (r) => reports.push(r),
    });
    runtime.deps.agent = agent.control;
    await eventually(() => reports.some((r) => r.resumed), 30_000);
    const resumed = reports.find((r) => r.resumed)!.resumed!;
    expect(resumed.adopted).toContain(seeded['sim-1']);
    expect(resumed.adopted).not.toContain(seeded['sim-2']);
    // sim-1's nginx-demo is healthy: its incident is verified and resolved by the loop; sim-2's is not the loop's to judge.
    await agent.control.runCycleJson({ dryRun: false, trigger: 'test' });
    await eventually(async () => (await mcp.ok<{ outcome: string }>('get_incident', { id: seeded['sim-1'] })).outcome === 'resolved', 30_000);
    expect((await mcp.ok<{ outcome: string; cluster: string }>('get_incident', { id: seeded['sim-2'] })).outcome).toBe('open');
  });

  const postAlerts = async (labels: Record<string, string>[]) => {
    const res = await fetch(`${url}/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        groupKey: '{}:{alertname="x"}',
        truncatedAlerts: 0,
        status: 'firing',
        receiver: 'sentinelops',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        externalURL: 'http://alertmanager:9093',
        alerts: labels.map((l, i) => ({
          status: 'firing',
          labels: { alertname: 'KubePodNotReady', severity: 'warning', namespace: 'demo', ...l },
          annotations: { summary: 'not ready' },
          startsAt: new Date(Date.now() - 30_000).toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: `fp-${i}-${Object.values(l).join('-')}`,
        })),
      }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { alerts: { result: string; incidentId?: string; target?: string; reason?: string }[] }).alerts;
  };

  it('an alert goes to the cluster its `cluster` label names, a pod traced through that cluster; no label: the default; unknown: ignored', async () => {
    const pods = await mcp.ok<{ items: { name: string; deployment?: string }[] }>('list_pods', { cluster: 'sim-2', namespace: 'demo' });
    const sim2Pod = pods.items.find((p) => p.name.startsWith('nginx-demo-'))!.name;
    const out = await postAlerts([
      { cluster: 'sim-2', pod: sim2Pod },
      { deployment: 'nginx-demo', alertname: 'KubeDeploymentReplicasMismatch' },
      { cluster: 'prod-eu', deployment: 'nginx-demo' },
    ]);
    expect(out[2]!.result).toBe('ignored');
    // Traced to its deployment on sim-2 (sim-1 has no pod of that name), it joins sim-2's open incident on it, not sim-1's.
    expect(out[0]).toMatchObject({ result: 'joined', target: 'nginx-demo', incidentId: seeded['sim-2'] });
    expect(out[2]!.reason).toMatch(/cluster label "prod-eu" names no cluster this server knows \(sim-1, sim-2\)/);
    const clusterOf = async (id: string) => (await mcp.ok<IncidentOut>('get_incident', { id })).cluster;
    expect(await clusterOf(out[0]!.incidentId!)).toBe('sim-2');
    expect(await clusterOf(out[1]!.incidentId!)).toBe('sim-1');
    const onSim2 = await mcp.ok<{ items: IncidentOut[] }>('list_incidents', { cluster: 'sim-2', target: 'nginx-demo' });
    expect(onSim2.items.map((i) => i.id)).toEqual([seeded['sim-2']]);
  });

  it('chaos runs on the cluster the call names and ends there; its records and audit rows name that cluster', async () => {
    type PodRow = { name: string; restarts: number };
    const pods = async (cluster: string) =>
      (await mcp.ok<{ items: PodRow[] }>('list_pods', { cluster, namespace: 'demo' })).items.map((p) => `${p.name}:${p.restarts}`).sort();
    const sim1Before = await pods('sim-1');
    const sim2Before = await pods('sim-2');
    const crash = await mcp.ok<{ before: { selected: string[] }; after: { id: string; cluster: string | null } }>('chaos_pod_crash', {
      cluster: 'sim-2',
      namespace: 'demo',
      deployment: 'nginx-demo',
    });
    expect(crash.after.cluster).toBe('sim-2');
    const [victim] = crash.before.selected;
    expect(sim2Before.some((p) => p.startsWith(`${victim}:`))).toBe(true);
    // The crashed pod is a sim-2 pod: it restarts (or is replaced) there; sim-1 is untouched.
    await eventually(async () => !(await pods('sim-2')).includes(sim2Before.find((p) => p.startsWith(`${victim}:`))!), 20_000);
    expect(await pods('sim-1')).toEqual(sim1Before);

    // A sustained experiment on sim-2 is a fault on sim-2's simulator (none on sim-1's), and chaos_cleanup ends it there.
    type FaultRow = { id: string; fault: string };
    const faults = async (i: number) => ((await (await fetch(`${many.sims[i]!.url}/sim/v1/faults`)).json()) as { items: FaultRow[] }).items;
    const long = await mcp.ok<{ after: { id: string; cluster: string | null } }>('chaos_cpu_spike', {
      cluster: 'sim-2',
      namespace: 'demo',
      deployment: 'nginx-demo',
      durationSeconds: 120,
    });
    expect((await faults(1)).map((f) => f.fault)).toContain('cpu-spike');
    expect((await faults(0)).map((f) => f.fault)).not.toContain('cpu-spike');
    const cleaned = await mcp.ok<{ ended: { id: string; cluster: string | null }[] }>('chaos_cleanup', { id: long.after.id });
    expect(cleaned.ended).toMatchObject([{ id: long.after.id, cluster: 'sim-2' }]);
    expect((await faults(1)).map((f) => f.fault)).not.toContain('cpu-spike');

    // Short experiments on both clusters; each one's TTL ends it through its own cluster.
    const spike = async (cluster: string) =>
      (
        await mcp.ok<{ after: { id: string; cluster: string | null } }>('chaos_cpu_spike', {
          cluster,
          namespace: 'demo',
          deployment: 'nginx-demo',
          durationSeconds: 1,
        })
      ).after;
    const onSim2 = await spike('sim-2');
    const onSim1 = await spike('sim-1');
    expect([onSim1.cluster, onSim2.cluster]).toEqual(['sim-1', 'sim-2']);
    const rows = () =>
      runtime.deps.store.db
        .prepare(`SELECT tool, cluster FROM audit WHERE tool IN ('chaos_pod_crash', 'chaos_cpu_spike', 'chaos_ttl_expiry') ORDER BY seq`)
        .all() as {
        tool: string;
        cluster: string | null;
      }[];
    await eventually(() => rows().filter((r) => r.tool === 'chaos_ttl_expiry').length === 2, 20_000);
    expect(rows().filter((r) => r.tool !== 'chaos_ttl_expiry')).toEqual([
      { tool: 'chaos_pod_crash', cluster: 'sim-2' },
      { tool: 'chaos_cpu_spike', cluster: 'sim-2' },
      { tool: 'chaos_cpu_spike', cluster: 'sim-2' },
      { tool: 'chaos_cpu_spike', cluster: 'sim-1' },
    ]);
    expect(
      rows()
        .filter((r) => r.tool === 'chaos_ttl_expiry')
        .map((r) => r.cluster)
        .sort(),
    ).toEqual(['sim-1', 'sim-2']);
    const status = await mcp.ok<{ active: unknown[]; recent: { id: string; cluster: string | null; state: string }[] }>('chaos_status');
    expect(status.active).toEqual([]);
    expect(status.recent.find((e) => e.id === onSim2.id)).toMatchObject({ cluster: 'sim-2', state: 'expired' });
    expect(status.recent.find((e) => e.id === long.after.id)).toMatchObject({ cluster: 'sim-2', state: 'cleaned' });
  });

  it('an experiment a dead process left running on another cluster is ended there at the next start', async () => {
    // What a process killed mid-experiment leaves: the record (written first) and the fault on sim-2's simulator.
    const res = await fetch(`${many.sims[1]!.url}/sim/v1/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: 'cpu-spike', deployment: 'demo/nginx-demo', millicores: 500, durationSeconds: 600 }),
    });
    const fault = (await res.json()) as { id: string; fault: string; target: string };
    const { store, clock, config, cluster, clusters, logger } = runtime.deps;
    const left = store.chaos.create({
      cluster: 'sim-2',
      kind: 'cpu_spike',
      namespace: 'demo',
      target: 'nginx-demo',
      backend: 'simulator',
      caller: 'a dead process',
      params: {},
      startedAt: clock.now() - 120_000,
      expiresAt: clock.now() - 1_000,
    });
    store.chaos.update(left.id, { handles: { faultId: fault.id, fault: fault.fault, target: fault.target } });
    const next = new ChaosManager({ cluster, clusterName: 'sim-1', clusterByName: (n) => clusters!.resolve(n).cluster, config, store, clock, logger });
    expect((await next.recover()).ended).toEqual([left.id]);
    next.close();
    const onSim2 = ((await (await fetch(`${many.sims[1]!.url}/sim/v1/faults`)).json()) as { items: { id: string }[] }).items;
    expect(onSim2.map((f) => f.id)).not.toContain(fault.id);
    expect(store.chaos.get(left.id)).toMatchObject({ cluster: 'sim-2', state: 'expired', error: null });
  });
});
