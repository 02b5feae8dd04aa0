import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { ApiError } from '../../src/sim/errors.js';
import { R } from '../../src/sim/resources.js';
import { ObjectStore } from '../../src/sim/store.js';
import type { KObject, WatchEvent } from '../../src/sim/types.js';

function pod(name: string, labels: Record<string, string> = {}, ns = 'demo'): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { containers: [] }, status: { phase: 'Pending' } };
}

describe('ObjectStore', () => {
  it('assigns identity on create and refuses duplicates with AlreadyExists', () => {
    const s = new ObjectStore(new VirtualClock());
    const p = s.create(R.pods, pod('a'));
    expect(p.metadata.uid).toBeTruthy();
    expect(p.metadata.resourceVersion).toBe(s.resourceVersion);
    expect(p.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(() => s.create(R.pods, pod('a'))).toThrowError(expect.objectContaining({ code: 409, reason: 'AlreadyExists' }));
  });

  it('rejects a stale resourceVersion with Conflict and keeps the stored object', () => {
    const s = new ObjectStore(new VirtualClock());
    const p = s.create(R.pods, pod('a'));
    s.update(R.pods, { ...p, metadata: { ...p.metadata, labels: { x: '1' } } });
    const err = (() => {
      try {
        s.update(R.pods, { ...p, metadata: { ...p.metadata, labels: { x: '2' } } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(409);
    expect(s.get(R.pods, 'demo', 'a')!.metadata.labels).toEqual({ x: '1' });
  });

  it('bumps generation only on spec changes and keeps status out of main-resource writes', () => {
    const s = new ObjectStore(new VirtualClock());
    const d = s.create(R.deployments, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'demo' }, spec: { replicas: 1 } });
    const d2 = s.update(R.deployments, { ...d, metadata: { ...d.metadata, labels: { a: 'b' } }, status: { replicas: 9 } });
    expect(d2.metadata.generation).toBe(1);
    expect(d2.status).toBeUndefined();
    const d3 = s.update(R.deployments, { ...d2, spec: { replicas: 3 } });
    expect(d3.metadata.generation).toBe(2);
    const d4 = s.update(R.deployments, { ...d3, status: { replicas: 3 } }, { subresource: 'status' });
    expect(d4.status).toEqual({ replicas: 3 });
    expect(d4.metadata.generation).toBe(2);
  });

  it('lists with label and field selectors and pages with continue', () => {
    const s = new ObjectStore(new VirtualClock());
    for (let i = 0; i < 5; i++) s.create(R.pods, pod(`p${i}`, { app: i % 2 ? 'odd' : 'even' }));
    s.create(R.pods, pod('other', { app: 'even' }, 'prod'));
    expect(s.list(R.pods, { namespace: 'demo', labelSelector: 'app=even' }).items.map((p) => p.metadata.name)).toEqual(['p0', 'p2', 'p4']);
    expect(s.list(R.pods, { labelSelector: 'app in (even)' }).items).toHaveLength(4);
    expect(s.list(R.pods, { fieldSelector: 'metadata.namespace=prod' }).items.map((p) => p.metadata.name)).toEqual(['other']);
    const page1 = s.list(R.pods, { namespace: 'demo', limit: 2 });
    expect(page1.items.map((p) => p.metadata.name)).toEqual(['p0', 'p1']);
    const page2 = s.list(R.pods, { namespace: 'demo', limit: 2, continue: page1.continue });
    const page3 = s.list(R.pods, { namespace: 'demo', limit: 2, continue: page2.continue });
    expect(page2.items.map((p) => p.metadata.name)).toEqual(['p2', 'p3']);
    expect(page3.items.map((p) => p.metadata.name)).toEqual(['p4']);
    expect(page3.continue).toBeUndefined();
    expect(() => s.list(R.pods, { labelSelector: 'app in (' })).toThrowError(ApiError);
    expect(() => s.list(R.pods, { fieldSelector: 'spec.bogus=1' })).toThrowError(/not supported/);
  });

  it('watches from a resourceVersion and turns selector transitions into ADDED/DELETED', () => {
    const s = new ObjectStore(new VirtualClock());
    const a = s.create(R.pods, pod('a', { app: 'web' }));
    const rv = s.resourceVersion;
    const seen: string[] = [];
    const stop = s.watch(R.pods, { namespace: 'demo', labelSelector: 'app=web', resourceVersion: rv }, (e: WatchEvent) =>
      seen.push(`${e.type}:${e.object.metadata.name}`),
    );
    s.create(R.pods, pod('b', { app: 'web' }));
    s.mutate(R.pods, 'demo', 'a', (o) => {
      o.metadata.labels = { app: 'db' };
    });
    s.delete(R.pods, 'demo', 'b');
    stop();
    s.create(R.pods, pod('c', { app: 'web' }));
    expect(seen).toEqual(['ADDED:b', 'DELETED:a', 'DELETED:b']);
    const replay: string[] = [];
    s.watch(R.pods, { resourceVersion: a.metadata.resourceVersion }, (e) => replay.push(`${e.type}:${e.object.metadata.name}`));
    expect(replay).toEqual(['ADDED:b', 'MODIFIED:a', 'DELETED:b', 'ADDED:c']);
  });
});
