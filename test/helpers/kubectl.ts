/**
 * Which kubectl the kubectl suite drives: SENTINELOPS_KUBECTL when set (.ci/run exports the one
 * test/cluster/build.sh built), else that built one if it is in the cache, else a kubectl on PATH. The built
 * one comes first because it is what CI has: a fresh CI machine has no /usr/bin/kubectl.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Prerequisite } from './prerequisite.js';

const VERSIONS = join(import.meta.dirname, '../cluster/versions.sh');

/** The path test/cluster/build.sh builds kubectl to: $SENTINELOPS_CACHE/k8s-$K8S_VERSION/bin/kubectl. */
export function builtKubectl(env: NodeJS.ProcessEnv = process.env): string {
  const version = /^K8S_VERSION=(\S+)$/m.exec(readFileSync(VERSIONS, 'utf8'))?.[1];
  if (!version) throw new Error(`no K8S_VERSION= line in ${VERSIONS}`);
  const cache = env.SENTINELOPS_CACHE || join(env.HOME || homedir(), '.cache/sentinelops');
  return join(cache, `k8s-${version}`, 'bin', 'kubectl');
}

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'kubectl'))
    .find((p) => existsSync(p));
}

export function findKubectl(env: NodeJS.ProcessEnv = process.env): { path: string | undefined; prerequisite: Prerequisite } {
  const need = 'a kubectl binary';
  const provide = 'run `bash test/cluster/build.sh k8s` (builds it into ~/.cache/sentinelops) or set SENTINELOPS_KUBECTL to a kubectl';
  const chosen = env.SENTINELOPS_KUBECTL;
  if (chosen)
    return { path: chosen, prerequisite: { need, missing: existsSync(chosen) ? undefined : `SENTINELOPS_KUBECTL=${chosen} does not exist`, provide } };
  const built = builtKubectl(env);
  if (existsSync(built)) return { path: built, prerequisite: { need, missing: undefined, provide } };
  const fallback = onPath(env);
  return { path: fallback, prerequisite: { need, missing: fallback ? undefined : `neither ${built} nor a kubectl on PATH exists`, provide } };
}
