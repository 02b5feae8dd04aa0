/**
 * What a server of several clusters does with what does not name one: a single agent loop (no agent.clusters)
 * works on the default cluster and adopts only its incidents; an Alertmanager alert goes to the cluster its
 * `cluster` label names (unknown names ignored, no label: the default); chaos runs on the default cluster only and
 * its audit rows say so. Two simulated clusters over HTTP, the real runtime, MCP and the HTTP surface.
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

  it('chaos on another cluster is refused before anything runs; on the default one it runs and its audit rows name it', async () => {
    const podNames = async (cluster: string) =>
      (await mcp.ok<{ items: { name: string }[] }>('list_pods', { cluster, namespace: 'demo' })).items.map((p) => p.name).sort();
    const before = { 'sim-1': await podNames('sim-1'), 'sim-2': await podNames('sim-2') };
    const refused = await mcp.fails('chaos_pod_crash', { cluster: 'sim-2', namespace: 'demo', deployment: 'nginx-demo' });
    expect(refused).toMatch(/chaos experiments run on the default cluster \(sim-1\) only, not "sim-2".*Nothing was changed/);
    expect(await podNames('sim-1')).toEqual(before['sim-1']);
    expect(await podNames('sim-2')).toEqual(before['sim-2']);

    await mcp.ok('chaos_cpu_spike', { namespace: 'demo', deployment: 'nginx-demo', durationSeconds: 1 });
    const rows = () =>
      runtime.deps.store.db.prepare(`SELECT tool, cluster FROM audit WHERE tool IN ('chaos_cpu_spike', 'chaos_ttl_expiry') ORDER BY seq`).all() as {
        tool: string;
        cluster: string | null;
      }[];
    await eventually(() => rows().some((r) => r.tool === 'chaos_ttl_expiry'), 20_000);
    expect(rows()).toEqual([
      { tool: 'chaos_cpu_spike', cluster: 'sim-1' },
      { tool: 'chaos_ttl_expiry', cluster: 'sim-1' },
    ]);
  });
});
