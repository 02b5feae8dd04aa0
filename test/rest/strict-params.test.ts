/**
 * REST routes in-process (hono's app.request, no socket) and over a real socket: unknown query parameters
 * and body keys are refused with the accepted names and change nothing; an unexpected exception is an
 * honest 500, not a retryable 503.
 */
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTool } from '../../src/catalog/define-tool.js';
import { createRestApi } from '../../src/rest/api.js';
import type { SimBackedDeps } from '../server/harness.js';
import { call, mountRest, startRestBase, type RestServer } from './harness.js';

let base: SimBackedDeps;
let rest: RestServer;

beforeAll(async () => {
  base = await startRestBase();
  rest = await mountRest(base);
});
afterAll(async () => {
  await rest?.close();
  await base?.close();
});

const replicasOf = async () => (await base.deps.cluster.readDeployment('demo', 'nginx-demo')).spec?.replicas;
const auditCount = () => base.deps.store.audit.list({}).length;
/** In-process: the whole app (Host/Origin/token middleware included), no socket. */
const inProcess = async (path: string, init?: RequestInit) => {
  const res = await rest.app.app.request(path, init);
  return { status: res.status, json: (await res.json()) as any };
};

describe('REST in-process (app.request)', () => {
  it('serves a read route and the service description', async () => {
    const d = await inProcess('/api/v1/deployments?namespace=demo');
    expect(d.status).toBe(200);
    expect(d.json.items.map((x: { name: string }) => x.name)).toEqual(['nginx-demo']);
    const info = await inProcess('/api/v1');
    expect(info.json.endpoints.length).toBeGreaterThan(20);
  });

  it('POST /scale?...&dryrun=true is refused, naming dryRun among the accepted names, and scales nothing', async () => {
    const before = await replicasOf();
    const audit = auditCount();
    const r = await inProcess('/api/v1/scale?namespace=demo&deployment=nginx-demo&replicas=7&dryrun=true', { method: 'POST' });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('invalid');
    expect(r.json.error).toMatch(/unknown query parameter "dryrun" for POST \/api\/v1\/scale; accepted: .*\bdryRun\b.*\bdry_run\b/);
    expect(r.json.issues).toEqual([{ path: 'dryrun', message: 'unknown query parameter' }]);
    expect(await replicasOf()).toBe(before);
    expect(auditCount()).toBe(audit);
  });

  it('an unexpected exception is a 500 that says it is a bug, with the cause', async () => {
    const explode = defineTool({
      name: 'explode',
      title: 'Explode',
      description: 'fails with a bug',
      input: z.object({}),
      output: z.object({}),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      handler: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'spec')");
      },
    });
    const api = createRestApi({
      deps: { ...base.deps, tools: [explode] },
      routes: [{ method: 'GET', path: '/explode', tool: 'explode', summary: 'x', tag: 'service' }],
    });
    try {
      const res = await api.routes.request('/explode');
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: string; code: string };
      expect(body.code).toBe('internal');
      expect(body.error).toMatch(/GET \/explode failed unexpectedly: Cannot read properties of undefined \(reading 'spec'\)\. This is a bug/);
    } finally {
      api.close();
    }
  });
});

describe('REST over a socket: unknown names are refused', () => {
  it.each([
    ['query dryrun', { query: { deployment: 'nginx-demo', replicas: 7, dryrun: true } }, 'dryrun'],
    ['query DryRun', { query: { deployment: 'nginx-demo', replicas: 7, DryRun: true } }, 'DryRun'],
    ['query dry-run', { query: { deployment: 'nginx-demo', replicas: 7, 'dry-run': true } }, 'dry-run'],
    ['body dryrun', { body: { deployment: 'nginx-demo', replicas: 7, dryrun: true } }, 'dryrun'],
    ['body dry-run', { body: { deployment: 'nginx-demo', replicas: 7, 'dry-run': true } }, 'dry-run'],
  ] as const)('POST /scale with %s: 400 and no change', async (_name, opts, key) => {
    const before = await replicasOf();
    const audit = auditCount();
    const r = await call(rest.url, 'POST', '/api/v1/scale', opts);
    expect(r.status).toBe(400);
    expect(r.json.error).toContain(`"${key}"`);
    expect(r.json.accepted).toEqual(expect.arrayContaining(['namespace', 'deployment', 'replicas', 'dryRun', 'deployment_name', 'dry_run']));
    expect(await replicasOf()).toBe(before);
    expect(auditCount()).toBe(audit);
  });

  it('the accepted spellings still work: dryRun and the seed name dry_run, in query and body', async () => {
    const before = await replicasOf();
    for (const opts of [
      { query: { deployment: 'nginx-demo', replicas: 7, dry_run: true } },
      { body: { deployment: 'nginx-demo', replicas: 7, dryRun: true } },
    ]) {
      const r = await call(rest.url, 'POST', '/api/v1/scale', opts);
      expect(r.status).toBe(200);
      expect(r.json.dryRun).toBe(true);
    }
    expect(await replicasOf()).toBe(before);
  });

  it('GET /logs/{pod}?tail_lines=3 is refused naming tailLines (and its seed names)', async () => {
    const r = await call(rest.url, 'GET', '/api/v1/logs/some-pod', { query: { namespace: 'demo', tail_lines: 3 } });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/unknown query parameter "tail_lines".*accepted: .*tailLines.*lines, tail/);
    expect(r.json.accepted).not.toContain('pod');
  });

  it('views refuse unknown parameters too', async () => {
    const stats = await call(rest.url, 'GET', '/api/v1/dashboard/stats', { query: { ns: 'demo' } });
    expect(stats.status).toBe(400);
    expect(stats.json.error).toMatch(/unknown query parameter "ns".*accepted: namespace/);
    expect((await call(rest.url, 'GET', '/api/v1/', { query: { verbose: 1 } })).status).toBe(400);
  });

  it('the OpenAPI document lists exactly the accepted names for each route', async () => {
    const doc = (await call(rest.url, 'GET', '/api/v1/openapi.json')).json;
    const scale = doc.paths['/api/v1/scale'].post;
    const names = scale.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name);
    const refused = await call(rest.url, 'POST', '/api/v1/scale', { query: { nope: 1 } });
    expect([...names].sort()).toEqual([...refused.json.accepted].sort());
    const body = scale.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(body.properties).sort()).toEqual([...refused.json.accepted].sort());
  });
});
