/**
 * What the real CLI says about the cluster: `agent --once` on an unreachable cluster names the kubeconfig and
 * context and exits 1; no kubeconfig at all is an error pointing at --cluster sim (never http://localhost:8080);
 * `serve --cluster sim` writes a kubeconfig and says where; a stdio client that leaves at once is no cluster error.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'sentinelops-cli-'));

/** A kubeconfig whose only context points at a closed port (9, discard). */
function deadKubeconfig(dir: string): string {
  const path = join(dir, 'dead.yaml');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]',
      'users: [{name: u, user: {}}]',
      'contexts: [{name: dead-context, context: {cluster: c, user: u}}]',
      'current-context: dead-context',
    ].join('\n'),
  );
  return path;
}

describe('cluster errors on the CLI', () => {
  it('agent --once on an unreachable cluster: says so, names kubeconfig and context, exits 1', async () => {
    const dir = tmp();
    const kubeconfig = deadKubeconfig(dir);
    const r = await runCli(['agent', '--once', '--kubeconfig', kubeconfig, '--db', join(dir, 'a.db'), '--log-level', 'silent']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the cluster is unreachable: http://127.0.0.1:9');
    expect(r.stderr).toContain(`kubeconfig ${kubeconfig}, context dead-context`);
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).toContain('--cluster sim');
    expect(r.stderr).not.toContain('not the leader');
  });

  it('agent --once with no kubeconfig anywhere: an error with the next step, exit 1', async () => {
    const home = tmp();
    const r = await runCli(['agent', '--once', '--db', join(home, 'a.db'), '--log-level', 'silent'], {
      env: { HOME: home, KUBECONFIG: undefined, SENTINELOPS_KUBECONFIG: undefined },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no kubeconfig found (looked for ${join(home, '.kube', 'config')})`);
    expect(r.stderr).toContain('--cluster sim');
    expect(r.stderr).not.toContain('localhost:8080');
  });

  it('serve --cluster sim writes the kubeconfig beside the store and says where; an immediate EOF is no cluster error', async () => {
    const dir = tmp();
    // stdin is /dev/null: the client "leaves" at once, while the first replica sample is in flight.
    const r = await runCli(['--cluster', 'sim', '--db', join(dir, 'x.db')], { stdin: 'ignore' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const kubeconfig = join(dir, 'sim-kubeconfig.yaml');
    expect(existsSync(kubeconfig)).toBe(true);
    expect(readFileSync(kubeconfig, 'utf8')).toMatch(/server: http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).toContain(`kubectl --kubeconfig ${kubeconfig} get pods -n demo`);
    expect(r.stderr).not.toContain('cannot reach the Kubernetes API');
    expect(r.stderr).not.toContain('"level":40');
  });
});
