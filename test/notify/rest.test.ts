/**
 * The outbox through the faces: REST /api/v1/notifications (documented in the OpenAPI document) over a
 * server whose runtime runs the notifier, with one receiver that takes messages and one that refuses.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SimBackedDeps } from '../server/harness.js';
import { call, mountRest, startRestBase, type RestServer } from '../rest/harness.js';
import { Receiver } from './receiver.js';

let base: SimBackedDeps;
let server: RestServer;
const good = new Receiver();
const gone = new Receiver(undefined, { status: 410, body: 'webhook removed' });

beforeAll(async () => {
  await good.start();
  await gone.start();
  base = await startRestBase({
    notify: {
      sinks: [
        { name: 'team', type: 'webhook', url: good.url, secret: 'webhook-secret-0123456789' },
        { name: 'old', type: 'webhook', url: gone.url, secret: 'webhook-secret-0123456789', events: ['opened'] },
      ],
    },
  });
  server = await mountRest(base);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await base?.close();
  await good.stop();
  await gone.stop();
});

it('lists delivered and dead-lettered messages with counts and sinks, filtered by state', async () => {
  const opened = await call(server.url, 'POST', '/api/v1/incidents', {
    body: { type: 'crash_loop', severity: 'high', namespace: 'demo', target: 'web', title: 'web crash-looping' },
  });
  expect(opened.status).toBe(200);
  const id = opened.json.incident.id;
  const deadline = Date.now() + 15_000;
  let r = await call(server.url, 'GET', '/api/v1/notifications');
  while (r.json.counts.pending > 0 || r.json.items.length < 2) {
    if (Date.now() > deadline) throw new Error(`still pending: ${JSON.stringify(r.json)}`);
    await new Promise((res) => setTimeout(res, 100));
    r = await call(server.url, 'GET', '/api/v1/notifications');
  }
  expect(r.status).toBe(200);
  expect(r.json.counts).toEqual({ pending: 0, delivered: 1, dead: 1 });
  expect(r.json.sinks.map((s: any) => s.name)).toEqual(['team', 'old']);
  const bySink = Object.fromEntries(r.json.items.map((i: any) => [i.sink, i]));
  expect(bySink.team).toMatchObject({ state: 'delivered', event: `${id}:opened`, incident: id, attempts: 1, lastStatus: 200 });
  expect(bySink.old).toMatchObject({ state: 'dead', attempts: 1, lastStatus: 410, lastError: 'HTTP 410: webhook removed' });
  expect(good.accepted.map((b) => b.key)).toEqual([`${id}:opened`]);

  const dead = await call(server.url, 'GET', '/api/v1/notifications', { query: { state: 'dead' } });
  expect(dead.json.items.map((i: any) => i.sink)).toEqual(['old']);
  const bad = await call(server.url, 'GET', '/api/v1/notifications', { query: { state: 'lost' } });
  expect(bad.status).toBe(400);

  const doc = await call(server.url, 'GET', '/api/v1/openapi.json');
  expect(doc.json.paths['/api/v1/notifications'].get.tags).toEqual(['notifications']);
}, 30_000);
