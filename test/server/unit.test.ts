import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { filterTools } from '../../src/catalog/filter-tools.js';
import { bearerMatches, hostAllowed, originAllowed } from '../../src/http/security.js';
import { mergePatchDiff } from '../../src/services/merge-patch.js';
import { summarizePod } from '../../src/services/pod-summary.js';
import { aggregate } from '../../src/services/metrics.js';
import { cpuMillicores, memoryBytes } from '../../src/base/quantity.js';
import { ALL_TOOLS } from '../../tools/index.js';

const tool = (name: string, annotations: Record<string, boolean> | undefined) => ({ name, annotations }) as never;
const cfg = (readOnly: boolean, nonDestructive: boolean) => ({ safety: { readOnly, nonDestructive } });

describe('filterTools', () => {
  const tools = [
    tool('read', { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }),
    tool('write', { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true }),
    tool('destroy', { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true }),
    tool('no-hints', undefined),
    tool('partial', { readOnlyHint: false }),
  ];
  it.each([
    ['default', cfg(false, false), ['read', 'write', 'destroy', 'no-hints', 'partial']],
    ['read-only', cfg(true, false), ['read']],
    ['non-destructive (missing hint fails safe)', cfg(false, true), ['read', 'write']],
    ['both', cfg(true, true), ['read']],
  ])('%s', (_name, config, expected) => {
    expect(filterTools(tools, config).map((t: { name: string }) => t.name)).toEqual(expected);
  });

  it('every real tool states all four hints and a snake_case name', () => {
    for (const t of ALL_TOOLS) {
      expect(t.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(Object.keys(t.annotations).sort()).toEqual(['destructiveHint', 'idempotentHint', 'openWorldHint', 'readOnlyHint']);
    }
    expect(new Set(ALL_TOOLS.map((t) => t.name)).size).toBe(ALL_TOOLS.length);
  });
});

describe('http security', () => {
  const loop = { bindHost: '127.0.0.1', allowedHosts: [] };
  it.each([
    ['localhost:8000', loop, true],
    ['127.0.0.1:8000', loop, true],
    ['[::1]:8000', loop, true],
    ['evil.example:8000', loop, false],
    [undefined, loop, false],
    ['ops.example.com', { bindHost: '0.0.0.0', allowedHosts: ['ops.example.com'] }, true],
    ['evil.example', { bindHost: '0.0.0.0', allowedHosts: ['ops.example.com'] }, false],
    ['anything', { bindHost: '0.0.0.0', allowedHosts: [] }, true],
  ])('Host %s', (host, policy, ok) => {
    expect(hostAllowed(host, policy)).toBe(ok);
  });

  it.each([
    [undefined, [], true],
    ['http://localhost:3000', [], true],
    ['http://127.0.0.1', [], true],
    ['https://evil.example', [], false],
    ['https://dash.example', ['https://dash.example'], true],
    ['null', [], false],
  ])('Origin %s', (origin, allowed, ok) => {
    expect(originAllowed(origin, allowed)).toBe(ok);
  });

  it('compares bearer tokens exactly', () => {
    expect(bearerMatches('Bearer abcdefghijklmnopq', 'abcdefghijklmnopq')).toBe(true);
    expect(bearerMatches('bearer abcdefghijklmnopq', 'abcdefghijklmnopq')).toBe(true);
    expect(bearerMatches('Bearer abcdefghijklmnopX', 'abcdefghijklmnopq')).toBe(false);
    expect(bearerMatches('Basic abc', 'abc')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
  });
});

describe('mergePatchDiff', () => {
  it('sets changed keys, nulls removed ones, replaces arrays', () => {
    const from = {
      metadata: { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': 't' } },
      spec: { containers: [{ name: 'c', image: 'v2' }] },
    };
    const to = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'v1' }] } };
    expect(mergePatchDiff(from, to)).toEqual({ metadata: { annotations: null }, spec: { containers: [{ name: 'c', image: 'v1' }] } });
    expect(mergePatchDiff(to, to)).toEqual({});
  });
});

