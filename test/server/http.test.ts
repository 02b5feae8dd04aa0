/**
 * Streamable HTTP on 127.0.0.1: SDK clients over real sockets, sessions, Host/Origin/token refusals,
 * body limit, health endpoints and extra routes.
 */
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { createHttpApp, type HttpApp } from '../../src/mcp/streamable-http.js';
import { HttpConfigError } from '../../src/http/security.js';
import { startSimDeps, type SimBackedDeps } from './harness.js';

const TOKEN = 'test-token-0123456789abcdef';
let base: SimBackedDeps;
let open: HttpApp;
let openUrl: string;
let locked: HttpApp;
let lockedUrl: string;

beforeAll(async () => {
  base = await startSimDeps({ http: { port: 0, bodyLimitBytes: 64 * 1024 }, safety: { cooldownSeconds: 0 } });
  open = createHttpApp({
    deps: base.deps,
    extraRoutes: new Hono().get('/api/v1/ping', (c) => c.text('pong')),
  });
  openUrl = await open.listen();
  locked = createHttpApp({ deps: { ...base.deps, config: { ...base.config, http: { ...base.config.http, token: TOKEN } } } });
  lockedUrl = await locked.listen();
});
afterAll(async () => {
  await open?.close();
  await locked?.close();
  await base?.close();
});

async function connect(url: string, headers: Record<string, string> = {}) {
  const client = new Client({ name: 'http-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url), { requestInit: { headers } }));
  return client;
}

function raw(
  url: string,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const u = new URL(opts.path ?? '/mcp', url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: opts.method ?? 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

describe('HTTP transport', () => {
  it('serves tools to an SDK client and changes the cluster', async () => {
    const client = await connect(openUrl);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('scale_deployment');
    const r = (await client.callTool({ name: 'scale_deployment', arguments: { namespace: 'demo', deployment: 'nginx-demo', replicas: 3 } })) as CallToolResult;
    expect(r.isError).toBeFalsy();
    expect((await base.deps.cluster.readDeployment('demo', 'nginx-demo')).spec?.replicas).toBe(3);
    expect(base.deps.store.audit.list({ limit: 1 })[0]).toMatchObject({ caller: 'http-test', tool: 'scale_deployment', ok: true });
    await client.close();
  });

  it('keeps one server per session and closes a session on DELETE', async () => {
    const a = await connect(openUrl);
    const b = await connect(openUrl);
    expect(open.sessionCount).toBeGreaterThanOrEqual(2);
    const transport = a.transport as StreamableHTTPClientTransport;
    const id = transport.sessionId!;
    await transport.terminateSession();
    const after = await raw(openUrl, { headers: { 'mcp-session-id': id }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    expect(after.status).toBe(404);
    expect((await b.listTools()).tools.length).toBeGreaterThan(0);
    await a.close();
    await b.close();
  });

  it('answers 404 for an unknown session and 400 for a non-initialize first request', async () => {
    const unknown = await raw(openUrl, {
      headers: { 'mcp-session-id': 'no-such-session' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatch(/unknown session/);
    const first = await raw(openUrl, { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(first.status).toBe(400);
  });

  it('rejects a bad Host or Origin with 403', async () => {
    const host = await raw(openUrl, { headers: { host: 'evil.example:80' }, body: INIT });
    expect(host.status).toBe(403);
    expect(host.body).toMatch(/Host evil\.example:80 is not allowed/);
    const origin = await raw(openUrl, { headers: { origin: 'https://evil.example' }, body: INIT });
    expect(origin.status).toBe(403);
    const okOrigin = await raw(openUrl, { headers: { origin: 'http://localhost:5173' }, body: INIT });
    expect(okOrigin.status).toBe(200);
  });

  it('limits the body size', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(100 * 1024) } });
    expect((await raw(openUrl, { body: big })).status).toBe(413);
    expect((await raw(openUrl, { body: '{not json' })).status).toBe(400);
  });

  it('limits a chunked body (no Content-Length) as it arrives', async () => {
    const u = new URL('/mcp', openUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = 'x'.repeat(16 * 1024);
      for (let i = 0; i < 8; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
  });

  it('serves /healthz, /readyz and extra routes', async () => {
    expect((await fetch(`${openUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${openUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${openUrl}/api/v1/ping`)).text()).toBe('pong');
    expect((await fetch(`${openUrl}/nope`)).status).toBe(404);
  });

  it('requires the bearer token when one is configured', async () => {
    expect((await raw(lockedUrl, { body: INIT })).status).toBe(401);
    expect((await raw(lockedUrl, { body: INIT, headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${lockedUrl}/healthz`)).status).toBe(200);
    const client = await connect(lockedUrl, { Authorization: `Bearer ${TOKEN}` });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });

  it('closes sessions idle for longer than http.sessionIdleSeconds', async () => {
    const clock = new VirtualClock(Date.now());
    const app = createHttpApp({ deps: { ...base.deps, clock, config: { ...base.config, http: { ...base.config.http, sessionIdleSeconds: 120 } } } });
    const url = await app.listen();
    try {
      const client = await connect(url);
      const id = (client.transport as StreamableHTTPClientTransport).sessionId!;
      clock.advance(60_000);
      await client.listTools();
      clock.advance(90_000); // 90 s since the last request: still open
      expect(app.sessionCount).toBe(1);
      clock.advance(60_000);
      expect(app.sessionCount).toBe(0);
      const r = await raw(url, { headers: { 'mcp-session-id': id }, body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }) });
      expect(r.status).toBe(404);
      await client.close().catch(() => {});
    } finally {
      await app.close();
    }
  });

  it('refuses to start on a non-loopback address without a token', () => {
    expect(() => createHttpApp({ deps: { ...base.deps, config: { ...base.config, http: { ...base.config.http, host: '0.0.0.0' } } } })).toThrow(
      HttpConfigError,
    );
    expect(() => createHttpApp({ deps: { ...base.deps, config: { ...base.config, http: { ...base.config.http, host: '0.0.0.0' } } } })).toThrow(
      /without a bearer token/,
    );
  });
});
