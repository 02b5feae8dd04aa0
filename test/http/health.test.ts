/**
 * /healthz and /readyz over real HTTP: liveness answers at once while another process holds the SQLite
 * write lock; readiness reports that lock, and a Kubernetes API that accepts connections and never
 * answers, within its deadline instead of hanging.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../src/k8s/client.js';
import { createHttpApp, type HttpApp } from '../../src/mcp/streamable-http.js';
import { startSimDeps, type SimBackedDeps } from '../server/harness.js';
import { BUSY_TIMEOUT_MS } from '../../src/store/db.js';
import { holdStoreLock } from '../hardening/lock.js';

let base: SimBackedDeps;

beforeAll(async () => {
  base = await startSimDeps({ http: { port: 0, readyTimeoutSeconds: 1 } });
});
afterAll(async () => {
  await base?.close();
});

async function timed(url: string): Promise<{ status: number; json: any; ms: number }> {
  const start = Date.now();
  const res = await fetch(url);
  const json = await res.json();
  return { status: res.status, json, ms: Date.now() - start };
}

describe('health endpoints', () => {
  it('ready when the cluster answers and the store takes writes', async () => {
    const app = createHttpApp({ deps: base.deps });
    const url = await app.listen();
    try {
      const r = await timed(`${url}/readyz`);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ status: 'ready', checks: { cluster: { ok: true }, store: { ok: true } } });
    } finally {
      await app.close();
    }
  });

  it('with the SQLite write lock held by another process, /healthz answers at once and /readyz names the store', async () => {
    const app = createHttpApp({ deps: base.deps });
    const url = await app.listen();
    const holder = await holdStoreLock(base.config.store.path);
    try {
      const live = await timed(`${url}/healthz`);
      expect(live.status).toBe(200);
      expect(live.ms).toBeLessThan(500);
      const ready = await timed(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.json.checks.store).toMatchObject({ ok: false, error: expect.stringMatching(/locked/) });
      expect(ready.json.checks.cluster.ok).toBe(true);
      expect(ready.ms).toBeLessThan(1000);
    } finally {
      // Released and waited for: the next test's /readyz must find the store writable again.
      await holder.release();
      await app.close();
    }
    // The probe restored the store's own busy timeout: writes wait for a lock again rather than failing.
    expect(base.deps.store.db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
  });

  it('a Kubernetes API that never answers makes /readyz 503 within http.readyTimeoutSeconds, not hang', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'silent', server: `http://127.0.0.1:${(silent.address() as { port: number }).port}`, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'c', cluster: 'silent', user: 'u' }],
      currentContext: 'c',
    });
    let app: HttpApp | undefined;
    try {
      app = createHttpApp({ deps: { ...base.deps, cluster: new ClusterClient(kc) } });
      const url = await app.listen();
      const live = await timed(`${url}/healthz`);
      expect(live.status).toBe(200);
      const ready = await timed(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.json.checks.cluster).toMatchObject({ ok: false, error: 'no answer within 1000 ms' });
      expect(ready.json.checks.store.ok).toBe(true);
      expect(ready.ms).toBeGreaterThanOrEqual(900);
      expect(ready.ms).toBeLessThan(3000);
    } finally {
      await app?.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
