/**
 * Two real agents (the CLI `agent`, child processes) on one Lease with store.backend=kubernetes, against the
 * simulator over HTTP and, when SENTINELOPS_E2E_KUBECONFIG names one, against the real control plane (kwok's
 * fault stages: an image containing "does-not-exist" → ImagePullBackOff; the pod annotation
 * sentinelops.dev/fault=crashloop → CrashLoopBackOff; the simulator reads its own annotation and image tag).
 *
 * Every round gets a fresh namespace (its deployment `web`) and a fresh store namespace (the Lease, the
 * incidents, the audit, the agent state), so no round inherits another's cooldown or incident. Rounds alternate
 * the fault — a bad image rollout, a rollout whose pods crash-loop — and draw the kill point from a generator
 * seeded by SENTINELOPS_HA_AGENT_SEED:
 *   intent        the leader SIGKILLs itself right after recording its intent (SENTINELOPS_TEST_KILL_AT=intent)
 *   action        the leader SIGKILLs itself after the tool call, before settling it (=action)
 *   store-intent  the test watches the store and SIGKILLs the leader as soon as an intent shows there (lands
 *                 before the call, between call and settle, or after settle: where it landed is recorded)
 *   early         the test SIGKILLs the leader 0–3 s after the fault, usually before any intent exists
 * The standby must take the Lease within the lease duration (plus one renew period, client-go's rule), reconcile
 * a pending intent from the cluster, continue the same incident, make no second mutation inside the cooldown, and
 * resolve the incident once. Each round prints one line; the suite prints a summary over the rounds.
 * SENTINELOPS_HA_AGENT_ROUNDS (default 2: one of each fault; each round costs about a minute).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/base/clock.js';
import { Rng } from '../../src/base/random.js';
import { KubeStateBackend } from '../../src/kube-store/backend.js';
import { installCrds } from '../../src/kube-store/index.js';
import { type Simulator, startSimulator } from '../../src/sim/cluster.js';
import type { Incident } from '../../src/store/types.js';
import { CLI, ROOT } from '../cli/run-cli.js';
import { until } from '../agent-runner/helpers.js';
import { describeWith, E2E_KUBECONFIG, realCluster } from '../helpers/prerequisite.js';
import { nginxDeployment } from '../e2e/helpers.js';

const ROUNDS = Number(process.env.SENTINELOPS_HA_AGENT_ROUNDS ?? 2);
const SEED = Number(process.env.SENTINELOPS_HA_AGENT_SEED ?? 13);
const LEASE_SECONDS = 4;
const RENEW_SECONDS = 1;
const GOOD_IMAGE = 'nginx:1.27';
const DEP = 'web';
/** Starting the CLI under tsx takes seconds, and over a minute on a machine shared with other test runs. */
const BOOT_MS = 180_000;
/** kwok's crash stage (test/cluster/kwok/fault-stages.yaml) and the simulator's crashing revision. */
const CRASH_ANNOTATIONS = { 'sentinelops.dev/fault': 'crashloop', 'sim.sentinelops.io/crash-after-seconds': '2' };

const FAULTS = ['bad-image', 'crashing-rollout'] as const;
type Fault = (typeof FAULTS)[number];
const KILL_POINTS = ['intent', 'action', 'store-intent', 'early'] as const;
type KillPoint = (typeof KILL_POINTS)[number];
/** The cluster changes the agent can make (the audit also records log_incident and agent_state writes). */
const CLUSTER_MUTATIONS = new Set(['scale_deployment', 'restart_deployment', 'rollback_deployment', 'delete_pod']);
const FINDING: Record<Fault, string> = { 'bad-image': 'image_pull_error', 'crashing-rollout': 'crash_loop' };

/** What the store showed when the leader died. */
type Landed = 'before-incident' | 'incident-no-intent' | 'intent-pending' | 'intent-settled';

interface RoundResult {
  round: number;
  fault: Fault;
  kill: KillPoint;
  landed: Landed;
  takeoverMs: number;
  resolvedMs: number;
  incident: string;
  sameIncident: boolean;
  duplicates: number;
  openLeft: number;
  mutations: number;
  repeatedMutations: number;
  reconciled: boolean | null;
}

/** One cluster and what a round needs of it. */
interface Cluster {
  name: 'sim' | 'real';
  kubeconfig: string;
  kc: KubeConfig;
  prefix: string;
}

/** One round's world: the watched namespace (deployment `web`) and the store's namespace (Lease, CRs). */
interface World {
  cluster: Cluster;
  ns: string;
  storeNs: string;
  reader: KubeStateBackend;
}

