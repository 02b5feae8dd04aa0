/**
 * Issue 19 item 7: an API server that accepts connections and never answers. Every Kubernetes call is
 * bounded by cluster.requestTimeoutSeconds and says so; a kubeconfig server URL's credentials never
 * show in cluster_health.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { silentLogger } from '../../src/base/log.js';
import { parseConfig } from '../../src/config/load.js';
import { connectClient, type ConnectedClient } from '../server/harness.js';

let silent: Server;
const sockets: Socket[] = [];
let runtime: Runtime;
let mcp: ConnectedClient;

beforeAll(async () => {
  // Accepts every connection, reads the request, never writes a byte back.
  silent = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-timeouts-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'silent', cluster: { server: `http://admin:s3cret-pass@127.0.0.1:${port}` } }],
      users: [{ name: 'u', user: { token: 'kube-token-not-shown' } }],
      contexts: [{ name: 'silent', context: { cluster: 'silent', user: 'u' } }],
      'current-context': 'silent',
    }),
  );
  const config = parseConfig({
    cluster: { mode: 'kubeconfig', kubeconfig, requestTimeoutSeconds: 1 },
    safety: { cooldownSeconds: 0 },
    store: { path: join(dir, 'store.db') },
    log: { level: 'silent' },
  });
  runtime = createRuntime(config, { logger: silentLogger() });
  mcp = await connectClient(runtime.deps, 'timeouts');
});
afterAll(async () => {
  await mcp?.close();
  runtime?.close();
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent?.close(r));
});

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

const TIMEOUT = /the Kubernetes API did not answer within 1s \(reading [^)]+\); check that the API server is up, or raise cluster\.requestTimeoutSeconds/;

describe('a Kubernetes API that never answers', () => {
  it('list_deployments and scale_deployment answer the timeout within the bound', async () => {
    const list = await timed(() => mcp.fails('list_deployments', { namespace: 'demo' }));
    expect(list.value).toMatch(TIMEOUT);
    expect(list.ms).toBeLessThan(3_000);
    const scale = await timed(() => mcp.fails('scale_deployment', { namespace: 'demo', deployment: 'web', replicas: 3 }));
    expect(scale.value).toMatch(TIMEOUT);
    expect(scale.ms).toBeLessThan(3_000);
    // The connections did reach the silent server: this is the "accepts and never answers" case.
    expect(sockets.length).toBeGreaterThanOrEqual(2);
  });

  it('cluster_health reports the API server unreachable with the timeout, without the URL credentials', async () => {
    const health = await timed(() => mcp.ok<{ status: string; apiServer: { reachable: boolean; url: string; error: string } }>('cluster_health'));
    expect(health.ms).toBeLessThan(3_000);
    expect(health.value.status).toBe('unhealthy');
    expect(health.value.apiServer.reachable).toBe(false);
    expect(health.value.apiServer.error).toMatch(TIMEOUT);
    expect(health.value.apiServer.url).toMatch(/^http:\/\/\*\*\*@127\.0\.0\.1:\d+\/?$/);
    expect(JSON.stringify(health.value)).not.toMatch(/s3cret-pass|admin:|kube-token-not-shown/);
  });
});
