/**
 * The real kubectl binary against the simulator: every command the issue names, on the demo namespace with
 * nginx-demo, with the simulator's controllers doing the work. kubectl is the one test/cluster/build.sh builds
 * (SENTINELOPS_KUBECTL, exported by .ci/run), so CI runs this suite; elsewhere it skips with the reason.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';
import { findKubectl } from '../helpers/kubectl.js';
import { describeWith } from '../helpers/prerequisite.js';

const { path: KUBECTL, prerequisite } = findKubectl();
const run = promisify(execFile);

describeWith(prerequisite, `kubectl (${KUBECTL ?? 'none found'}) against the simulator`, () => {
  let sim: Simulator;
  let dir: string;
  let args: string[];

  const kubectl = async (...cmd: string[]): Promise<string> => {
    const { stdout } = await run(KUBECTL!, [...args, ...cmd], { timeout: 60_000 });
    return stdout;
  };

  async function until<T>(what: string, fn: () => Promise<T | false | undefined>, timeoutMs = 45_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== false && v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const podLines = async () =>
    (await kubectl('get', 'pods', '-n', 'demo', '--no-headers'))
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('nginx-demo-'))
      .map((l) => l.split(/\s+/));

  const replicaSets = async () =>
    (await kubectl('get', 'rs', '-n', 'demo', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.replicas}{"\\n"}{end}'))
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([name, replicas]) => ({ name: name!, replicas: Number(replicas) }));

  beforeAll(async () => {
    sim = await startSimulator({ demo: true, seed: 3 });
    dir = mkdtempSync(join(tmpdir(), 'sentinelops-kubectl-'));
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml());
    args = ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache')];
    await sim.ready({ timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('get pods -n demo and get deploy print the usual tables', async () => {
    const pods = await kubectl('get', 'pods', '-n', 'demo');
    expect(pods.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    const rows = await podLines();
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.slice(1, 3)).toEqual(['1/1', 'Running']);
    const deploy = await kubectl('get', 'deploy', '-n', 'demo');
    expect(deploy).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    expect(deploy).toMatch(/nginx-demo\s+3\/3\s+3\s+3\s+/);
  });

  it('scale deploy/nginx-demo --replicas=5 reaches 5 Ready', async () => {
    expect(await kubectl('scale', 'deploy/nginx-demo', '-n', 'demo', '--replicas=5')).toContain('deployment.apps/nginx-demo scaled');
    await until('5 ready replicas', async () => (await kubectl('get', 'deploy', 'nginx-demo', '-n', 'demo', '-o', 'jsonpath={.status.readyReplicas}')) === '5');
    expect((await podLines()).filter((r) => r[2] === 'Running')).toHaveLength(5);
  });

  it('delete pod: the pod goes and a replacement becomes Ready', async () => {
    const before = (await podLines()).map((r) => r[0]!);
    const victim = before[0]!;
    expect(await kubectl('delete', 'pod', victim, '-n', 'demo')).toContain(`pod "${victim}" deleted`);
    await until('a Ready replacement', async () => {
      const rows = await podLines();
      const names = rows.map((r) => r[0]);
      return !names.includes(victim) && rows.length === 5 && rows.every((r) => r[1] === '1/1');
    });
  });

  it('rollout restart makes a new ReplicaSet and replaces the old pods; rollout status waits for it', async () => {
    const before = await replicaSets();
    expect(await kubectl('rollout', 'restart', 'deploy/nginx-demo', '-n', 'demo')).toContain('restarted');
    expect(await kubectl('rollout', 'status', 'deploy/nginx-demo', '-n', 'demo', '--timeout=60s')).toContain('successfully rolled out');
    const after = await replicaSets();
    const fresh = after.filter((rs) => !before.some((b) => b.name === rs.name));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.replicas).toBe(5);
    await until('old pods gone', async () => {
      const rows = await podLines();
      return rows.length === 5 && rows.every((r) => r[0]!.startsWith(`${fresh[0]!.name}-`));
    });
  });

  it('rollout undo returns to the previous ReplicaSet', async () => {
    const template = () => kubectl('get', 'deploy', 'nginx-demo', '-n', 'demo', '-o', 'jsonpath={.spec.template.metadata.annotations}');
    expect(await template()).toContain('restartedAt');
    const before = await replicaSets();
    expect(await kubectl('rollout', 'undo', 'deploy/nginx-demo', '-n', 'demo')).toContain('rolled back');
    expect(await kubectl('rollout', 'status', 'deploy/nginx-demo', '-n', 'demo', '--timeout=60s')).toContain('successfully rolled out');
    expect(await template()).not.toContain('restartedAt');
    const after = await replicaSets();
    expect(after.map((r) => r.name).sort()).toEqual(before.map((r) => r.name).sort()); // reused, none new
    expect(after.filter((r) => r.replicas === 5)).toHaveLength(1);
  });

  it('top pods, logs and describe pod', async () => {
    const top = await until('pod metrics', async () => {
      const out = await kubectl('top', 'pods', '-n', 'demo').catch(() => '');
      return /nginx-demo-\S+\s+\d+m\s+\d+Mi/.test(out) && out;
    });
    expect(top.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    // A Running, ready pod: the rollout undo before this test may still be terminating the old ones.
    const pod = (await podLines()).find((r) => r[1] === '1/1' && r[2] === 'Running')![0]!;
    // A fresh pod's simulated nginx log starts with the image's entrypoint banner.
    expect(await kubectl('logs', pod, '-n', 'demo')).toMatch(/^\/docker-entrypoint\.sh: .*\n(.*\n)*\S+ \S+ \[notice\] 1#1: start worker processes\n/);
    const describe = await kubectl('describe', 'pod', pod, '-n', 'demo');
    expect(describe).toMatch(new RegExp(`^Name:\\s+${pod}$`, 'm'));
    expect(describe).toMatch(/^Status:\s+Running$/m);
    expect(describe).toMatch(/Normal\s+Scheduled\s+.*default-scheduler/);
  });

  it('get pods -w prints the table, then a line per change', async () => {
    const child = spawn(KUBECTL!, [...args, 'get', 'pods', '-n', 'demo', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until('initial rows', async () => out.split('\n').filter((l) => l.startsWith('nginx-demo-')).length >= 5, 15_000);
      const initial = out.split('\n').filter((l) => l.startsWith('nginx-demo-')).length;
      expect(out.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS/);
      const victim = out
        .split('\n')
        .find((l) => /^nginx-demo-\S+\s+1\/1\s+Running\s/.test(l))!
        .split(/\s+/)[0]!;
      await kubectl('delete', 'pod', victim, '-n', 'demo', '--wait=false');
      await until('watch lines for the deletion', async () => out.split('\n').filter((l) => l.startsWith('nginx-demo-')).length > initial + 1, 15_000);
      expect(out).toMatch(new RegExp(`${victim}\\s+\\S+\\s+Terminating`));
    } finally {
      child.kill();
    }
  });
});
