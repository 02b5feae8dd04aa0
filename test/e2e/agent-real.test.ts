/**
 * The agent end to end on a real Kubernetes API (test/cluster/up.sh: kube-apiserver, controllers, kwok fake nodes
 * with SentinelOps' fault stages, metrics-server; or any cluster named by SENTINELOPS_E2E_KUBECONFIG). Each test
 * gets a fresh namespace and a server runtime allowed to act only there, with its own SQLite file; the agent is
 * started exactly as `agent` / `serve --agent` start it (startAgent: in-process MCP client, watches, Lease).
 *   crash → healed; every pod crash-looping on several nodes → escalated, never restarted; bad rollout → rolled
 *   back; scale up, then down after the stabilization window;
 *   two runners on one Lease → exactly one acts, and the other takes over when the leader dies.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, type V1Deployment } from '@kubernetes/client-node';
import { afterEach, expect, it } from 'vitest';
import type { CycleReport } from '../../src/agent/runner.js';
import { type StartedAgent, startAgent } from '../../src/app/start-agent.js';
import { deepMerge, parseConfig } from '../../src/config/load.js';
import { createLogger, silentLogger } from '../../src/base/log.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import {
  eventually,
  isReady,
  kube,
  kubeconfigPath,
  metricsServer,
  nginxDeployment,
  readyPods,
  realCluster,
  uniqueNamespace,
  waitRolledOut,
  type Kube,
} from './helpers.js';
import { describeWith, itWith } from '../helpers/prerequisite.js';

const DEP = 'web';
const GOOD_IMAGE = 'nginx:1.27';
/** SENTINELOPS_E2E_LOG=debug|info shows the agents' structured logs (cycles, lease changes) on stderr. */
const E2E_LOG = process.env.SENTINELOPS_E2E_LOG;

interface Agent {
  runtime: Runtime;
  agent: StartedAgent;
  cycles: CycleReport[];
}

/** What an agent was doing, for failure messages: the last cycles' findings, decisions and results. */
function explain(a: Agent, last = 4): string {
  return a.cycles
    .slice(-last)
    .map((c) =>
      [
        `#${c.cycle} ${c.trigger}${c.skipped ? ` skipped: ${c.skipped}` : ''}${c.error ? ` error: ${c.error}` : ''}`,
        ...c.findings.map((f) => `  finding ${f.type} ${f.namespace}/${f.target}: ${f.message}`),
        ...c.decisions.map((d) => `  decision ${d.action} ${d.reason}: ${d.message}`),
        ...c.results.map((r) => `  result ${r.tool} ok=${r.ok} ${r.message ?? ''}`),
      ].join('\n'),
    )
    .join('\n');
}

