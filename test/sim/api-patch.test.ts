/** Pure pieces of the API server: patch semantics and path routing, as tables of named cases. */
import { describe, expect, it } from 'vitest';
import { mergePatch, strategicMergePatch } from '../../src/sim/api/patch.js';
import { route } from '../../src/sim/api/router.js';

const pod = {
  spec: {
    containers: [
      { name: 'a', image: 'a:1', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'X', value: '1' }] },
      { name: 'b', image: 'b:1' },
    ],
  },
  metadata: { finalizers: ['one'], labels: { keep: 'yes', drop: 'yes' } },
};

describe('strategic merge patch', () => {
  it.each([
    [
      'merges containers by name',
      { spec: { containers: [{ name: 'b', image: 'b:2' }] } },
      (r: any) => expect(r.spec.containers.map((c: any) => c.image)).toEqual(['a:1', 'b:2']),
    ],
    [
      'appends a new container',
      { spec: { containers: [{ name: 'c', image: 'c:1' }] } },
      (r: any) => expect(r.spec.containers.map((c: any) => c.name)).toEqual(['a', 'b', 'c']),
    ],
    [
      'deletes a container with $patch: delete',
      { spec: { containers: [{ name: 'a', $patch: 'delete' }] } },
      (r: any) => expect(r.spec.containers.map((c: any) => c.name)).toEqual(['b']),
    ],
    [
      'replaces a list with $patch: replace',
      { spec: { containers: [{ name: 'z', image: 'z:1' }, { $patch: 'replace' }] } },
      (r: any) => expect(r.spec.containers).toEqual([{ name: 'z', image: 'z:1' }]),
    ],
    [
      'merges env by name and ports by containerPort',
      { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] }] } },
      (r: any) => {
        expect(r.spec.containers[0].env).toEqual([
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ]);
        expect(r.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'http' }]);
      },
    ],
    [
      'unions finalizers and deletes with null',
      { metadata: { finalizers: ['two'], labels: { drop: null } } },
      (r: any) => {
        expect(r.metadata.finalizers).toEqual(['one', 'two']);
        expect(r.metadata.labels).toEqual({ keep: 'yes' });
      },
    ],
    [
      'ignores $setElementOrder and $retainKeys hints',
      { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'a', image: 'a:2' }] } },
      (r: any) => {
        expect(r.spec.containers.map((c: any) => c.image)).toEqual(['a:2', 'b:1']);
        expect(Object.keys(r.spec)).toEqual(['containers']);
      },
    ],
  ])('%s', (_name, patch, check) => {
    const before = structuredClone(pod);
    check(strategicMergePatch(pod, patch));
    expect(pod).toEqual(before); // the target is never modified
  });

  it('merge patch replaces lists instead of merging them', () => {
    expect((mergePatch(pod, { spec: { containers: [{ name: 'b', image: 'b:2' }] } }) as any).spec.containers).toEqual([{ name: 'b', image: 'b:2' }]);
  });
});

describe('router', () => {
  it.each([
    ['/api/v1/namespaces/demo/pods', { kind: 'resource', namespace: 'demo', name: undefined, sub: undefined, plural: 'pods' }],
    ['/api/v1/namespaces/demo/pods/web-1/log', { kind: 'resource', namespace: 'demo', name: 'web-1', sub: 'log', plural: 'pods' }],
    ['/api/v1/pods', { kind: 'resource', namespace: undefined, name: undefined, sub: undefined, plural: 'pods' }],
    ['/api/v1/namespaces/demo', { kind: 'resource', namespace: undefined, name: 'demo', sub: undefined, plural: 'namespaces' }],
    ['/api/v1/namespaces/demo/status', { kind: 'resource', namespace: undefined, name: 'demo', sub: 'status', plural: 'namespaces' }],
    ['/apis/apps/v1/namespaces/demo/deployments/web/scale', { kind: 'resource', namespace: 'demo', name: 'web', sub: 'scale', plural: 'deployments' }],
    ['/api/v1/nodes/node-1/status', { kind: 'resource', namespace: undefined, name: 'node-1', sub: 'status', plural: 'nodes' }],
  ])('%s', (path, want) => {
    const r = route(path);
    expect(r?.kind).toBe('resource');
    if (r?.kind !== 'resource') return;
    expect({ kind: r.kind, namespace: r.namespace, name: r.name, sub: r.sub, plural: r.res.plural }).toEqual(want);
  });

  it.each(['/api/v1/pods/web-1', '/apis/apps/v2/deployments', '/apis/apps', '/api/v1/namespaces/demo/pods/a/b/c', '/api/v1/namespaces/demo/widgets'])(
    'does not route %s',
    (path) => {
      expect(route(path)).toBeUndefined();
    },
  );
});
