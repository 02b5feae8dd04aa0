/**
 * The image recipe: the runtime stage runs the CLI as the same numeric non-root user the chart's
 * securityContext declares, with production dependencies only; and, where a container engine answers and
 * SENTINELOPS_IMAGE_BUILD=1 (the build needs the npm registry), `docker build` itself. Without an engine the
 * build is skipped with its reason printed (CI machines have none; the chart takes any image reference).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CHART, ROOT } from './helpers.js';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages.at(-1)!;

function engineSkipReason(): string | undefined {
  if (process.env.SENTINELOPS_IMAGE_BUILD !== '1') return 'SENTINELOPS_IMAGE_BUILD is not 1 (the build downloads npm packages)';
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.status !== 0) return `no container engine answers (docker info: ${(info.stderr || String(info.error)).trim().split('\n')[0]})`;
  return undefined;
}
const skipBuild = engineSkipReason();
if (skipBuild) process.stderr.write(`image build skipped: ${skipBuild}\n`);

describe('Dockerfile', () => {
  it('is multi-stage: dev dependencies build, production dependencies run', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/npm ci/);
    expect(stages[0]).toMatch(/npm prune --omit=dev/);
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(runtime).toMatch(/COPY --from=build \/app\/node_modules/);
  });

  it("runs node directly on the CLI as the numeric user the chart's securityContext expects", () => {
    const user = runtime.match(/^USER (\d+)(?::(\d+))?$/m);
    expect(user, 'the runtime stage needs a numeric USER (runAsNonRoot can only verify a number)').not.toBeNull();
    const values = parseYaml(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { podSecurityContext: { runAsUser: number; runAsGroup: number } };
    expect(Number(user![1])).toBe(values.podSecurityContext.runAsUser);
    expect(Number(user![1])).toBeGreaterThan(0);
    expect(Number(user![2])).toBe(values.podSecurityContext.runAsGroup);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "dist\/src\/cli\.js"\]$/m);
  });

  it.skipIf(skipBuild)(
    'docker build succeeds and the image answers --help as a non-root user',
    () => {
      const tag = 'sentinelops-mcp:test';
      const build = spawnSync('docker', ['build', '-t', tag, ROOT], { encoding: 'utf8' });
      expect(build.status, build.stderr).toBe(0);
      const id = spawnSync('docker', ['run', '--rm', '--entrypoint', 'id', tag, '-u'], { encoding: 'utf8' });
      expect(id.stdout.trim()).toBe('1000');
      const help = spawnSync('docker', ['run', '--rm', tag, '--help'], { encoding: 'utf8' });
      expect(help.stdout + help.stderr).toMatch(/sentinelops-mcp/);
    },
    900_000,
  );
});
