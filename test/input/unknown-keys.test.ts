/**
 * Issue 19 item 1: a misspelt dry-run flag used to be dropped silently, so the call made a real change.
 * Every mutating tool, over MCP and over REST (query string and JSON body), must refuse it, name the
 * accepted arguments, leave a refusal in the audit log and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { createToolInvoker } from '../../src/rest/invoker.js';
import { call, mountRest, type RestServer } from '../rest/harness.js';
import { connectClient, eventually, startSimDeps, type ConnectedClient, type SimBackedDeps } from '../server/harness.js';

const NS = 'demo';
const DEP = 'nginx-demo';

let base: SimBackedDeps;
let mcp: ConnectedClient;
let rest: RestServer;

const deployment = () => base.deps.cluster.readDeployment(NS, DEP);
const podNames = async () => (await base.deps.cluster.listPods(NS)).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!);
const lastAudit = () => base.deps.store.audit.list({ limit: 1 })[0]!;

beforeAll(async () => {
  base = await startSimDeps({ http: { port: 0 }, safety: { cooldownSeconds: 0 }, chaos: { enabled: true } });
  mcp = await connectClient(base.deps, 'unknown-keys');
  rest = await mountRest(base);
  await eventually(async () => {
    const d = await deployment();
    return d.status?.readyReplicas === d.spec?.replicas && (await podNames()).length === d.spec?.replicas;
  }, 20_000);
}, 60_000);
afterAll(async () => {
  await mcp?.close();
  await rest?.close();
  await base?.close();
});

describe('a misspelt dry-run flag changes nothing', () => {
  it('over MCP, for every mutating tool', async () => {
    const before = await deployment();
    const pods = await podNames();
    const calls: [string, Record<string, unknown>, string][] = [
      ['restart_deployment', { namespace: NS, deployment: DEP, dry_run: true }, 'namespace, deployment, wait, timeoutSeconds, dryRun, cluster'],
      ['scale_deployment', { namespace: NS, deployment: DEP, replicas: 5, dry_run: true }, 'namespace, deployment, replicas, dryRun, cluster'],
      ['delete_pod', { namespace: NS, pod: pods[0], dry_run: true }, 'namespace, pod, deployment, dryRun, cluster'],
      ['rollback_deployment', { namespace: NS, deployment: DEP, dry_run: true }, 'namespace, deployment, toRevision, dryRun, cluster'],
      ['chaos_pod_crash', { namespace: NS, deployment: DEP, dry_run: true }, 'namespace, pod, deployment, dryRun, cluster'],
      ['chaos_cascade', { namespace: NS, deployment: DEP, dry_run: true }, 'namespace, deployment, share, count, dryRun, cluster'],
      ['chaos_cpu_spike', { namespace: NS, deployment: DEP, dry_run: true }, 'namespace, deployment, durationSeconds, millicoresPerPod, pods, dryRun, cluster'],
    ];
    for (const [tool, args, accepted] of calls) {
      expect(await mcp.fails(tool, args)).toBe(`unknown argument "dry_run" for ${tool}; accepted: ${accepted}. Nothing was changed.`);
      expect(lastAudit()).toMatchObject({ tool, ok: false, caller: 'unknown-keys', error: expect.stringMatching(/^unknown argument "dry_run"/) });
    }
    const after = await deployment();
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(await podNames()).toEqual(pods);
    expect(base.deps.store.chaos.active(NS)).toEqual([]);
  });

  it('over REST, in the query string and in a JSON body', async () => {
    const before = await deployment();
    // (REST accepts the seed's `dry_run` as an alias of dryRun; these are misspellings of both.)
    for (const key of ['dryrun', 'DryRun', 'dry-run', 'dryRUN']) {
      // The REST layer or the shared tool runner may refuse first; either way 400 naming the key and what is accepted.
      const q = await call(rest.url, 'POST', '/api/v1/scale', { query: { deployment: DEP, replicas: 5, [key]: 'true' } });
      expect(q.status).toBe(400);
      expect(q.json).toMatchObject({ code: 'invalid', issues: [{ path: key }] });
      expect(q.json.error).toMatch(new RegExp(`${key}.*dryRun`));
      const b = await call(rest.url, 'POST', '/api/v1/scale', { body: { deployment: DEP, replicas: 5, [key]: true } });
      expect(b.status).toBe(400);
      expect(b.json).toMatchObject({ code: 'invalid', issues: [{ path: key }] });
      expect(b.json.error).toMatch(new RegExp(`${key}.*dryRun`));
    }
    const restart = await call(rest.url, 'POST', '/api/v1/restart', { body: { deployment: DEP, dryrun: true } });
    expect(restart.status).toBe(400);
    expect((await deployment()).metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    // The accepted spelling still works.
    const plan = await call(rest.url, 'POST', '/api/v1/scale', { query: { deployment: DEP, replicas: 5, dryRun: 'true' } });
    expect(plan.status).toBe(200);
    expect(plan.json.dryRun).toBe(true);
  });

  it('through the REST invoker itself (JSON bodies, the dashboard): refused, audited, unchanged', async () => {
    const before = await deployment();
    const invoker = createToolInvoker(base.deps);
    const err = await invoker.invoke('restart_deployment', { namespace: NS, deployment: DEP, dry_run: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZodError);
    expect((err as ZodError).issues).toEqual([
      { code: 'custom', path: ['dry_run'], message: 'unknown argument; accepted: namespace, deployment, wait, timeoutSeconds, dryRun, cluster' },
    ]);
    expect(lastAudit()).toMatchObject({ tool: 'restart_deployment', ok: false, caller: 'rest', arguments: { dry_run: true } });
    expect((await deployment()).metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });

  it('inside nested objects too', async () => {
    expect(await mcp.fails('query_prometheus', { query: 'up', range: { sinceSeconds: 60, stepSeconds: 15, step: 5 } })).toBe(
      "invalid arguments for query_prometheus: range: Unrecognized key(s) in object: 'step'. Nothing was changed.",
    );
    const before = base.deps.store.incidents.list({}).length;
    expect(
      await mcp.fails('log_incident', {
        type: 'crash_loop',
        severity: 'high',
        namespace: NS,
        target: DEP,
        title: 't',
        action: { tool: 'restart_deployment', ok: true, dry_run: true },
      }),
    ).toMatch(/^invalid arguments for log_incident: action: Unrecognized key\(s\) in object: 'dry_run'/);
    expect(base.deps.store.incidents.list({}).length).toBe(before);
  });
});
