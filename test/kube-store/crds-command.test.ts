/**
 * `sentinelops-mcp crds install|print` on the real CLI against the simulator, and the shipped manifests
 * (deploy/crds, the Helm chart's crds/) being exactly what the code declares.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { staleCrdFiles } from '../../scripts/crds.js';
import { CRDS } from '../../src/kube-store/index.js';
import { R } from '../../src/sim/resources.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';
import { runCli } from '../cli/run-cli.js';

describe('sentinelops-mcp crds', () => {
  let sim: Simulator;
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5 });
    dir = mkdtempSync(join(tmpdir(), 'sentinelops-crds-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeconfigYaml());
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('install creates the CRDs, Established; a second install changes nothing', async () => {
    const dry = await runCli(['crds', 'install', '--kubeconfig', kubeconfig, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(sim.store.count(R.customresourcedefinitions)).toBe(0);

    const first = await runCli(['crds', 'install', '--kubeconfig', kubeconfig]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([
      'customresourcedefinition.apiextensions.k8s.io/incidents.sentinelops.dev created',
      'customresourcedefinition.apiextensions.k8s.io/auditrecords.sentinelops.dev created',
      'customresourcedefinition.apiextensions.k8s.io/agentstates.sentinelops.dev created',
      'customresourcedefinition.apiextensions.k8s.io/cooldowns.sentinelops.dev created',
    ]);
    for (const crd of sim.store.all(R.customresourcedefinitions))
      expect(crd.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));

    // The CRDs' own versions: the simulator's controllers write other objects meanwhile.
    const versions = () => sim.store.all(R.customresourcedefinitions).map((c) => c.metadata.resourceVersion);
    const rv = versions();
    const second = await runCli(['crds', 'install', '--kubeconfig', kubeconfig]);
    expect(second.code).toBe(0);
    expect(
      second.stdout
        .trim()
        .split('\n')
        .every((l) => l.endsWith(' unchanged')),
    ).toBe(true);
    expect(versions()).toEqual(rv);
  }, 60_000);

  it('install updates a CRD whose spec differs from the shipped one', async () => {
    sim.store.mutate(R.customresourcedefinitions, undefined, 'cooldowns.sentinelops.dev', (d) => {
      d.metadata.annotations = { ...d.metadata.annotations, 'sentinelops.dev/applied-spec-hash': 'old' };
    });
    const r = await runCli(['crds', 'install', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cooldowns.sentinelops.dev updated');
    expect(r.stdout).toContain('incidents.sentinelops.dev unchanged');
  }, 60_000);

  it('install on an unreachable cluster fails with the reason, exit 1', async () => {
    const bad = join(dir, 'bad-kubeconfig');
    writeFileSync(bad, sim.kubeconfigYaml().replace(/http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:9'));
    const r = await runCli(['crds', 'install', '--kubeconfig', bad, '--timeout', '5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the cluster/);
  }, 60_000);

  it('print writes the CRDs as YAML; bad actions exit 2', async () => {
    const r = await runCli(['crds', 'print']);
    expect(r.code).toBe(0);
    expect(parseAllDocuments(r.stdout).map((d) => d.toJSON())).toEqual(CRDS);
    const bad = await runCli(['crds', 'apply']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown action "apply"');
  }, 60_000);

  it('deploy/crds and the Helm chart crds/ are generated from the code (npx tsx scripts/crds.ts)', () => {
    expect(staleCrdFiles()).toEqual([]);
  });
});
