/**
 * Undo by audit row over REST against the simulator: a scale and a restart are reversed (guarded and
 * audited as changes, plus an undo_action row), a dry run changes nothing, and impossible undos (a deleted
 * pod, a change that is no longer the newest on its target, a refused call) say why and change nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SimBackedDeps } from '../server/harness.js';
import { call, mountRest, startRestBase, type RestServer } from '../rest/harness.js';

let base: SimBackedDeps;
let server: RestServer;
const NS = 'demo';
const DEP = 'nginx-demo';

beforeAll(async () => {
  base = await startRestBase();
  server = await mountRest(base);
}, 60_000);
afterAll(async () => {
  await server?.close();
  await base?.close();
});

const deployment = () => base.deps.cluster.readDeployment(NS, DEP);
const post = (path: string, body: Record<string, unknown>) => call(server.url, 'POST', `/api/v1${path}`, { body });

it('undoes a scale to the replica count before, audited; the same undo twice is refused', async () => {
  const r0 = (await deployment()).spec?.replicas;
  const scaled = await post('/scale', { namespace: NS, deployment: DEP, replicas: 6 });
  expect(scaled.status).toBe(200);
  const id = scaled.json.auditId;
  expect(id).toEqual(expect.any(Number));
  expect((await deployment()).spec?.replicas).toBe(6);

  const dry = await post('/undo', { id, dryRun: true });
  expect(dry.json).toMatchObject({ undone: id, dryRun: true });
  expect(dry.json.message).toBe(`dry run: would scale deployment ${NS}/${DEP} from 6 to ${r0} replicas; nothing was changed`);
  expect((await deployment()).spec?.replicas).toBe(6);

  const undone = await post('/undo', { id });
  expect(undone.status).toBe(200);
  expect(undone.json).toMatchObject({ undone: id, tool: 'scale_deployment', target: `deployment/${NS}/${DEP}`, dryRun: false });
  expect((await deployment()).spec?.replicas).toBe(r0);
  const rows = base.deps.store.audit.list({ target: `deployment/${NS}/${DEP}`, limit: 3 });
  expect(rows[0]).toMatchObject({ tool: 'undo_action', ok: true, arguments: { id }, caller: 'rest' });
  expect(rows[1]).toMatchObject({ tool: 'scale_deployment', ok: true, id: undone.json.auditId, arguments: { replicas: r0 } });

  const again = await post('/undo', { id });
  expect(again.status).toBe(409);
  expect(again.json.error).toMatch(new RegExp(`changed after it \\(#${undone.json.auditId} scale_deployment\\); undo the newest change first`));
}, 30_000);

it('undoes a restart by rolling back to the revision before it', async () => {
  const before = await deployment();
  const annotation = (d: typeof before) => d.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? null;
  const restarted = await post('/restart', { namespace: NS, deployment: DEP });
  expect(restarted.status).toBe(200);
  expect(annotation(await deployment())).not.toBe(annotation(before));
  const undone = await post('/undo', { id: restarted.json.auditId });
  expect(undone.status).toBe(200);
  expect(undone.json.message).toMatch(/^done: roll back deployment/);
  expect(annotation(await deployment())).toBe(annotation(before));
}, 30_000);

it('says clearly when undo is impossible, and changes nothing', async () => {
  const deleted = await post('/delete_pod', { namespace: NS, deployment: DEP });
  expect(deleted.status).toBe(200);
  const pod = await post('/undo', { id: deleted.json.auditId });
  expect(pod.status).toBe(403);
  expect(pod.json.error).toMatch(/a deleted pod cannot be restored/);

  const refused = await post('/scale', { namespace: NS, deployment: DEP, replicas: 999 });
  expect(refused.status).toBe(403); // above safety.maxReplicas
  const refusedRow = base.deps.store.audit.list({ limit: 1 })[0]!;
  const notAChange = await post('/undo', { id: refusedRow.id });
  expect(notAChange.status).toBe(409);
  expect(notAChange.json.error).toMatch(/is not a completed change/);

  expect((await post('/undo', { id: 999_999 })).status).toBe(404);
}, 30_000);