describe('summarizePod', () => {
  const base = (status: V1Pod['status'], extra: Partial<V1Pod> = {}): V1Pod => ({
    metadata: {
      name: 'web-abc12-xyz',
      namespace: 'demo',
      labels: { 'pod-template-hash': 'abc12' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc12', uid: 'u' }],
      creationTimestamp: new Date('2026-01-01T00:00:00Z'),
    },
    spec: { containers: [{ name: 'c', image: 'nginx:1' }], nodeName: 'node-1' },
    status,
    ...extra,
  });

  it('reports the worst reason, restarts, owner and last termination', () => {
    const s = summarizePod(
      base({
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'c',
            image: 'nginx:1',
            imageID: '',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
          },
        ],
      }),
    );
    expect(s).toMatchObject({
      ready: false,
      restarts: 4,
      reason: 'CrashLoopBackOff',
      message: 'back-off',
      lastTerminationReason: 'OOMKilled',
      ownerDeployment: 'web',
      scheduled: true,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it.each<{ name: string; runs: ([started: string, finished: string] | undefined)[]; want: number | null }>([
    {
      name: 'the shortest last run of two containers',
      runs: [
        ['2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z'],
        ['2026-01-01T00:59:55Z', '2026-01-01T00:59:59.500Z'],
      ],
      want: 4.5,
    },
    { name: 'one container that terminated, one that never did', runs: [undefined, ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z']], want: 86_400 },
    { name: 'no container ever terminated', runs: [undefined, undefined], want: null },
  ])('lastRunSeconds: $name → $want', ({ runs, want }) => {
    const s = summarizePod(
      base({
        phase: 'Running',
        containerStatuses: runs.map((r, i) => ({
          name: `c${i}`,
          image: 'nginx:1',
          imageID: '',
          ready: true,
          restartCount: r ? 1 : 0,
          state: { running: {} },
          ...(r ? { lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: new Date(r[0]), finishedAt: new Date(r[1]) } } } : {}),
        })),
      }),
    );
    expect(s.lastRunSeconds).toBe(want);
  });

  it('lastRunSeconds is null when the last termination has no start time', () => {
    const s = summarizePod(
      base({
        phase: 'Running',
        containerStatuses: [
          {
            name: 'c',
            image: 'nginx:1',
            imageID: '',
            ready: true,
            restartCount: 1,
            state: { running: {} },
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: new Date('2026-01-01T00:00:00Z') } },
          },
        ],
      }),
    );
    expect(s).toMatchObject({ lastTerminationReason: 'OOMKilled', lastRunSeconds: null });
  });

  it('marks unschedulable pods', () => {
    const s = summarizePod(
      base({
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }],
      }),
    );
    expect(s).toMatchObject({ scheduled: false, reason: 'Unschedulable', unschedulableMessage: '0/3 nodes are available: 3 Insufficient cpu.' });
  });
});

describe('metrics aggregation', () => {
  it('computes utilization over measured pods only', () => {
    const f = (pod: string, cpu?: number) => ({
      namespace: 'demo',
      pod,
      deployment: 'web',
      cpuRequest: 100,
      memRequest: 1000,
      cpuLimit: 200,
      memLimit: 2000,
      usage: cpu === undefined ? undefined : { namespace: 'demo', pod, cpuMillicores: cpu, memoryBytes: 500 },
    });
    const [row] = aggregate([f('a', 80), f('b', 40), f('c')], 'deployment');
    expect(row).toMatchObject({
      name: 'web',
      pods: 3,
      podsWithMetrics: 2,
      cpuMillicores: 120,
      cpuRequestMillicores: 300,
      cpuUtilization: 60,
      memoryUtilization: 50,
    });
  });

  it('parses quantities', () => {
    expect(cpuMillicores('250m')).toBe(250);
    expect(cpuMillicores('1.5')).toBe(1500);
    expect(cpuMillicores('100000n')).toBe(1); // 0.1m, rounded up as the API server's MilliValue
    expect(memoryBytes('128Mi')).toBe(134217728);
    expect(memoryBytes('1G')).toBe(1e9);
    expect(memoryBytes('junk')).toBe(0);
  });
});