const apps = (w: World) => w.cluster.kc.makeApiClient(AppsV1Api);
const deployment = (w: World) => apps(w).readNamespacedDeployment({ namespace: w.ns, name: DEP });
const healthy = async (w: World) => {
  const d = await deployment(w);
  const t = d.spec?.template;
  return (
    t?.spec?.containers?.[0]?.image === GOOD_IMAGE &&
    !Object.keys(CRASH_ANNOTATIONS).some((k) => t.metadata?.annotations?.[k] !== undefined) &&
    (d.status?.readyReplicas ?? 0) >= 3 &&
    (d.status?.updatedReplicas ?? 0) >= 3 &&
    (d.status?.unavailableReplicas ?? 0) === 0
  );
};
const holder = async (w: World) =>
  (await w.cluster.kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace: w.storeNs })).items[0]?.spec?.holderIdentity;

function injectFault(w: World, fault: Fault) {
  const body =
    fault === 'bad-image'
      ? [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:does-not-exist' }]
      : Object.entries(CRASH_ANNOTATIONS).map(([k, v]) => ({ op: 'add', path: `/spec/template/metadata/annotations/${k.replace('/', '~1')}`, value: v }));
  return apps(w).patchNamespacedDeployment({ namespace: w.ns, name: DEP, body });
}

async function createNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name } } })
    .catch((err: { code?: number }) => {
      if (err.code !== 409) throw err;
    });
}

/** A fresh namespace with a healthy deployment, a fresh store namespace, and a reader of what the agents write. */
async function freshWorld(c: Cluster, round: number): Promise<World> {
  const ns = `${c.prefix}-r${round + 1}`;
  const storeNs = `${ns}-state`;
  await createNamespace(c.kc, ns);
  await createNamespace(c.kc, storeNs);
  await c.kc.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: ns, body: nginxDeployment(DEP, 3) });
  const reader = new KubeStateBackend({ kc: c.kc, namespace: storeNs, cluster: c.kc.getCurrentContext(), now: () => Date.now(), watch: false });
  return { cluster: c, ns, storeNs, reader };
}

async function dropWorld(w: World): Promise<void> {
  w.reader.close();
  const core = w.cluster.kc.makeApiClient(CoreV1Api);
  for (const name of [w.ns, w.storeNs]) await core.deleteNamespace({ name }).catch(() => {});
}

function agent(config: string, identity: string, killAt?: 'intent' | 'action') {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SENTINELOPS_DB;
  if (killAt) env.SENTINELOPS_TEST_KILL_AT = killAt;
  else delete env.SENTINELOPS_TEST_KILL_AT;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CLI, 'agent', '--config', config, '--identity', identity, '--no-watch', '--quiet'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (process.env.KILL_TEST_LOG) process.stderr.write(`[${identity}] ${d.toString()}`);
  });
  const exited = new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('exit', (_code, signal) => resolve({ signal, stderr })));
  return {
    child,
    exited,
    stderr: () => stderr,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => (child.exitCode === null && child.signalCode === null && child.kill(signal), exited),
  };
}

const ofTarget = async (w: World, type: string) => (await w.reader.incidents.list({ namespace: w.ns, target: DEP })).filter((i) => i.type === type);
const intentOf = (i: Incident | undefined) => i?.timeline?.find((t) => t.kind === 'intent');

function landedFrom(i: Incident | undefined): Landed {
  const intent = intentOf(i);
  if (!i) return 'before-incident';
  if (!intent) return 'incident-no-intent';
  return intent.state === 'pending' ? 'intent-pending' : 'intent-settled';
}

