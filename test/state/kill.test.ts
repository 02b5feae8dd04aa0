/**
 * Killing the agent at the worst moment loses nothing and repeats nothing. The real CLI `agent` runs as a child
 * process against the simulator over HTTP with one SQLite file; a bad image rollout makes it decide a rollback. The
 * test-only hook SENTINELOPS_TEST_KILL_AT makes it SIGKILL itself right after recording its intent (before the
 * tool call) or right after the tool call (before the outcome is settled). A second agent on the same file must
 * continue the same incident, settle the intent from what the cluster shows, not roll back twice, and resolve the
 * incident once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/base/clock.js';
import { type Simulator, startSimulator } from '../../src/sim/cluster.js';
import { R } from '../../src/sim/resources.js';
import { Store } from '../../src/store/index.js';
import { CLI, ROOT } from '../cli/run-cli.js';
import { until } from '../agent-runner/helpers.js';

/** Kill points tried, alternating intent/action; each round costs two agent starts and a heal (~60 s on a shared machine). */
const ROUNDS = Number(process.env.SENTINELOPS_KILL_ROUNDS ?? 2);

let sim: Simulator;
let kubeconfig: string;
beforeAll(async () => {
  sim = await startSimulator({ demo: true, seed: 5, clock: new RealClock() });
  await sim.ready({ timeoutMs: 30_000 });
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-kill-'));
  kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(kubeconfig, sim.kubeconfigYaml());
}, 60_000);
/** One line per passed round, summed up after the last (the README quotes it). */
const passed: { killAt: string; resumedMs: number }[] = [];
afterAll(async () => {
  await sim?.stop();
  const ms = passed.map((r) => r.resumedMs).sort((a, b) => a - b);
  console.log(
    `[kill sqlite] summary: ${passed.length}/${ROUNDS} rounds passed (intent ${passed.filter((r) => r.killAt === 'intent').length}, action ${passed.filter((r) => r.killAt === 'action').length}); ` +
      `duplicate incidents 0, left open 0, repeated rollbacks 0 in every passed round; restart to resolved median ${((ms[Math.floor(ms.length / 2)] ?? 0) / 1000).toFixed(1)} s, max ${((ms.at(-1) ?? 0) / 1000).toFixed(1)} s`,
  );
});

function agent(
  config: string,
  killAt?: 'intent' | 'action',
): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SENTINELOPS_DB;
  if (killAt) env.SENTINELOPS_TEST_KILL_AT = killAt;
  else delete env.SENTINELOPS_TEST_KILL_AT;
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'agent', '--config', config, '--no-watch', '--quiet'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

/** Reads the file the agent writes (WAL: a reader beside the writer). */
function read<T>(db: string, fn: (s: Store) => T): T {
  const s = Store.open(db, new RealClock());
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

const image = () => sim.store.get(R.deployments, 'demo', 'nginx-demo')?.spec?.template?.spec?.containers?.[0]?.image;

describe('an agent SIGKILLed between intent and result', () => {
  for (let round = 0; round < ROUNDS; round++) {
    const killAt = round % 2 === 0 ? 'intent' : 'action';
    it(`round ${round + 1}: killed after the ${killAt}; the next agent continues the same incident, reconciles, rolls back once, resolves once`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sentinelops-kill-'));
      const db = join(dir, 'sentinelops.db');
      const config = join(dir, 'config.json');
      writeFileSync(
        config,
        JSON.stringify({
          cluster: { mode: 'kubeconfig', kubeconfig },
          store: { path: db },
          log: { level: process.env.KILL_TEST_LOG ?? 'silent' },
          agent: { intervalSeconds: 1, namespaces: ['demo'], leaderElection: { enabled: false } },
          safety: { minReplicas: 3, cooldownSeconds: 600 },
        }),
      );
      await until(
        () => image() === 'nginx:1.27' && (sim.store.get(R.deployments, 'demo', 'nginx-demo')?.status?.readyReplicas ?? 0) >= 3,
        60_000,
        'healthy start',
      );
      sim.faults.inject({ fault: 'bad-image-rollout', deployment: 'demo/nginx-demo' });

      // First agent: dies at the kill point.
      const first = agent(config, killAt);
      const dead = await Promise.race([
        first.exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the first agent did not reach the kill point')), 90_000)),
      ]);
      expect(dead.signal, dead.stderr).toBe('SIGKILL');
      const left = read(db, (s) => s.incidents.list({ type: 'image_pull_error' }));
      expect(left).toHaveLength(1);
      const intent = left[0]!.timeline!.find((t) => t.kind === 'intent')!;
      expect(intent).toMatchObject({ tool: 'rollback_deployment', state: 'pending' });
      expect(image()).toBe(killAt === 'intent' ? 'nginx:does-not-exist' : 'nginx:1.27');

      // Second agent on the same file.
      const restartedAt = Date.now();
      const second = agent(config);
      try {
        await until(() => read(db, (s) => s.incidents.get(left[0]!.id)?.outcome === 'resolved'), 90_000, 'the incident resolved by the second agent');
      } catch (err) {
        const dump = read(db, (s) => ({ incidents: s.incidents.list({}), audit: s.audit.list({ limit: 20 }) }));
        second.child.kill('SIGTERM');
        const out = await second.exited;
        throw new Error(`${(err as Error).message}\nimage: ${image()}\nstore: ${JSON.stringify(dump, null, 1)}\nagent stderr: ${out.stderr.slice(-3000)}`);
      }
      second.child.kill('SIGTERM');
      await second.exited;
      const incidents = read(db, (s) => s.incidents.list({ namespace: 'demo', target: 'nginx-demo' }));
      const failures = incidents.filter((i) => i.type === 'image_pull_error');
      expect(
        failures.map((i) => i.id),
        'no duplicate incident',
      ).toEqual([left[0]!.id]);
      expect(
        incidents.every((i) => i.outcome !== 'open'),
        'nothing left open',
      ).toBe(true);
      const inc = failures[0]!;
      const reconciled = inc.timeline!.find((t) => t.entry === intent.entry)!;
      expect(reconciled.state).toBe('reconciled');
      expect(reconciled.ok).toBe(killAt === 'action');
      expect(JSON.stringify(reconciled.result)).toMatch(killAt === 'action' ? /happened/ : /did not happen/);
      // Exactly one rollback reached the cluster: no repeat inside the cooldown.
      const rollbacks = read(db, (s) => s.audit.list({ tool: 'rollback_deployment' }).filter((a) => !a.dryRun && (a.ok || a.pending)));
      expect(rollbacks).toHaveLength(1);
      expect(image()).toBe('nginx:1.27');
      // Resolved once: one resolution time, no second incident after it.
      expect(inc.resolvedAt).not.toBeNull();
      passed.push({ killAt, resumedMs: Date.parse(inc.resolvedAt!) - restartedAt });
      console.log(
        `[kill sqlite] round ${round + 1}: killed after the ${killAt}; incident ${inc.id} continued, intent reconciled ok=${reconciled.ok}, 1 rollback, resolved ${((Date.parse(inc.resolvedAt!) - restartedAt) / 1000).toFixed(1)} s after the restart`,
      );
    }, 240_000);
  }
});
