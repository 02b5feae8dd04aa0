import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { demoObjects, startSimulator, type Simulator } from '../../src/sim/cluster.js';
import { R } from '../../src/sim/resources.js';

async function scripted(seed: number): Promise<string> {
  const sim = await startSimulator({ clock: new VirtualClock(), serve: false, seed, demo: true });
  try {
    await sim.ready();
    sim.faults.inject({ fault: 'crash-pod', deployment: 'demo/nginx-demo', count: 2 });
    sim.faults.inject({ fault: 'memory-leak', deployment: 'demo/nginx-demo', mibPerMinute: 50 });
    await sim.step(60_000);
    sim.faults.inject({ fault: 'bad-image-rollout', deployment: 'demo/nginx-demo' });
    sim.faults.inject({ fault: 'node-down', node: 'node-2', durationSeconds: 120 });
    for (let i = 0; i < 60; i++) await sim.step(10_000);
    return sim.dump();
  } finally {
    await sim.stop();
  }
}

describe('startSimulator', () => {
  it('is deterministic: the same seed and steps give byte-identical objects; another seed differs', async () => {
    const a = await scripted(9);
    const b = await scripted(9);
    expect(a.length).toBeGreaterThan(10_000);
    expect(a).toBe(b);
    expect(await scripted(10)).not.toBe(a);
  });

  it('creates the same demo objects as demo/nginx-deploy.yaml', async () => {
    const docs = parseAllDocuments(await readFile(new URL('../../demo/nginx-deploy.yaml', import.meta.url), 'utf8')).map((d) => d.toJS());
    expect(docs).toEqual(demoObjects().map((o) => o.obj));
  });

  it('serves the cluster over HTTP to client-node and fetch: pods, faults, metrics, logs', async () => {
    const clock = new VirtualClock();
    const sim: Simulator = await startSimulator({ clock, seed: 4, demo: true });
    try {
      await sim.ready();
      // metrics-server needs two scrapes (15 s apart) before a pod has a CPU rate.
      await sim.step(35_000);
      const kc = new k8s.KubeConfig();
      kc.loadFromString(sim.kubeconfigYaml());
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const list = await core.listNamespacedPod({ namespace: 'demo' });
      expect(list.items).toHaveLength(3);
      expect(list.items.every((p) => p.status?.phase === 'Running')).toBe(true);
      const victim = list.items[0]!.metadata!.name!;
      const podMetrics = (await (await fetch(`${sim.url}/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods`)).json()) as { items: unknown[] };
      expect(podMetrics.items).toHaveLength(3);

      const post = await fetch(`${sim.url}/sim/v1/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault: 'crashloop', deployment: 'demo/nginx-demo', durationSeconds: 600 }),
      });
      expect(post.status).toBe(201);
      const fault = (await post.json()) as { id: string; fault: string };
      expect(fault.fault).toBe('crashloop');
      const listed = (await (await fetch(`${sim.url}/sim/v1/faults`)).json()) as { items: { id: string }[] };
      expect(listed.items.map((f) => f.id)).toEqual([fault.id]);
      const bad = await fetch(`${sim.url}/sim/v1/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault: 'load', deployment: 'demo/nginx-demo', millicores: -5 }),
      });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { kind: string }).kind).toBe('Status');

      await sim.step(30_000);
      const pod = await core.readNamespacedPod({ namespace: 'demo', name: victim });
      expect(pod.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(0);
      const prev = await core.readNamespacedPodLog({ namespace: 'demo', name: victim, previous: true });
      expect(prev).toContain('exited unexpectedly');
      expect((await fetch(`${sim.url}/sim/v1/faults/${fault.id}`, { method: 'DELETE' })).status).toBe(200);

      const metrics = await fetch(`${sim.url}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain('kube_deployment_spec_replicas{namespace="demo",deployment="nginx-demo"} 3');
      expect(sim.store.count(R.nodes)).toBe(3);
    } finally {
      await sim.stop();
    }
  });

  it('`sentinelops-mcp sim` writes a kubeconfig, serves the demo and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-cli-'));
    const kubeconfig = join(dir, 'kc.yaml');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sim', '--kubeconfig', kubeconfig, '--seed', '3'], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no banner: ${stderr}`)), 20_000);
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes('Ctrl+C to stop.')) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      expect(stderr).toContain(`kubeconfig: ${kubeconfig}`);
      expect(stderr).toContain(`kubectl --kubeconfig ${kubeconfig} get pods -n demo`);
      const server = /server: (\S+)/.exec(await readFile(kubeconfig, 'utf8'))![1]!;
      const pods = (await (await fetch(`${server}/api/v1/namespaces/demo/pods`)).json()) as { items: unknown[] };
      expect(pods.items).toHaveLength(3);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('stopped');
      expect(stdout).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
