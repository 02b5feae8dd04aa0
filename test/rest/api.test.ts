/**
 * The REST API over real HTTP against the simulator: for every endpoint a valid call and its effect, a
 * bad call and its 400 with the reason, and (on a server that requires a token) a 401 without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_ROUTES } from '../../src/rest/routes.js';
import type { SimBackedDeps } from '../server/harness.js';
import { eventually } from '../server/harness.js';
import { call, mountRest, startRestBase, TOKEN, type RestServer } from './harness.js';

let base: SimBackedDeps;
let open: RestServer;
let locked: RestServer;
let url: string;

beforeAll(async () => {
  base = await startRestBase();
  open = await mountRest(base);
  locked = await mountRest(base, { http: { token: TOKEN } });
  url = open.url;
});
afterAll(async () => {
  await open?.close();
  await locked?.close();
  await base?.close();
});

const replicasOf = async () => (await base.deps.cluster.readDeployment('demo', 'nginx-demo')).spec?.replicas;
const lastAudit = () => base.deps.store.audit.list({ limit: 1 })[0];
const demoPods = async () =>
  (await call(url, 'GET', '/api/v1/pods', { query: { namespace: 'demo' } })).json.items as { name: string; phase: string; ownerDeployment: string | null }[];

function expect400(r: { status: number; json: any }, field: string | RegExp) {
  expect(r.status).toBe(400);
  expect(r.json.code).toBe('invalid');
  if (typeof field === 'string') expect(r.json.issues.map((i: { path: string }) => i.path)).toContain(field);
  else expect(r.json.error).toMatch(field);
}

describe('service endpoints', () => {
  it('GET /api/v1/ describes the service and lists every endpoint', async () => {
    const r = await call(url, 'GET', '/api/v1/');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: 'sentinelops', docs: '/docs', openapi: '/api/v1/openapi.json' });
    const endpoints = r.json.endpoints.map((e: { endpoint: string }) => e.endpoint);
    for (const route of TOOL_ROUTES) expect(endpoints).toContain(`${route.method} /api/v1${route.path}`);
    expect((await call(url, 'POST', '/api/v1/')).status).toBe(405);
  });

  it('GET /health runs cluster_health; a bad namespace is 400', async () => {
    const r = await call(url, 'GET', '/api/v1/health');
    expect(r.status).toBe(200);
    expect(r.json.apiServer.reachable).toBe(true);
    expect(r.json.nodes).toMatchObject({ total: 3, ready: 3 });
    expect400(await call(url, 'GET', '/api/v1/health', { query: { namespace: 'Not_A_Namespace' } }), 'namespace');
  });

  it('GET /dashboard/stats brings every section in one call, with the series', async () => {
    const r = await call(url, 'GET', '/api/v1/dashboard/stats');
    expect(r.status).toBe(200);
    expect(r.json.health.nodes.total).toBe(3);
    expect(r.json.nodes).toHaveLength(3);
    expect(r.json.deployments.find((d: { name: string }) => d.name === 'nginx-demo')).toMatchObject({ namespace: 'demo', replicas: expect.any(Number) });
    expect(r.json.series.deployments.map((d: { name: string }) => d.name)).toContain('nginx-demo');
    expect(r.json.stats).toMatchObject({ total: expect.any(Number) });
    // Scoped to a namespace: its deployments only (the simulator's kube-system has none, so demo's must not show there).
    const scoped = await call(url, 'GET', '/api/v1/dashboard/stats', { query: { namespace: 'demo' } });
    expect(scoped.json.deployments.map((d: { namespace: string; name: string }) => `${d.namespace}/${d.name}`)).toContain('demo/nginx-demo');
    expect(scoped.json.deployments.every((d: { namespace: string }) => d.namespace === 'demo')).toBe(true);
    expect((await call(url, 'GET', '/api/v1/dashboard/stats', { query: { namespace: 'kube-system' } })).json.deployments).toEqual([]);
    expect400(await call(url, 'GET', '/api/v1/dashboard/stats', { query: { namespace: 'BAD NS' } }), /namespace/);
  });

  it('GET /events/stream pushes stats and then each incident change as server-sent events', async () => {
    const ac = new AbortController();
    const res = await fetch(`${url}/api/v1/events/stream`, { signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    const next = async (event: string): Promise<any> => {
      for (;;) {
        const frames = buffer.split('\n\n');
        buffer = frames.pop()!;
        for (const [i, frame] of frames.entries()) {
          if (frame.startsWith(`event: ${event}\n`)) {
            buffer = frames.slice(i + 1).join('\n\n') + (frames.length > i + 1 ? '\n\n' : '') + buffer;
            return JSON.parse(frame.slice(frame.indexOf('data: ') + 6));
          }
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += value;
      }
    };
    const stats = await next('stats');
    expect(stats.deployments.length).toBeGreaterThan(0);
    await call(url, 'POST', '/api/v1/incidents', { body: { type: 'sse_probe', severity: 'low', namespace: 'demo', target: 'nginx-demo', title: 'SSE probe' } });
    const inc = await next('incident');
    expect(inc).toMatchObject({ kind: 'opened', incident: { type: 'sse_probe' } });
    ac.abort();
  });

  it('GET /openapi.json is OpenAPI 3.1 generated from the tool schemas, public even with a token', async () => {
    const r = await call(locked.url, 'GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe('3.1.0');
    const scale = r.json.paths['/api/v1/scale'].post;
    const replicas = scale.parameters.find((p: { name: string }) => p.name === 'replicas');
    expect(replicas).toMatchObject({ in: 'query', required: true, schema: { type: 'integer', minimum: 0, maximum: 1000 } });
    expect(scale.parameters.find((p: { name: string }) => p.name === 'namespace')).toMatchObject({ required: false, schema: { type: 'string' } });
    expect(scale.parameters.find((p: { name: string }) => p.name === 'dry_run').schema.type).toBe('boolean');
    expect(scale.requestBody.content['application/json'].schema.required).toContain('replicas');
    expect(scale.responses['200'].content['application/json'].schema.properties).toHaveProperty('before');
    expect(Object.keys(scale.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '429']));
    const logs = r.json.paths['/api/v1/logs/{pod_name}'].get;
    expect(logs.parameters.find((p: { in: string }) => p.in === 'path')).toMatchObject({ name: 'pod_name', required: true });
    expect(logs.parameters.map((p: { name: string }) => p.name)).toContain('lines');
    expect(r.json.paths['/api/v1/dashboard/stats'].get.responses['200'].content['application/json'].schema.properties).toHaveProperty('series');
    expect(r.json.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const route of TOOL_ROUTES) expect(r.json.paths[`/api/v1${route.path}`]?.[route.method.toLowerCase()], route.path).toBeDefined();
  });

  it('serves /docs as a local HTML page that loads no external resource', async () => {
    const r = await call(locked.url, 'GET', '/docs');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(r.json).not.toMatch(/https?:\/\//);
    expect((await call(locked.url, 'GET', '/dashboard/assets/docs.js')).status).toBe(200);
  });
});

describe('cluster reads', () => {
  it('GET /pods lists the demo pods; a bad status filter is 400', async () => {
    const pods = await demoPods();
    expect(pods.length).toBeGreaterThan(0);
    expect(pods.every((p) => p.ownerDeployment === 'nginx-demo')).toBe(true);
    expect400(await call(url, 'GET', '/api/v1/pods', { query: { status: 'sleepy' } }), 'status');
  });

  it('GET /deployments, /nodes and /events page like the tools; bad limits are 400', async () => {
    const d = await call(url, 'GET', '/api/v1/deployments', { query: { namespace: 'demo' } });
    expect(d.json.items.map((x: { name: string }) => x.name)).toEqual(['nginx-demo']);
    const n = await call(url, 'GET', '/api/v1/nodes', { query: { limit: 2 } });
    expect(n.json.items).toHaveLength(2);
    expect(n.json.truncated).toBe(true);
    const e = await call(url, 'GET', '/api/v1/events', { query: { namespace: 'demo' } });
    expect(e.status).toBe(200);
    expect(Array.isArray(e.json.items)).toBe(true);
    expect400(await call(url, 'GET', '/api/v1/deployments', { query: { limit: 0 } }), 'limit');
    expect400(await call(url, 'GET', '/api/v1/nodes', { query: { limit: 'many' } }), 'limit');
    expect400(await call(url, 'GET', '/api/v1/events', { query: { type: 'Loud' } }), 'type');
  });

  it('GET /logs/{pod_name} returns the last lines (seed `lines`); bad name 400, unknown pod 404', async () => {
    const pod = (await demoPods()).find((p) => p.phase === 'Running')!;
    const r = await call(url, 'GET', `/api/v1/logs/${pod.name}`, { query: { namespace: 'demo', lines: 3 } });
    expect(r.status).toBe(200);
    expect(r.json.pod).toBe(pod.name);
    expect(r.json.lines.length).toBeLessThanOrEqual(3);
    expect400(await call(url, 'GET', '/api/v1/logs/Bad_Pod'), 'pod');
    expect400(await call(url, 'GET', `/api/v1/logs/${pod.name}`, { query: { lines: -1 } }), 'tailLines');
    expect((await call(url, 'GET', '/api/v1/logs/no-such-pod', { query: { namespace: 'demo' } })).status).toBe(404);
  });

  it('GET /metrics, /metrics/cpu and /metrics/memory; a bad scope is 400', async () => {
    const all = await eventually(async () => {
      const r = await call(url, 'GET', '/api/v1/metrics', { query: { namespace: 'demo' } });
      return r.json.items?.length ? r : undefined;
    });
    expect(all.json.items[0]).toMatchObject({ name: 'nginx-demo', cpuMillicores: expect.any(Number), memoryBytes: expect.any(Number) });
    const cpu = await call(url, 'GET', '/api/v1/metrics/cpu', { query: { namespace: 'demo', scope: 'pod' } });
    expect(cpu.json.scope).toBe('pod');
    expect(Object.keys(cpu.json.items[0])).toContain('cpuUtilization');
    expect(Object.keys(cpu.json.items[0])).not.toContain('memoryBytes');
    const mem = await call(url, 'GET', '/api/v1/metrics/memory', { query: { namespace: 'demo' } });
    expect(Object.keys(mem.json.items[0])).toContain('memoryBytes');
    expect(Object.keys(mem.json.items[0])).not.toContain('cpuMillicores');
    for (const path of ['/api/v1/metrics', '/api/v1/metrics/cpu', '/api/v1/metrics/memory'])
      expect400(await call(url, 'GET', path, { query: { scope: 'galaxy' } }), 'scope');
  });
});

describe('actions', () => {
  it('POST /scale with the seed\'s query parameters scales, audited as caller "rest"', async () => {
    const r = await call(url, 'POST', '/api/v1/scale', { query: { deployment: 'nginx-demo', replicas: 5, namespace: 'demo' } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ dryRun: false, target: 'deployment/demo/nginx-demo', after: { replicas: 5 } });
    expect(await replicasOf()).toBe(5);
    expect(lastAudit()).toMatchObject({ caller: 'rest', tool: 'scale_deployment', ok: true });
    const body = await call(url, 'POST', '/api/v1/scale', { body: { deployment: 'nginx-demo', replicas: 3 } });
    expect(body.status).toBe(200);
    expect(await replicasOf()).toBe(3);
  });

  it('POST /scale: bad input is 400 and changes nothing; guardrails are 403; unknown deployment 404', async () => {
    const before = await replicasOf();
    const auditBefore = base.deps.store.audit.list({}).length;
    expect400(await call(url, 'POST', '/api/v1/scale', { query: { deployment: 'nginx-demo', replicas: 'five' } }), 'replicas');
    expect400(await call(url, 'POST', '/api/v1/scale', { query: { replicas: 4 } }), 'deployment');
    // Refused before the tool runs, and audited as refusals (issue 19).
    expect(base.deps.store.audit.list({}).slice(0, 2)).toMatchObject([
      { tool: 'scale_deployment', ok: false },
      { tool: 'scale_deployment', ok: false },
    ]);
    expect(base.deps.store.audit.list({}).length).toBe(auditBefore + 2);
    const tooMany = await call(url, 'POST', '/api/v1/scale', { query: { deployment: 'nginx-demo', replicas: 50 } });
    expect(tooMany.status).toBe(403);
    expect(tooMany.json.error).toMatch(/outside the allowed range 2\.\.10/);
    const protectedNs = await call(url, 'POST', '/api/v1/scale', { query: { deployment: 'coredns', replicas: 3, namespace: 'kube-system' } });
    expect(protectedNs.status).toBe(403);
    expect((await call(url, 'POST', '/api/v1/scale', { query: { deployment: 'ghost', replicas: 3 } })).status).toBe(404);
    expect(await replicasOf()).toBe(before);
    expect((await call(url, 'GET', '/api/v1/scale')).status).toBe(405);
  });

  it('POST /scale inside the cooldown is 429 with Retry-After', async () => {
    const strict = await mountRest(base, { safety: { cooldownSeconds: 600 } });
    try {
      await call(strict.url, 'POST', '/api/v1/scale', { query: { deployment: 'nginx-demo', replicas: 4 } });
      const r = await call(strict.url, 'POST', '/api/v1/scale', { query: { deployment: 'nginx-demo', replicas: 3 } });
      expect(r.status).toBe(429);
      expect(r.json.code).toBe('cooldown');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });

  it('read-only mode refuses mutating endpoints with 403 and still serves reads', async () => {
    const ro = await mountRest(base, { safety: { readOnly: true } });
    try {
      const r = await call(ro.url, 'POST', '/api/v1/scale', { query: { deployment: 'nginx-demo', replicas: 4 } });
      expect(r.status).toBe(403);
      expect(r.json.error).toMatch(/read-only/);
      expect((await call(ro.url, 'GET', '/api/v1/deployments')).status).toBe(200);
    } finally {
      await ro.close();
    }
  });

  it('POST /restart rolls the deployment; a bad timeout is 400', async () => {
    const r = await call(url, 'POST', '/api/v1/restart', { query: { deployment: 'nginx-demo', namespace: 'demo' } });
    expect(r.status).toBe(200);
    expect(r.json.after.restartedAt).toEqual(expect.any(String));
    const d = await base.deps.cluster.readDeployment('demo', 'nginx-demo');
    expect(d.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(r.json.after.restartedAt);
    expect400(await call(url, 'POST', '/api/v1/restart', { query: { deployment: 'nginx-demo', timeoutSeconds: 0 } }), 'timeoutSeconds');
  });

  it('POST /rollback returns to the previous revision; a bad revision is 400', async () => {
    const before = await base.deps.cluster.readDeployment('demo', 'nginx-demo');
    const r = await call(url, 'POST', '/api/v1/rollback', { query: { deployment: 'nginx-demo', dry_run: true } });
    expect(r.status).toBe(200);
    expect(r.json.dryRun).toBe(true);
    expect((await base.deps.cluster.readDeployment('demo', 'nginx-demo')).metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect400(await call(url, 'POST', '/api/v1/rollback', { query: { deployment: 'nginx-demo', revision: 'latest' } }), 'toRevision');
  });

  it('POST /delete_pod deletes the named pod (seed `pod_name`); bad input is 400', async () => {
    const pod = await eventually(async () => (await demoPods()).find((p) => p.phase === 'Running'));
    const r = await call(url, 'POST', '/api/v1/delete_pod', { query: { pod_name: pod.name, namespace: 'demo' } });
    expect(r.status).toBe(200);
    expect(r.json.after.deleted).toBe(pod.name);
    await eventually(async () => !(await demoPods()).some((p) => p.name === pod.name));
    expect400(await call(url, 'POST', '/api/v1/delete_pod', { query: { pod_name: 'Not A Pod' } }), 'pod');
    expect400(await call(url, 'POST', '/api/v1/delete_pod', {}), /exactly one of pod/);
  });
});

describe('incidents', () => {
  it('POST /incidents opens and updates an incident; GET /incidents and /incidents/{id} read it', async () => {
    const opened = await call(url, 'POST', '/api/v1/incidents', {
      body: { type: 'crash_loop', severity: 'high', namespace: 'demo', target: 'nginx-demo', title: 'nginx-demo crash looping' },
    });
    expect(opened.status).toBe(200);
    expect(opened.json.created).toBe(true);
    const id = opened.json.incident.id as string;
    const resolved = await call(url, 'POST', '/api/v1/incidents', {
      body: { id, outcome: 'resolved', action: { tool: 'restart_deployment', ok: true, reason: 'restart once' } },
    });
    expect(resolved.json.incident).toMatchObject({ outcome: 'resolved', actions: [{ tool: 'restart_deployment' }] });
    const list = await call(url, 'GET', '/api/v1/incidents', { query: { limit: 10 } });
    expect(list.json.items.map((i: { id: string }) => i.id)).toContain(id);
    expect((await call(url, 'GET', `/api/v1/incidents/${id}`)).json.resolvedAt).toEqual(expect.any(String));
    const stats = await call(url, 'GET', '/api/v1/stats/summary');
    expect(stats.json.resolved).toBeGreaterThanOrEqual(1);
    expect(stats.json.mttrSeconds.count).toBeGreaterThanOrEqual(1);
  });

  it('bad incident input is 400; an unknown incident is 404', async () => {
    expect400(
      await call(url, 'POST', '/api/v1/incidents', { body: { type: 'x', severity: 'apocalyptic', namespace: 'demo', target: 't', title: 't' } }),
      'severity',
    );
    expect400(await call(url, 'POST', '/api/v1/incidents', { body: { type: 'x' } }), /needs severity, namespace, target, title/);
    expect400(await call(url, 'GET', '/api/v1/incidents', { query: { limit: 0 } }), 'limit');
    expect400(await call(url, 'GET', '/api/v1/incidents/xyz'), 'id');
    expect400(await call(url, 'GET', '/api/v1/stats/summary', { query: { since: -5 } }), 'sinceSeconds');
    expect((await call(url, 'GET', '/api/v1/incidents/inc-999999')).status).toBe(404);
  });
});

describe('protocol details', () => {
  it('answers 404 for an unknown endpoint, 415 for a non-JSON body, 400 for broken JSON, 413 for a huge body', async () => {
    expect((await call(url, 'GET', '/api/v1/nope')).status).toBe(404);
    const form = await fetch(`${url}/api/v1/scale`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'replicas=3' });
    expect(form.status).toBe(415);
    const broken = await fetch(`${url}/api/v1/scale`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"replicas":' });
    expect(broken.status).toBe(400);
    const huge = await fetch(`${url}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ summary: 'x'.repeat(2_000_000) }),
    });
    expect(huge.status).toBe(413);
  });

  it.each([
    ...TOOL_ROUTES.map((r) => [r.method, r.path.replace('{pod_name}', 'some-pod').replace('{id}', 'inc-1')] as const),
    ['GET', '/'],
    ['GET', '/dashboard/stats'],
    ['GET', '/events/stream'],
  ] as const)('with a token required, %s /api/v1%s without it is 401 and changes nothing', async (method, path) => {
    const auditBefore = base.deps.store.audit.list({}).length;
    const r = await call(locked.url, method, `/api/v1${path}`, { query: { deployment: 'nginx-demo', replicas: 4 } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await call(locked.url, method, `/api/v1${path}`, { token: 'wrong-token-0123456789abc', query: { deployment: 'nginx-demo', replicas: 4 } });
    expect(wrong.status).toBe(401);
    expect(base.deps.store.audit.list({}).length).toBe(auditBefore);
  });

  it('with the token, the same server answers', async () => {
    expect((await call(locked.url, 'GET', '/api/v1/deployments', { token: TOKEN })).status).toBe(200);
    const r = await call(locked.url, 'POST', '/api/v1/scale', { token: TOKEN, query: { deployment: 'nginx-demo', replicas: 3 } });
    expect(r.status).toBe(200);
    expect((await call(locked.url, 'GET', '/', {})).status).toBe(200);
  });
});
