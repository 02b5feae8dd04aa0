/**
 * Two real agents (the CLI `agent`, child processes) on one Lease with store.backend=kubernetes, against the
 * simulator over HTTP. A bad image rollout makes the leader decide a rollback; SENTINELOPS_TEST_KILL_AT=intent makes
 * it SIGKILL itself right after recording the intent. The standby takes the Lease once it expires, reconciles the
 * intent from the cluster, continues the same incident, rolls back once (not twice inside the cooldown) and
 * resolves it once. Rounds: SENTINELOPS_HA_AGENT_ROUNDS (default 1; each costs about a minute).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/base/clock.js';
import { KubeStateBackend } from '../../src/kube-store/backend.js';
import { installCrds } from '../../src/kube-store/index.js';
import { type Simulator, startSimulator } from '../../src/sim/cluster.js';
import { R } from '../../src/sim/resources.js';
import { CLI, ROOT } from '../cli/run-cli.js';
import { until } from '../agent-runner/helpers.js';

const ROUNDS = Number(process.env.SENTINELOPS_HA_AGENT_ROUNDS ?? 1);
const NS = 'sentinelops';
const LEASE_SECONDS = 4;

let sim: Simulator;
let kubeconfig: string;
let reader: KubeStateBackend;
beforeAll(async () => {
  sim = await startSimulator({ demo: true, seed: 7, clock: new RealClock() });
  await sim.ready({ timeoutMs: 30_000 });
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-ha-agents-'));
  kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(kubeconfig, sim.kubeconfigYaml());
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfigYaml());
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  await installCrds(kc);
  reader = new KubeStateBackend({ kc, namespace: NS, cluster: kc.getCurrentContext(), now: () => Date.now(), watch: false });
}, 60_000);
afterAll(async () => {
  reader?.close();
  await sim?.stop();
});

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

const image = () => sim.store.get(R.deployments, 'demo', 'nginx-demo')?.spec?.template?.spec?.containers?.[0]?.image;

describe('two agents on one Lease with the kubernetes store; the leader SIGKILLed after its intent', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: the standby takes over, reconciles, rolls back once, resolves the same incident once`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sentinelops-ha-agents-'));
      const config = (name: string) => {
        const path = join(dir, `${name}.json`);
        writeFileSync(
          path,
          JSON.stringify({
            cluster: { mode: 'kubeconfig', kubeconfig },
            store: { path: join(dir, `${name}.db`), backend: 'kubernetes', namespace: NS },
            log: { level: process.env.KILL_TEST_LOG ?? 'silent' },
            agent: {
              intervalSeconds: 1,
              namespaces: ['demo'],
              leaderElection: { enabled: true, leaseNamespace: NS, leaseDurationSeconds: LEASE_SECONDS, renewSeconds: 1 },
            },
            safety: { minReplicas: 3, cooldownSeconds: 600 },
          }),
        );
        return path;
      };
      await until(
        () => image() === 'nginx:1.27' && (sim.store.get(R.deployments, 'demo', 'nginx-demo')?.status?.readyReplicas ?? 0) >= 3,
        60_000,
        'healthy start',
      );
      const before = new Set((await reader.incidents.list()).map((i) => i.id));
      const first = agent(config('a'), `a-${round}`, 'intent');
      await until(
        () =>
          (sim.store.list(R.leases, { namespace: NS }).items as { spec?: { holderIdentity?: string } }[]).some((l) => l.spec?.holderIdentity === `a-${round}`),
        60_000,
        'the first agent leads',
      );
      const second = agent(config('b'), `b-${round}`);
      sim.faults.inject({ fault: 'bad-image-rollout', deployment: 'demo/nginx-demo' });
      const dead = await Promise.race([
        first.exited,
        new Promise<never>((_, r) => setTimeout(() => r(new Error(`the leader did not reach the kill point; image ${image()}`)), 90_000)),
      ]);
      expect(dead.signal, dead.stderr).toBe('SIGKILL');
      const killedAt = Date.now();
      const left = (await reader.incidents.list({ type: 'image_pull_error' })).filter((i) => !before.has(i.id));
      expect(left).toHaveLength(1);
      const intent = left[0]!.timeline!.find((t) => t.kind === 'intent')!;
      expect(intent).toMatchObject({ tool: 'rollback_deployment', state: 'pending' });
      try {
        await until(async () => (await reader.incidents.get(left[0]!.id))?.outcome === 'resolved', 90_000, 'the incident resolved by the standby');
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
      const inc = (await reader.incidents.get(left[0]!.id))!;
      const reconciled = inc.timeline!.find((t) => t.entry === intent.entry)!;
      expect(reconciled.state).toBe('reconciled');
      expect(Date.parse(reconciled.settledAt!) - killedAt).toBeLessThan((LEASE_SECONDS + 10) * 1000);
      const all = (await reader.incidents.list({ namespace: 'demo', target: 'nginx-demo' })).filter((i) => !before.has(i.id));
      expect(
        all.filter((i) => i.type === 'image_pull_error').map((i) => i.id),
        'no duplicate incident',
      ).toEqual([inc.id]);
      expect(
        all.every((i) => i.outcome !== 'open'),
        'nothing left open',
      ).toBe(true);
      const rollbacks = (await reader.audit.list({ tool: 'rollback_deployment' })).filter(
        (a) => !a.dryRun && (a.ok || a.pending) && Date.parse(a.at) >= killedAt - 120_000,
      );
      expect(rollbacks, 'one rollback inside the cooldown').toHaveLength(1);
      expect(image()).toBe('nginx:1.27');
    }, 300_000);
  }
});