/** Waits for `fn` and says what the agent saw when it does not come. */
async function agentUntil<T>(a: Agent, what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number): Promise<T> {
  try {
    return await eventually(async () => fn(), timeoutMs, 250);
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}\n${explain(a)}`);
  }
}

const allResults = (a: Agent) => a.cycles.flatMap((c) => c.results);

describeWith(realCluster, 'agent on a real cluster (SENTINELOPS_E2E_KUBECONFIG)', () => {
  // The body is collected even when the suite is skipped: read the kubeconfig only when it is there.
  const k: Kube = realCluster.missing ? (undefined as never) : kube(kubeconfigPath);
  const agents: Agent[] = [];
  const namespaces: string[] = [];

  afterEach(async () => {
    for (const a of agents.splice(0)) {
      await a.agent.stop();
      a.runtime.close();
    }
    for (const ns of namespaces.splice(0)) await k.core.deleteNamespace({ name: ns }).catch(() => undefined);
  });

  /** A fresh namespace with a rolled-out nginx Deployment (kwok usage from the template's annotations). */
  async function namespaceWith(prefix: string, replicas: number, usageCpu = '300m'): Promise<string> {
    const ns = uniqueNamespace(prefix);
    namespaces.push(ns);
    await k.core.createNamespace({ body: { metadata: { name: ns } } });
    const body: V1Deployment = nginxDeployment(DEP, replicas);
    body.spec!.template.metadata!.annotations!['kwok.x-k8s.io/usage-cpu'] = usageCpu;
    await k.apps.createNamespacedDeployment({ namespace: ns, body });
    await waitRolledOut(k, ns, DEP, replicas);
    return ns;
  }

  /** A server runtime allowed to act only in `ns`, its own SQLite file, and an agent started on it. */
  async function agentIn(ns: string, opts: { agent?: Record<string, unknown>; identity?: string } = {}): Promise<Agent> {
    const dir = mkdtempSync(join(tmpdir(), 'sentinelops-agent-e2e-'));
    const config = parseConfig(
      deepMerge(
        {
          cluster: { mode: 'kubeconfig', kubeconfig: kubeconfigPath, defaultNamespace: ns },
          store: { path: join(dir, 'sentinelops.db') },
          log: { level: 'silent' },
          safety: { allowedNamespaces: [ns], cooldownSeconds: 1 },
          agent: { intervalSeconds: 2, namespaces: [ns], leaderElection: { enabled: false } },
        },
        { agent: opts.agent ?? {} },
      ),
    );
    const runtime = createRuntime(config, { logger: silentLogger() });
    const cycles: CycleReport[] = [];
    const agent = await startAgent({
      config,
      logger: E2E_LOG ? createLogger({ level: E2E_LOG }) : silentLogger(),
      deps: runtime.deps,
      kubeConfig: runtime.deps.cluster.kubeConfig,
      identity: opts.identity,
      summary: null,
      onCycle: (c) => cycles.push(c),
    });
    const a: Agent = { runtime, agent, cycles };
    agents.push(a);
    return a;
  }

  const deployment = (ns: string) => k.apps.readNamespacedDeployment({ namespace: ns, name: DEP });
  const imageOf = (d: V1Deployment) => d.spec?.template?.spec?.containers[0]?.image;
  const setImage = (ns: string, image: string) =>
    k.apps.patchNamespacedDeployment({ namespace: ns, name: DEP, body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }] });
  const baseline = (a: Agent) => agentUntil(a, 'two clean cycles', () => a.cycles.filter((c) => !c.error && !c.skipped).length >= 2, 20_000);

  it('crash → healed: one pod crash-loops, the agent restarts the deployment, it ends healthy, incident resolved with MTTR', async () => {
    const ns = await namespaceWith('e2e-agent-crash', 3);
    const a = await agentIn(ns);
    await baseline(a);
    expect(a.cycles.every((c) => !c.error)).toBe(true);
    expect(allResults(a)).toEqual([]);

    const [victim] = await readyPods(k, ns, DEP);
    await k.core.patchNamespacedPod({
      namespace: ns,
      name: victim!.metadata!.name!,
      body: [{ op: 'add', path: '/metadata/annotations/sentinelops.dev~1fault', value: 'crashloop' }],
    });

    const opened = await agentUntil(
      a,
      'crash_loop incident opened',
      () => a.cycles.flatMap((c) => c.incidents?.opened ?? []).find((i) => i.type === 'crash_loop'),
      30_000,
    );
    expect(opened).toMatchObject({ namespace: ns, target: DEP });
    const restart = await agentUntil(a, 'restart', () => allResults(a).find((r) => r.tool === 'restart_deployment'), 30_000);
    expect(restart).toMatchObject({ ok: true, arguments: { namespace: ns, deployment: DEP } });

    const resolved = await agentUntil(
      a,
      'incident resolved',
      () => a.cycles.flatMap((c) => c.incidents?.resolved ?? []).find((i) => i.id === opened.id),
      60_000,
    );
    expect(resolved.mttrSeconds).toBeGreaterThan(0);
    const done = await waitRolledOut(k, ns, DEP, 3);
    expect(done.status?.readyReplicas).toBe(3);
    const pods = (await k.core.listNamespacedPod({ namespace: ns, labelSelector: `app=${DEP}` })).items.filter((p) => !p.metadata?.deletionTimestamp);
    expect(pods.map((p) => p.metadata!.name)).not.toContain(victim!.metadata!.name);
    expect(pods.every(isReady)).toBe(true);

    const stored = a.runtime.deps.store.incidents.get(opened.id)!;
    expect(stored).toMatchObject({ outcome: 'resolved', type: 'crash_loop' });
    expect(stored.acknowledgedAt).not.toBeNull();
    expect(stored.resolvedAt).not.toBeNull();
    expect(a.runtime.deps.store.audit.list({ tool: 'restart_deployment' })).toMatchObject([{ caller: 'agent', ok: true, dryRun: false }]);
    // One restart healed it: no storm.
    expect(allResults(a)).toHaveLength(1);
  }, 150_000);

  it('every pod crash-loops on several nodes with no change: escalated at once with evidence, never restarted', async () => {
    const ns = await namespaceWith('e2e-agent-shared', 3);
    const a = await agentIn(ns);
    await baseline(a);
    const pods = await readyPods(k, ns, DEP);
    const nodes = new Set(pods.map((p) => p.spec?.nodeName));
    expect(nodes.size, `pods on ${[...nodes].join(', ')}: the scheduler should spread 3 replicas over the kwok nodes`).toBeGreaterThan(1);
    for (const p of pods) {
      await k.core.patchNamespacedPod({
        namespace: ns,
        name: p.metadata!.name!,
        body: [{ op: 'add', path: '/metadata/annotations/sentinelops.dev~1fault', value: 'crashloop' }],
      });
    }
    const escalation = await agentUntil(
      a,
      'shared-cause escalation',
      () => a.cycles.flatMap((c) => c.decisions).find((d) => d.reason === 'CrashLoopSharedCause'),
      60_000,
    );
    expect(escalation.message).toMatch(/all 3 pods crash on \d nodes and nothing changed/);
    // Several more looks: still no restart, no pod deleted — the same pods keep crash-looping, with a human.
    const seen = a.cycles.length;
    await agentUntil(a, 'five more cycles', () => a.cycles.length >= seen + 5, 30_000);
    expect(allResults(a).filter((r) => r.tool === 'restart_deployment' || r.tool === 'delete_pod')).toEqual([]);
    const names = (await k.core.listNamespacedPod({ namespace: ns, labelSelector: `app=${DEP}` })).items.map((p) => p.metadata!.name).sort();
    expect(names).toEqual(pods.map((p) => p.metadata!.name).sort());
    const incident = a.runtime.deps.store.incidents.list({ namespace: ns, type: 'crash_loop' })[0];
    expect(incident).toMatchObject({ outcome: 'escalated', target: DEP });
  }, 150_000);

  it('bad rollout → rolled back: an image that cannot be pulled is undone, the previous image serves, incident resolved', async () => {
    const ns = await namespaceWith('e2e-agent-rollout', 3);
    const a = await agentIn(ns);
    await baseline(a);

    await setImage(ns, 'nginx:does-not-exist');
    const rollback = await agentUntil(a, 'rollback', () => allResults(a).find((r) => r.tool === 'rollback_deployment'), 45_000);
    expect(rollback).toMatchObject({ ok: true, arguments: { namespace: ns, deployment: DEP, toRevision: 1 } });
    expect(imageOf(await deployment(ns))).toBe(GOOD_IMAGE);

    const done = await waitRolledOut(k, ns, DEP, 3);
    expect(imageOf(done)).toBe(GOOD_IMAGE);
    const pods = await readyPods(k, ns, DEP);
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.spec?.containers[0]?.image === GOOD_IMAGE)).toBe(true);

    const resolved = await agentUntil(
      a,
      'incident resolved',
      () => a.cycles.flatMap((c) => c.incidents?.resolved ?? []).find((i) => i.type === 'image_pull_error' || i.type === 'bad_rollout'),
      60_000,
    );
    expect(resolved.mttrSeconds).toBeGreaterThan(0);
    expect(a.runtime.deps.store.incidents.get(resolved.id)).toMatchObject({ outcome: 'resolved' });
    expect(a.runtime.deps.store.audit.list({ tool: 'rollback_deployment' })).toMatchObject([{ caller: 'agent', ok: true, dryRun: false }]);
  }, 150_000);

  itWith(
    metricsServer,
    'scale up on high CPU, then down after the stabilization window when it drops',
    async () => {
      const ns = await namespaceWith('e2e-agent-scale', 2, '300m');
      const a = await agentIn(ns, { agent: { scaleDownStabilizationSeconds: 10 } });
      await baseline(a);
      const setUsage = async (cpu: string) => {
        for (const p of (await k.core.listNamespacedPod({ namespace: ns, labelSelector: `app=${DEP}` })).items) {
          await k.core.patchNamespacedPod({
            namespace: ns,
            name: p.metadata!.name!,
            body: [{ op: 'add', path: '/metadata/annotations/kwok.x-k8s.io~1usage-cpu', value: cpu }],
          });
        }
      };
      // 475m of a 500m request = 95 %, above the 80 % trigger: HPA arithmetic asks for ceil(2 × 95 / 80) = 3.
      await setUsage('475m');
      const up = await agentUntil(a, 'scale up', () => allResults(a).find((r) => r.tool === 'scale_deployment' && Number(r.arguments.replicas) > 2), 120_000);
      expect(up).toMatchObject({ ok: true, arguments: { namespace: ns, deployment: DEP } });
      const upTo = Number(up.arguments.replicas);
      expect((await deployment(ns)).spec?.replicas).toBe(upTo);
      await waitRolledOut(k, ns, DEP, upTo);

      // 20m of 500m = 4 %: desired falls to the configured minimum (2), but only once every recommendation in the
      // 10 s stabilization window is that low.
      await setUsage('20m');
      const down = await agentUntil(
        a,
        'scale down',
        () => allResults(a).find((r) => r.tool === 'scale_deployment' && Number(r.arguments.replicas) < upTo),
        120_000,
      );
      expect(down).toMatchObject({ ok: true, arguments: { namespace: ns, deployment: DEP, replicas: 2 } });
      const utilization = (c: CycleReport) => c.observation?.deployments.find((d) => d.key === `${ns}/${DEP}`)?.cpuUtilization;
      const downCycle = a.cycles.find((c) => c.results.includes(down))!;
      // At 60 % or more, ceil(3 × u / 80) is still 3: the last cycle that recommended keeping upTo replicas.
      const lastHigh = a.cycles.filter((c) => c.cycle < downCycle.cycle && (utilization(c) ?? 0) >= 60).at(-1)!;
      expect(lastHigh).toBeDefined();
      expect(downCycle.startedAt - lastHigh.startedAt).toBeGreaterThanOrEqual(10_000);
      await waitRolledOut(k, ns, DEP, 2);
      const scales = a.runtime.deps.store.audit.list({ tool: 'scale_deployment' });
      expect(scales.every((s) => s.caller === 'agent' && s.ok)).toBe(true);
      expect(scales).toHaveLength(2);
    },
    270_000,
  );

  it('two runners on one Lease: exactly one acts; when the leader dies the other takes over within the lease duration', async () => {
    // 6 s / 1 s: short enough for a quick takeover, long enough that a renewal slowed by a busy 2-core CI box
    // (the leader stops leading after 2/3 of the duration without one) does not make the leader flap.
    const LEASE_S = 6;
    const RENEW_S = 1;
    const ns = await namespaceWith('e2e-agent-leader', 3);
    const leaseName = `sentinelops-agent-${ns}`;
    const leaderElection = { enabled: true, leaseName, leaseNamespace: ns, leaseDurationSeconds: LEASE_S, renewSeconds: RENEW_S };
    const a = await agentIn(ns, { identity: 'runner-a', agent: { leaderElection } });
    const b = await agentIn(ns, { identity: 'runner-b', agent: { leaderElection } });
    const leads = (x: Agent) => x.agent.leader!.isLeader();
    const coordination = a.runtime.deps.cluster.kubeConfig.makeApiClient(CoordinationV1Api);
    const holder = async () => (await coordination.readNamespacedLease({ namespace: ns, name: leaseName })).spec;

    let both = 0;
    const probe = setInterval(() => {
      if (leads(a) && leads(b)) both++;
    }, 20);
    try {
      // a asked first, so a holds the lease; b keeps running cycles that skip.
      await agentUntil(a, 'runner-a leads', () => leads(a) && !leads(b), 10_000);
      expect(await holder()).toMatchObject({ holderIdentity: 'runner-a', leaseDurationSeconds: LEASE_S });
      await baseline(a);
      await agentUntil(b, 'runner-b runs (and skips) cycles', () => b.cycles.length >= 2, 20_000);

      await setImage(ns, 'nginx:does-not-exist');
      await agentUntil(a, 'the leader rolls back', () => allResults(a).find((r) => r.tool === 'rollback_deployment'), 45_000);
      expect(imageOf(await waitRolledOut(k, ns, DEP, 3))).toBe(GOOD_IMAGE);
      expect(a.runtime.deps.store.audit.list({ tool: 'rollback_deployment' })).toMatchObject([{ caller: 'agent', ok: true }]);
      // The follower thought about nothing and recorded nothing: not an action, not an incident.
      expect(b.cycles.every((c) => c.skipped !== undefined && c.results.length === 0 && c.findings.length === 0)).toBe(true);
      expect(b.runtime.deps.store.audit.list({})).toEqual([]);
      expect(b.runtime.deps.store.incidents.list({})).toEqual([]);
      expect(a.cycles.every((c) => c.skipped === undefined)).toBe(true);

      // The leader dies without giving the lease up: b must wait the lease out, then take it.
      const killedAt = Date.now();
      await a.agent.runner.stop();
      await a.agent.leader!.stop({ release: false });
      expect((await holder())?.holderIdentity).toBe('runner-a');
      await agentUntil(b, 'takeover', () => leads(b), 20_000);
      const tookMs = Date.now() - killedAt;
      // b first saw a's last renewal at most one renew period after it; it waits one whole duration from there.
      expect(tookMs).toBeLessThanOrEqual((LEASE_S + 2 * RENEW_S) * 1000 + 1000);
      expect(await holder()).toMatchObject({ holderIdentity: 'runner-b', leaseTransitions: 1 });

      // The new leader acts: a second bad rollout is rolled back by b; the dead a records nothing more.
      const aAudit = a.runtime.deps.store.audit.list({}).length;
      await setImage(ns, 'nginx:nonexistent-2');
      const second = await agentUntil(b, 'the new leader rolls back', () => allResults(b).find((r) => r.tool === 'rollback_deployment'), 45_000);
      expect(second).toMatchObject({ ok: true, arguments: { namespace: ns, deployment: DEP } });
      expect(imageOf(await waitRolledOut(k, ns, DEP, 3))).toBe(GOOD_IMAGE);
      expect(b.runtime.deps.store.audit.list({ tool: 'rollback_deployment' })).toMatchObject([{ caller: 'agent', ok: true }]);
      expect(a.runtime.deps.store.audit.list({}).length).toBe(aAudit);
    } finally {
      clearInterval(probe);
    }
    expect(both).toBe(0);
  }, 150_000);
});
