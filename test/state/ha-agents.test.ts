/**
 * Two real agents (the CLI `agent`, child processes) on one Lease with store.backend=kubernetes, against the
 * simulator over HTTP and, when SENTINELOPS_E2E_KUBECONFIG names one, against the real control plane (kwok's
 * fault stage turns an image containing "does-not-exist" into ImagePullBackOff). A bad image rollout makes the
 * leader decide a rollback; SENTINELOPS_TEST_KILL_AT=intent makes it SIGKILL itself right after recording the
 * intent. The standby takes the Lease once it expires, reconciles the intent from the cluster, continues the same
 * incident, rolls back once (not twice inside the cooldown) and resolves it once. Rounds:
 * SENTINELOPS_HA_AGENT_ROUNDS (default 1; each costs about a minute).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/base/clock.js';
import { KubeStateBackend } from '../../src/kube-store/backend.js';
import { installCrds } from '../../src/kube-store/index.js';
import { type Simulator, startSimulator } from '../../src/sim/cluster.js';
import { CLI, ROOT } from '../cli/run-cli.js';
import { until } from '../agent-runner/helpers.js';
import { describeWith, E2E_KUBECONFIG, realCluster } from '../helpers/prerequisite.js';
import { nginxDeployment } from '../e2e/helpers.js';

const ROUNDS = Number(process.env.SENTINELOPS_HA_AGENT_ROUNDS ?? 1);
const LEASE_SECONDS = 4;
const GOOD_IMAGE = 'nginx:1.27';

/** One cluster the agents run against: where the workload, the Lease and the store objects are. */
interface World {
  kubeconfig: string;
  /** namespace of the Lease and the store's custom resources */
  agentNamespace: string;
  /** the watched namespace and its deployment */
  ns: string;
  dep: string;
  reader: KubeStateBackend;
}

const clients = (w: World) => {
  const kc = new KubeConfig();
  kc.loadFromFile(w.kubeconfig);
  return { apps: kc.makeApiClient(AppsV1Api), leases: kc.makeApiClient(CoordinationV1Api) };
};
const imageOf = async (w: World) =>
  (await clients(w).apps.readNamespacedDeployment({ namespace: w.ns, name: w.dep })).spec?.template?.spec?.containers?.[0]?.image;
const healthy = async (w: World) => {
  const d = await clients(w).apps.readNamespacedDeployment({ namespace: w.ns, name: w.dep });
  return d.spec?.template?.spec?.containers?.[0]?.image === GOOD_IMAGE && (d.status?.readyReplicas ?? 0) >= 3 && (d.status?.updatedReplicas ?? 0) >= 3;
};
const leads = async (w: World, identity: string) =>
  (await clients(w).leases.listNamespacedLease({ namespace: w.agentNamespace })).items.some((l) => l.spec?.holderIdentity === identity);
const breakRollout = (w: World) =>
  clients(w).apps.patchNamespacedDeployment({
    namespace: w.ns,
    name: w.dep,
    body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:does-not-exist' }],
  });

/** The store's namespace, the CRDs, and a reader of what the agents write. */
async function prepare(kubeconfig: string, agentNamespace: string): Promise<KubeStateBackend> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: agentNamespace } } })
    .catch((err: { code?: number }) => {
      if (err.code !== 409) throw err;
    });
  await installCrds(kc);
  return new KubeStateBackend({ kc, namespace: agentNamespace, cluster: kc.getCurrentContext(), now: () => Date.now(), watch: false });
}

function agent(
  config: string,
  identity: string,
  killAt?: 'intent',
): { child: ChildProcess; exited: Promise<{ signal: NodeJS.Signals | null; stderr: string }> } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SENTINELOPS_DB;
  if (killAt) env.SENTINELOPS_TEST_KILL_AT = killAt;
  else delete env.SENTINELOPS_TEST_KILL_AT;
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'agent', '--config', config, '--identity', identity, '--no-watch', '--quiet'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (process.env.KILL_TEST_LOG) process.stderr.write(`[${identity}] ${d.toString()}`);
  });
  return { child, exited: new Promise((resolve) => child.on('exit', (_code, signal) => resolve({ signal, stderr }))) };
}