async function runRound(c: Cluster, round: number, fault: Fault, kill: KillPoint, rng: Rng): Promise<RoundResult> {
  const w = await freshWorld(c, round);
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-ha-agents-'));
  const config = (name: string) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        cluster: { mode: 'kubeconfig', kubeconfig: c.kubeconfig },
        store: { path: join(dir, `${name}.db`), backend: 'kubernetes', namespace: w.storeNs },
        log: { level: process.env.KILL_TEST_LOG ?? (name === 'b' ? 'info' : 'silent') },
        agent: {
          intervalSeconds: 1,
          namespaces: [w.ns],
          leaderElection: { enabled: true, leaseNamespace: w.storeNs, leaseDurationSeconds: LEASE_SECONDS, renewSeconds: RENEW_SECONDS },
        },
        safety: { minReplicas: 3, cooldownSeconds: 600 },
      }),
    );
    return path;
  };
  const type = FINDING[fault];
  const [ida, idb] = [`a-${round + 1}`, `b-${round + 1}`];
  const first = agent(config('a'), ida, kill === 'intent' || kill === 'action' ? kill : undefined);
  let second: ReturnType<typeof agent> | undefined;
  try {
    await until(() => healthy(w), 120_000, 'healthy start');
    await until(async () => (await holder(w)) === ida, BOOT_MS, 'the first agent leads');
    second = agent(config('b'), idb);
    // A standby that is still booting (tsx on a busy machine) would make the takeover look slow: the fault comes
    // once it has read the Lease ('agent started' is logged after the elector's first attempt).
    const standby = second;
    await until(() => standby.stderr().includes('agent started'), BOOT_MS, 'the standby started');
    await injectFault(w, fault);
    const faultAt = Date.now();
    if (kill === 'store-intent') {
      await until(async () => intentOf((await ofTarget(w, type))[0]), 120_000, 'an intent in the store');
      await first.stop('SIGKILL');
    } else if (kill === 'early') {
      await new Promise((r) => setTimeout(r, rng.range(0, 3000)));
      await first.stop('SIGKILL');
    }
    const dead = await Promise.race([
      first.exited,
      new Promise<never>((_, r) => setTimeout(() => r(new Error('the leader did not reach the kill point')), 120_000)),
    ]);
    const killedAt = Date.now();
    expect(dead.signal, dead.stderr).toBe('SIGKILL');
    const atKill = (await ofTarget(w, type))[0];
    const landed = landedFrom(atKill);
    if (kill === 'intent' || kill === 'action') expect(landed).toBe('intent-pending');
    await until(async () => (await holder(w)) === idb, 60_000, 'the standby leads');
    const takeoverMs = Date.now() - killedAt;
    const resolved = await until(
      async () => (await ofTarget(w, type)).find((i) => i.outcome === 'resolved'),
      150_000,
      `the ${type} incident resolved by the standby`,
    );
    const resolvedMs = Date.now() - faultAt;
    // Whatever else the rollout opened (replicas unavailable) is closed by the standby too, not left without an owner.
    await until(async () => (await w.reader.incidents.list()).every((i) => i.outcome !== 'open'), 60_000, 'no incident left open').catch(() => undefined);
    await second.stop();
    const all = await w.reader.incidents.list();
    const same = all.filter((i) => i.type === type && i.namespace === w.ns && i.target === DEP);
    const mutations = (await w.reader.audit.list({})).filter((a) => CLUSTER_MUTATIONS.has(a.tool) && !a.dryRun && (a.ok || a.pending));
    const perKey = new Map<string, number>();
    for (const m of mutations) perKey.set(`${m.tool} ${m.target ?? ''}`, (perKey.get(`${m.tool} ${m.target ?? ''}`) ?? 0) + 1);
    const inc = (await w.reader.incidents.get(resolved.id))!;
    const before = intentOf(atKill);
    const after = before && inc.timeline!.find((t) => t.entry === before.entry);
    const result: RoundResult = {
      round: round + 1,
      fault,
      kill,
      landed,
      takeoverMs,
      resolvedMs,
      incident: inc.id,
      sameIncident: atKill === undefined || atKill.id === inc.id,
      duplicates: same.length - 1,
      openLeft: all.filter((i) => i.outcome === 'open').length,
      mutations: mutations.length,
      repeatedMutations: [...perKey.values()].reduce((n, k) => n + k - 1, 0),
      reconciled: landed === 'intent-pending' ? after?.state === 'reconciled' : null,
    };
    console.log(
      `[ha ${c.name}] round ${result.round}: ${fault}, kill=${kill} landed=${landed}, takeover ${(takeoverMs / 1000).toFixed(1)} s, ` +
        `resolved ${(resolvedMs / 1000).toFixed(1)} s after the fault, incident ${inc.id} same=${result.sameIncident}, ` +
        `duplicates=${result.duplicates} open=${result.openLeft} mutations=${result.mutations} repeated=${result.repeatedMutations} reconciled=${result.reconciled ?? '-'}` +
        (result.mutations > 1 ? ` ${JSON.stringify(mutations.map((m) => [m.tool, m.target, m.at, m.pending]))}` : ''),
    );
    expect(result.duplicates, 'no duplicate incident').toBe(0);
    expect(result.sameIncident, 'the same incident continued').toBe(true);
    expect(
      result.openLeft,
      `no incident left open without an owner: ${JSON.stringify(all.filter((i) => i.outcome === 'open').map((i) => ({ id: i.id, type: i.type, target: i.target, detectedAt: i.detectedAt, timeline: i.timeline?.map((t) => t.kind) })))}`,
    ).toBe(0);
    expect(result.repeatedMutations, 'no repeated mutation inside the cooldown').toBe(0);
    expect(
      mutations.filter((m) => m.tool === 'rollback_deployment'),
      'one rollback',
    ).toHaveLength(1);
    expect(takeoverMs, 'takeover within the lease duration (plus one renew period)').toBeLessThan((LEASE_SECONDS + RENEW_SECONDS + 1) * 1000);
    if (result.reconciled !== null) {
      expect(result.reconciled, 'the pending intent reconciled from the cluster').toBe(true);
      expect(Date.parse(after!.settledAt!) - killedAt).toBeLessThan((LEASE_SECONDS + 10) * 1000);
    }
    expect(inc.resolvedAt).not.toBeNull();
    await until(() => healthy(w), 60_000, 'healthy after the rollback');
    return result;
  } finally {
    await first.stop('SIGKILL');
    await second?.stop();
    await dropWorld(w);
  }
}

