/**
 * helm and kubectl for the chart suites: the binaries test/cluster/build.sh puts in the cache (or
 * SENTINELOPS_HELM / SENTINELOPS_KUBECTL) as prerequisites, and the values of each profile.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { programPrerequisite } from '../helpers/prerequisite.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHART = join(ROOT, 'deploy/helm/sentinelops');

function pinned(name: string): string {
  const m = readFileSync(join(ROOT, 'test/cluster/versions.sh'), 'utf8').match(new RegExp(`^${name}=(\\S+)$`, 'm'));
  if (!m) throw new Error(`test/cluster/versions.sh has no ${name}`);
  return m[1]!;
}

const CACHE = process.env.SENTINELOPS_CACHE ?? join(homedir(), '.cache/sentinelops');
export const HELM = process.env.SENTINELOPS_HELM ?? join(CACHE, `helm-${pinned('HELM_VERSION')}`, 'bin/helm');
export const KUBECTL = process.env.SENTINELOPS_KUBECTL ?? join(CACHE, `k8s-${pinned('K8S_VERSION')}`, 'bin/kubectl');
export const KUBECONFIG = process.env.SENTINELOPS_E2E_KUBECONFIG;

/** helm and kubectl as test/cluster/build.sh builds them (the chart suites' prerequisites, test/helpers/prerequisite.ts). */
export const helmBuilt = programPrerequisite('helm', HELM, 'bash test/cluster/build.sh helm (or set SENTINELOPS_HELM)');
export const kubectlBuilt = programPrerequisite('kubectl', KUBECTL, 'bash test/cluster/build.sh k8s (or set SENTINELOPS_KUBECTL)');

/** The profiles and modes the suites render, lint and install; each a set of chart values. */
export const VARIANTS: Record<string, Record<string, unknown>> = {
  default: {},
  'read-only': { readOnly: true },
  agent: { mode: 'agent', replicas: 2, store: { persistence: { enabled: false } } },
  both: { mode: 'both' },
  chaos: { chaos: { enabled: true, allowedNamespaces: ['chaos-a'] } },
  narrowed: { namespaces: { allowed: ['team-a', 'team-b'] }, mode: 'both', chaos: { enabled: true, allowedNamespaces: ['team-a'] } },
  'service-monitor': { serviceMonitor: { enabled: true } },
};

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export function valuesFile(values: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-values-'));
  const file = join(dir, 'values.json');
  writeFileSync(file, JSON.stringify(values));
  return file;
}

export function helm(args: string[], opts: { input?: string } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(HELM, args, {
    cwd: ROOT,
    encoding: 'utf8',
    input: opts.input,
    env: {
      ...process.env,
      HELM_CACHE_HOME: join(tmpdir(), 'sentinelops-helm-cache'),
      HELM_CONFIG_HOME: join(tmpdir(), 'sentinelops-helm-config'),
      HELM_DATA_HOME: join(tmpdir(), 'sentinelops-helm-data'),
    },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` of the chart with these values; throws with helm's message when rendering fails. */
export function render(values: Record<string, unknown>, release = 'sentinelops', namespace = 'sentinelops'): string {
  const r = helm(['template', release, CHART, '--namespace', namespace, '-f', valuesFile(values)]);
  if (r.code !== 0) throw new Error(`helm template failed: ${r.stderr.trim()}`);
  return r.stdout;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export function kubectl(args: string[], input?: string): string {
  if (!KUBECONFIG) throw new Error('no SENTINELOPS_E2E_KUBECONFIG');
  return execFileSync(KUBECTL, ['--kubeconfig', KUBECONFIG, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}
