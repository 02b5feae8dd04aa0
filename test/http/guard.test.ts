/**
 * The Host/Origin/token middleware and the body limit, written once in src/http, hold on every surface the
 * server mounts (/mcp, REST, /metrics, the webhook, the dashboard): in-process with app.request, the same
 * app `serve --http` runs, with the same JSON error shape everywhere.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observabilityRoutes } from '../../src/app/observability-routes.js';
import { createHttpApp, type HttpApp } from '../../src/mcp/streamable-http.js';
import { SentinelMetrics } from '../../src/observability/metrics.js';
import { createWebFace, type WebFace } from '../../src/rest/web.js';
import { startSimDeps, type SimBackedDeps } from '../server/harness.js';

const TOKEN = 'guard-test-token-0123456789';
let base: SimBackedDeps;
let web: WebFace;
let http: HttpApp;

beforeAll(async () => {
  base = await startSimDeps({ http: { port: 0, token: TOKEN, bodyLimitBytes: 4096 } });
  web = createWebFace({ deps: base.deps });
  const routes = new Hono({ strict: false });
  routes.route(
    '/',
    observabilityRoutes({
      metrics: new SentinelMetrics({ processMetrics: false }),
      store: base.deps.store,
      cluster: base.deps.cluster,
      clock: base.deps.clock,
      logger: base.deps.logger,
      bodyLimitBytes: 4096,
    }),
  );
  routes.route('/', web.routes);
  http = createHttpApp({ deps: base.deps, extraRoutes: routes, isPublicPath: web.isPublicPath });
});
afterAll(async () => {
  web?.close();
  await http?.close();
  await base?.close();
});

const SURFACES = [
  ['POST', '/mcp'],
  ['GET', '/api/v1/deployments'],
  ['POST', '/api/v1/scale'],
  ['GET', '/metrics'],
  ['POST', '/alerts/alertmanager'],
] as const;
const auth = { authorization: `Bearer ${TOKEN}` };

async function ask(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const res = await http.app.request(path, { method, headers: { host: '127.0.0.1:8000', 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json };
}

describe('one guard for every surface', () => {
  it.each(SURFACES)('%s %s: a foreign Host or Origin is 403, no token 401, all as { error, code }', async (method, path) => {
    const host = await ask(method, path, { ...auth, host: 'evil.example' });
    expect(host).toMatchObject({ status: 403, json: { code: 'forbidden_host', error: expect.stringMatching(/Host evil\.example is not allowed/) } });
    const origin = await ask(method, path, { ...auth, origin: 'https://evil.example' });
    expect(origin).toMatchObject({ status: 403, json: { code: 'forbidden_origin' } });
    const anonymous = await ask(method, path);
    expect(anonymous).toMatchObject({ status: 401, json: { code: 'unauthorized' } });
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each(SURFACES.filter(([m]) => m === 'POST'))('%s %s: a body over http.bodyLimitBytes is 413 before anything reads it', async (method, path) => {
    const r = await ask(method, path, auth, JSON.stringify({ pad: 'x'.repeat(5000) }));
    expect(r).toMatchObject({ status: 413, json: { code: 'too_large', error: 'request body larger than 4096 bytes' } });
  });

  it('health, the dashboard and the OpenAPI document need no token; the Host check still applies', async () => {
    for (const path of ['/healthz', '/', '/docs', '/dashboard/assets/app.js', '/api/v1/openapi.json']) expect((await ask('GET', path)).status, path).toBe(200);
    expect((await ask('GET', '/healthz', { host: 'evil.example' })).status).toBe(403);
  });

  it('an unknown path is a JSON 404 behind the token', async () => {
    expect((await ask('GET', '/nope')).status).toBe(401);
    expect(await ask('GET', '/nope', auth)).toMatchObject({ status: 404, json: { code: 'not_found', error: 'no route GET /nope' } });
  });
});
