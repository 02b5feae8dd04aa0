/**
 * Suites that need something from outside the repository (a real cluster, kubectl, Debian's prometheus,
 * alertmanager or chromium) declare it as a Prerequisite and register through describeWith / itWith:
 *   present               → the suite runs;
 *   missing under CI      → the suite fails with what is missing and how to provide it, so a lost environment
 *                           variable or package turns CI red instead of quietly green;
 *   missing elsewhere     → the suite is skipped, and one stderr line says why and how to run it.
 */
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

export interface Prerequisite {
  /** What the suite needs, e.g. "a real Kubernetes API". */
  need: string;
  /** Why it is not available here; undefined when it is. */
  missing: string | undefined;
  /** How to provide it. */
  provide: string;
}

/** CI services set CI=true; `.ci/run` runs under it. */
function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1)$/i.test(env.CI ?? '');
}

/** One line naming what is missing, why, and how to provide it. */
function describeMissing(p: Prerequisite): string {
  return `needs ${p.need}: ${p.missing}; ${p.provide}`;
}

type Mode = 'run' | 'fail' | 'skip';

function mode(p: Prerequisite, title: string): Mode {
  if (p.missing === undefined) return 'run';
  if (underCi()) return 'fail';
  console.warn(`[skip] ${title}: ${describeMissing(p)}`);
  return 'skip';
}

/** `describe(title, body)` for a suite that cannot run without `p`. */
export function describeWith(p: Prerequisite, title: string, body: () => void): void {
  const m = mode(p, title);
  if (m === 'run') describe(title, body);
  else if (m === 'fail') describe(title, () => it(`has its prerequisite: ${p.need}`, () => failMissing(p)));
  else describe.skip(title, body);
}

/** `it(title, fn, timeout)` for one test that needs `p` inside a suite that otherwise does not. */
export function itWith(p: Prerequisite, title: string, fn: () => Promise<void> | void, timeout?: number): void {
  const m = mode(p, title);
  if (m === 'run') it(title, fn, timeout);
  else if (m === 'fail') it(title, () => failMissing(p));
  else it.skip(title, fn, timeout);
}

function failMissing(p: Prerequisite): never {
  throw new Error(`CI=true and this suite ${describeMissing(p)}`);
}

/** Several needs as one: missing when any is, naming each that is. */
export function allOf(...ps: Prerequisite[]): Prerequisite {
  const absent = ps.filter((p) => p.missing !== undefined);
  return {
    need: ps.map((p) => p.need).join(' and '),
    missing: absent.length ? absent.map((p) => `${p.need}: ${p.missing}`).join('; ') : undefined,
    provide: absent.map((p) => p.provide).join('; '),
  };
}

/** A program installed at `path`. */
export function programPrerequisite(need: string, path: string, provide: string): Prerequisite {
  return { need, missing: existsSync(path) ? undefined : `${path} does not exist`, provide };
}

/** SENTINELOPS_E2E_KUBECONFIG names the kubeconfig of a real cluster (test/cluster/up.sh writes one). */
export const E2E_KUBECONFIG = process.env.SENTINELOPS_E2E_KUBECONFIG || undefined;

export const realCluster: Prerequisite = {
  need: 'a real Kubernetes API',
  missing: !E2E_KUBECONFIG
    ? 'SENTINELOPS_E2E_KUBECONFIG is unset'
    : existsSync(E2E_KUBECONFIG)
      ? undefined
      : `SENTINELOPS_E2E_KUBECONFIG names ${E2E_KUBECONFIG}, which does not exist`,
  provide: 'run `bash test/cluster/up.sh` and export SENTINELOPS_E2E_KUBECONFIG=/tmp/sentinelops-cluster/kubeconfig (or any cluster kubeconfig)',
};

/** test/cluster/up.sh runs metrics-server unless SENTINELOPS_METRICS_SERVER=0. */
export const metricsServer: Prerequisite = {
  need: 'metrics-server on the real cluster',
  missing: process.env.SENTINELOPS_METRICS_SERVER === '0' ? 'SENTINELOPS_METRICS_SERVER=0 (up.sh started the cluster without it)' : undefined,
  provide: 'unset SENTINELOPS_METRICS_SERVER (or set it to 1) before test/cluster/up.sh',
};