async function runRound(w: World, round: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-ha-agents-'));
  const config = (name: string) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        cluster: { mode: 'kubeconfig', kubeconfig: w.kubeconfig },
        store: { path: join(dir, `${name}.db`), backend: 'kubernetes', namespace: w.agentNamespace },
        log: { level: process.env.KILL_TEST_LOG ?? 'silent' },
        agent: {
          intervalSeconds: 1,
          namespaces: [w.ns],
          leaderElection: { enabled: true, leaseNamespace: w.agentNamespace, leaseDurationSeconds: LEASE_SECONDS, renewSeconds: 1 },
        },
        safety: { minReplicas: 3, cooldownSeconds: 600 },
      }),
    );
    return path;
  };
  await until(() => healthy(w), 90_000, 'healthy start');
  const before = new Set((await w.reader.incidents.list()).map((i) => i.id));
  const first = agent(config('a'), `a-${round}`, 'intent');
  await until(() => leads(w, `a-${round}`), 60_000, 'the first agent leads');
  const second = agent(config('b'), `b-${round}`);
  await breakRollout(w);
  const dead = await Promise.race([
    first.exited,
    new Promise<never>((_, r) => setTimeout(() => r(new Error('the leader did not reach the kill point')), 90_000)),
  ]);
  expect(dead.signal, dead.stderr).toBe('SIGKILL');
  const killedAt = Date.now();
  const left = (await w.reader.incidents.list({ type: 'image_pull_error' })).filter((i) => !before.has(i.id));
  expect(left).toHaveLength(1);
  const intent = left[0]!.timeline!.find((t) => t.kind === 'intent')!;
  expect(intent).toMatchObject({ tool: 'rollback_deployment', state: 'pending' });
  try {
    await until(async () => (await w.reader.incidents.get(left[0]!.id))?.outcome === 'resolved', 90_000, 'the incident resolved by the standby');
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
  const inc = (await w.reader.incidents.get(left[0]!.id))!;
  const reconciled = inc.timeline!.find((t) => t.entry === intent.entry)!;
  expect(reconciled.state).toBe('reconciled');
  expect(Date.parse(reconciled.settledAt!) - killedAt).toBeLessThan((LEASE_SECONDS + 10) * 1000);
  const all = (await w.reader.incidents.list({ namespace: w.ns, target: w.dep })).filter((i) => !before.has(i.id));
  expect(
    all.filter((i) => i.type === 'image_pull_error').map((i) => i.id),
    'no duplicate incident',
  ).toEqual([inc.id]);
  expect(
    all.every((i) => i.outcome !== 'open'),
    'nothing left open',
  ).toBe(true);
  const rollbacks = (await w.reader.audit.list({ tool: 'rollback_deployment' })).filter(
    (a) => !a.dryRun && (a.ok || a.pending) && Date.parse(a.at) >= killedAt - 120_000,
  );
  expect(rollbacks, 'one rollback inside the cooldown').toHaveLength(1);
  expect(await imageOf(w)).toBe(GOOD_IMAGE);
}

describe('two agents on one Lease with the kubernetes store; the leader SIGKILLed after its intent (simulator)', () => {
  let sim: Simulator;
  let w: World;
  beforeAll(async () => {
    sim = await startSimulator({ demo: true, seed: 7, clock: new RealClock() });
    await sim.ready({ timeoutMs: 30_000 });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'sentinelops-ha-agents-')), 'kubeconfig.yaml');
    writeFileSync(kubeconfig, sim.kubeconfigYaml());
    w = { kubeconfig, agentNamespace: 'sentinelops', ns: 'demo', dep: 'nginx-demo', reader: await prepare(kubeconfig, 'sentinelops') };
  }, 60_000);
  afterAll(async () => {
    w?.reader.close();
    await sim?.stop();
  });
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: the standby takes over, reconciles, rolls back once, resolves the same incident once`, () => runRound(w, round), 300_000);
  }
});

describeWith(realCluster, 'two agents on one Lease with the kubernetes store; the leader SIGKILLed after its intent (real control plane)', () => {
  let w: World;
  beforeAll(async () => {
    const kubeconfig = E2E_KUBECONFIG as string;
    const suffix = Math.random().toString(16).slice(2, 8);
    const ns = `ha-agents-${suffix}`;
    const agentNamespace = `ha-agents-store-${suffix}`;
    const reader = await prepare(kubeconfig, agentNamespace);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: ns, body: nginxDeployment('web', 3) });
    w = { kubeconfig, agentNamespace, ns, dep: 'web', reader };
  }, 120_000);
  afterAll(async () => {
    w?.reader.close();
    if (!w) return;
    const kc = new KubeConfig();
    kc.loadFromFile(w.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    for (const name of [w.ns, w.agentNamespace]) await core.deleteNamespace({ name }).catch(() => {});
  });
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: the standby takes over, reconciles, rolls back once, resolves the same incident once`, () => runRound(w, round), 300_000);
  }
});
