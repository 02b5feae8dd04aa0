/**
 * Audit first (issue 19 items 2 and 8, issue 11 item 3): the intent row exists before the cluster is
 * touched; when it cannot be written (here: another process holds the store's write lock) nothing
 * changes and the caller hears why, quickly, over MCP (a tool error) and REST (503); reads keep
 * answering meanwhile; an unexpected exception stays a bug instead of becoming "unavailable, retry".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/base/errors.js';
import type { ServiceContext } from '../../src/services/context.js';
import { runMutation } from '../../src/services/mutation.js';
import { Store } from '../../src/store/index.js';
import { call, mountRest } from '../rest/harness.js';
import { startHarness, type Harness } from '../server/harness.js';
import { holdStoreLock } from './lock.js';

const NS = 'demo';
const DEP = 'nginx-demo';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ safety: { cooldownSeconds: 0 }, http: { port: 0 } });
}, 30_000);
afterAll(() => h?.close());

const replicas = async () => (await h.deps.cluster.readDeployment(NS, DEP)).spec?.replicas;
const ctx = (): ServiceContext => ({ ...h.deps, caller: 'audit-first-test', random: () => 0 });
const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
};

describe('the store locked by another process', () => {
  it('MCP: log_incident under the lock says the store could not be written (not "a bug") and records nothing', async () => {
    const before = h.deps.store.incidents.list({}).length;
    const lock = await holdStoreLock(h.config.store.path);
    try {
      const msg = await h.fails('log_incident', { type: 'crash_loop', severity: 'high', namespace: NS, target: DEP, title: 'under a lock' });
      expect(msg).toMatch(/^log_incident: the store could not be written: the store file is locked by another process/);
      expect(msg).not.toMatch(/bug/);
    } finally {
      await lock.release();
    }
    expect(h.deps.store.incidents.list({}).length).toBe(before);
  });

  it('MCP: scale_deployment changes nothing, says why within a second; reads still answer; after the lock, it works and is settled', async () => {
    const start = await replicas();
    const lock = await holdStoreLock(h.config.store.path);
    try {
      const [msg, ms] = await timed(() => h.fails('scale_deployment', { namespace: NS, deployment: DEP, replicas: start! + 1 }));
      expect(msg).toMatch(/could not record the intent in the audit log, so nothing was changed/);
      expect(msg).toMatch(/locked by another process/);
      expect(ms).toBeLessThan(1500);
      expect(await replicas()).toBe(start);
      // Reads are not blocked by the writer (WAL): neither the cluster tools nor the store's own reads.
      const [list, readMs] = await timed(() => h.ok<{ items: { name: string }[] }>('list_deployments', { namespace: NS }));
      expect(list.items.map((d) => d.name)).toContain(DEP);
      expect(readMs).toBeLessThan(1500);
      expect(h.deps.store.audit.list({ tool: 'scale_deployment' })).toEqual([]);
    } finally {
      await lock.release();
    }
    await h.ok('scale_deployment', { namespace: NS, deployment: DEP, replicas: start! + 1 });
    expect(await replicas()).toBe(start! + 1);
    expect(h.deps.store.audit.list({ tool: 'scale_deployment' })[0]).toMatchObject({
      ok: true,
      pending: false,
      before: { replicas: start },
      after: { replicas: start! + 1 },
    });
  });

  it('REST: POST /scale answers 503 with the cause and changes nothing', async () => {
    const rest = await mountRest({ sim: h.sim, deps: h.deps, config: h.config, close: async () => {} });
    const start = await replicas();
    const lock = await holdStoreLock(h.config.store.path);
    try {
      const r = await call(rest.url, 'POST', '/api/v1/scale', { body: { namespace: NS, deployment: DEP, replicas: start! + 1 } });
      expect(r.status).toBe(503);
      expect(r.json).toMatchObject({ code: 'unavailable' });
      expect(r.json.error).toMatch(/locked by another process/);
      expect(r.json.details.cause).toMatch(/^the store file is locked by another process .*SQLITE_BUSY/);
      expect(await replicas()).toBe(start);
    } finally {
      await lock.release();
      await rest.close();
    }
  });
});

describe('intent before change', () => {
  it('the row is pending while the change runs, a second call is held back by it, and it is settled after', async () => {
    const c = ctx();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let applied = 0;
    const spec = {
      tool: 'test_change',
      namespace: NS,
      target: `deployment/${NS}/intent-test`,
      arguments: { n: 1 },
      before: async () => ({ n: 0 }),
      plan: () => 'change the test object',
      apply: async () => {
        applied++;
        await gate;
        return { n: 1 };
      },
    };
    const config = { ...c.config, safety: { ...c.config.safety, cooldownSeconds: 60 } };
    const first = runMutation({ ...c, config }, spec);
    await new Promise((r) => setTimeout(r, 50));
    expect(applied).toBe(1);
    const [row] = h.deps.store.audit.list({ tool: 'test_change' });
    expect(row).toMatchObject({ pending: true, ok: false, before: { n: 0 }, after: null });
    // Another connection (a second process) sees it too: a crash now would leave it visible.
    const other = Store.open(h.config.store.path, { now: () => Date.now() });
    try {
      expect(other.audit.get(row!.id)).toMatchObject({ pending: true });
    } finally {
      other.close();
    }
    await expect(runMutation({ ...c, config }, spec)).rejects.toMatchObject({ code: 'cooldown' });
    expect(applied).toBe(1);
    release();
    await first;
    expect(h.deps.store.audit.get(row!.id)).toMatchObject({ pending: false, ok: true, after: { n: 1 } });
  });

  it('an unexpected exception is rethrown as itself (a bug), not as ServiceError unavailable, and its row is settled failed', async () => {
    const boom = new TypeError('cannot read properties of undefined');
    const p = runMutation(ctx(), {
      tool: 'test_bug',
      namespace: NS,
      target: `deployment/${NS}/bug-test`,
      arguments: {},
      before: async () => ({}),
      plan: () => 'hit a bug',
      apply: async () => {
        throw boom;
      },
    });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect(err).not.toBeInstanceOf(ServiceError);
    expect(h.deps.store.audit.list({ tool: 'test_bug' })[0]).toMatchObject({
      pending: false,
      ok: false,
      error: expect.stringMatching(/cannot read properties/),
    });
  });
});
