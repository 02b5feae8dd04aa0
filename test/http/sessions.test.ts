/**
 * MCP sessions over real HTTP on 127.0.0.1: a refused initialize keeps nothing, sessions are capped in
 * total and per client with a JSON-RPC error naming the limit, and idle sessions make room.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { createHttpApp, type HttpApp } from '../../src/mcp/streamable-http.js';
import { startSimDeps, type SimBackedDeps } from '../server/harness.js';

let base: SimBackedDeps;

beforeAll(async () => {
  base = await startSimDeps({ http: { port: 0 } });
});
afterAll(async () => {
  await base?.close();
});

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

function post(url: string, headers: Record<string, string>, body = INIT): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL('/mcp', url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const BOTH = { accept: 'application/json, text/event-stream' };
const listeners = () => base.deps.store.state.incidents.events.listenerCount('incident');

async function withApp(http: Record<string, unknown>, fn: (app: HttpApp, url: string, clock: VirtualClock) => Promise<void>): Promise<void> {
  const clock = new VirtualClock(Date.now());
  const app = createHttpApp({ deps: { ...base.deps, clock, config: { ...base.config, http: { ...base.config.http, ...http } } } });
  const url = await app.listen();
  try {
    await fn(app, url, clock);
  } finally {
    await app.close();
  }
}

describe('MCP sessions', () => {
  it('an initialize refused for its Accept or Content-Type keeps no server or listener behind', async () => {
    await withApp({}, async (app, url) => {
      const before = listeners();
      for (let i = 0; i < 25; i++) {
        const r = await post(url, { accept: 'application/json' });
        expect(r.status).toBe(406);
        expect(JSON.parse(r.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringMatching(/text\/event-stream/) } });
      }
      for (let i = 0; i < 5; i++) expect((await post(url, { ...BOTH, 'content-type': 'text/plain' })).status).toBe(415);
      // An initialize the transport itself refuses (a batch with two of them) is closed as well.
      expect((await post(url, BOTH, `[${INIT},${INIT}]`)).status).toBe(400);
      expect(listeners()).toBe(before);
      expect(app.sessionCount).toBe(0);
      // A good initialize opens a session; its incident listener waits for a resources/subscribe (none here).
      expect((await post(url, BOTH)).status).toBe(200);
      expect(app.sessionCount).toBe(1);
      expect(listeners()).toBe(before);
    });
  });

  it('refuses an initialize beyond http.maxSessions with 503 naming the limit', async () => {
    await withApp({ maxSessions: 3, maxSessionsPerClient: 10 }, async (app, url) => {
      for (let i = 0; i < 3; i++) expect((await post(url, BOTH)).status).toBe(200);
      const refused = await post(url, BOTH);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('60');
      expect(JSON.parse(refused.body).error.message).toMatch(/http\.maxSessions \(3\)/);
      expect(app.sessionCount).toBe(3);
    });
  });

  it('caps sessions per client (bearer credential) with 429, leaving other clients their share', async () => {
    await withApp({ maxSessions: 10, maxSessionsPerClient: 2 }, async (app, url) => {
      const a = { ...BOTH, authorization: 'Bearer client-a' };
      const b = { ...BOTH, authorization: 'Bearer client-b' };
      expect((await post(url, a)).status).toBe(200);
      expect((await post(url, a)).status).toBe(200);
      const refused = await post(url, a);
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.body).error.message).toMatch(/http\.maxSessionsPerClient \(2\)/);
      expect((await post(url, b)).status).toBe(200);
      expect(app.sessionCount).toBe(3);
    });
  });

  it('a burst of concurrent initializes never overshoots the cap', async () => {
    await withApp({ maxSessions: 5, maxSessionsPerClient: 100 }, async (app, url) => {
      const statuses = await Promise.all(Array.from({ length: 30 }, () => post(url, BOTH).then((r) => r.status)));
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 503)).toHaveLength(25);
      expect(app.sessionCount).toBe(5);
    });
  });

  it('when full, the session idle longest (a minute or more) is closed to make room', async () => {
    await withApp({ maxSessions: 2, maxSessionsPerClient: 10 }, async (app, url, clock) => {
      const first = (await post(url, BOTH)).headers['mcp-session-id'] as string;
      clock.advance(30_000);
      const second = (await post(url, BOTH)).headers['mcp-session-id'] as string;
      expect((await post(url, BOTH)).status).toBe(503); // nobody idle a minute yet
      clock.advance(40_000); // first: 70 s idle, second: 40 s
      expect((await post(url, BOTH)).status).toBe(200);
      expect(app.sessionCount).toBe(2);
      const probe = (id: string) =>
        post(url, { ...BOTH, 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' }, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }));
      expect((await probe(first)).status).toBe(404);
      expect((await probe(second)).status).toBe(200);
    });
  });
});