/** The figures over all rounds, one line (the README quotes it). */
function summary(name: string, results: RoundResult[], planned: number): string {
  const t = results.map((r) => r.takeoverMs).sort((a, b) => a - b);
  const s = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
  const count = (f: (r: RoundResult) => string) => {
    const n = new Map<string, number>();
    for (const r of results) n.set(f(r), (n.get(f(r)) ?? 0) + 1);
    return [...n].map(([k, v]) => `${k} ${v}`).join(', ');
  };
  const sum = (f: (r: RoundResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return (
    `[ha ${name}] summary: ${results.length}/${planned} rounds passed (seed ${SEED}); faults: ${count((r) => r.fault)}; ` +
    `kill points: ${count((r) => r.kill)}; landed: ${count((r) => r.landed)}; takeover min ${s(t[0])} median ${s(t[Math.floor(t.length / 2)])} max ${s(t.at(-1))}; ` +
    `duplicate incidents ${sum((r) => r.duplicates)}, left open ${sum((r) => r.openLeft)}, repeated mutations ${sum((r) => r.repeatedMutations)}, ` +
    `same incident continued ${results.filter((r) => r.sameIncident).length}/${results.length}, intents reconciled ${results.filter((r) => r.reconciled).length}/${results.filter((r) => r.reconciled !== null).length}`
  );
}

/** The same rounds on one cluster: fault alternating, kill point from the seeded generator. */
function rounds(name: Cluster['name'], cluster: () => Cluster) {
  const rng = new Rng(SEED);
  const plan = Array.from({ length: ROUNDS }, (_, i) => ({ fault: FAULTS[i % FAULTS.length]!, kill: rng.pick(KILL_POINTS)! }));
  const results: RoundResult[] = [];
  afterAll(() => {
    console.log(summary(name, results, plan.length));
  });
  plan.forEach(({ fault, kill }, round) => {
    it(`round ${round + 1}: ${fault}, leader killed at ${kill}; the standby takes over, reconciles, mutates once, resolves the same incident once`, async () => {
      try {
        results.push(await runRound(cluster(), round, fault, kill, rng));
      } catch (err) {
        // A failed round gets its line too, where it happens, not only in the report at the end of the run.
        console.log(`[ha ${name}] round ${round + 1}: ${fault}, kill=${kill}: FAILED ${(err as Error).message.split('\n')[0]}`);
        throw err;
      }
    }, 420_000);
  });
}

function clusterOf(name: Cluster['name'], kubeconfig: string): Cluster {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { name, kubeconfig, kc, prefix: `ha-${Math.random().toString(16).slice(2, 8)}` };
}

describe('two agents on one Lease with the kubernetes store; the leader SIGKILLed at a random point (simulator)', () => {
  let sim: Simulator;
  let c: Cluster | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ demo: true, seed: 7, clock: new RealClock() });
    await sim.ready({ timeoutMs: 30_000 });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'sentinelops-ha-agents-')), 'kubeconfig.yaml');
    writeFileSync(kubeconfig, sim.kubeconfigYaml());
    c = clusterOf('sim', kubeconfig);
    await installCrds(c.kc);
  }, 60_000);
  afterAll(async () => {
    await sim?.stop();
  });
  rounds('sim', () => c!);
});

describeWith(realCluster, 'two agents on one Lease with the kubernetes store; the leader SIGKILLed at a random point (real control plane)', () => {
  let c: Cluster | undefined;
  beforeAll(async () => {
    c = clusterOf('real', E2E_KUBECONFIG as string);
    await installCrds(c.kc);
  }, 120_000);
  rounds('real', () => c!);
});
