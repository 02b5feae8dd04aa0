/**
 * Configuration-driven behaviour against the simulator: read-only, cooldown, configured dry-run and
 * elicitation-confirmed destructive calls.
 */
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const NS = 'demo';
const DEP = 'nginx-demo';

describe('modes', () => {
  it('read-only: mutating tools are not listed and cannot be called', async () => {
    h = await startHarness({ safety: { readOnly: true } });
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('list_pods');
    for (const n of ['scale_deployment', 'restart_deployment', 'delete_pod', 'rollback_deployment', 'log_incident']) expect(names).not.toContain(n);
    expect(await h.fails('scale_deployment', { namespace: NS, deployment: DEP, replicas: 3 })).toBe(
      'scale_deployment is disabled by the configuration (read-only mode); nothing was changed',
    );
    expect(h.deps.store.audit.list({ limit: 1 })[0]).toMatchObject({ tool: 'scale_deployment', ok: false, error: expect.stringMatching(/read-only mode/) });
    expect(await h.fails('no_such_tool')).toMatch(/tool "no_such_tool" not found; tools\/list shows/);
  });

  it('cooldown: the same change to the same deployment within the window is refused with a retry time; another remedy is not', async () => {
    h = await startHarness({ safety: { cooldownSeconds: 60 } });
    await h.ok('scale_deployment', { namespace: NS, deployment: DEP, replicas: 3 });
    expect(await h.fails('scale_deployment', { namespace: NS, deployment: DEP, replicas: 4 })).toMatch(
      /changed by scale_deployment 0s ago; a scale-up has a cooldown of 15s after the last scale \(the HPA.s sync period\)\. Retry in 15s/,
    );
    expect((await h.deps.cluster.readDeployment(NS, DEP)).spec?.replicas).toBe(3);
    expect(h.deps.store.audit.list({ limit: 1 })[0]).toMatchObject({ ok: false, error: expect.stringMatching(/cooldown/) });
    // A different remedy on the same target right after the scale goes through (a rollback must not wait for an
    // autoscale's cooldown), and then is itself cooled down; dry-run reports the refusal too.
    await h.ok('restart_deployment', { namespace: NS, deployment: DEP });
    expect(await h.fails('restart_deployment', { namespace: NS, deployment: DEP, dryRun: true })).toMatch(/cooldown/);
  });

  it('configured dry-run: every mutation returns its plan only', async () => {
    h = await startHarness({ safety: { dryRun: true, cooldownSeconds: 0 } });
    const before = (await h.deps.cluster.readDeployment(NS, DEP)).spec?.replicas;
    const r = await h.ok<{ dryRun: boolean }>('scale_deployment', { namespace: NS, deployment: DEP, replicas: 5 });
    expect(r.dryRun).toBe(true);
    const pods = await h.ok<{ items: { name: string }[] }>('list_pods', { namespace: NS });
    await h.ok('delete_pod', { namespace: NS, pod: pods.items[0]!.name });
    expect((await h.deps.cluster.readDeployment(NS, DEP)).spec?.replicas).toBe(before);
    expect((await h.deps.cluster.readPod(NS, pods.items[0]!.name)).metadata?.deletionTimestamp).toBeUndefined();
  });

  it('confirmDestructive: a declined elicitation changes nothing and is audited; an accepted one proceeds', async () => {
    h = await startHarness({ safety: { confirmDestructive: true, cooldownSeconds: 0 } }, { capabilities: { elicitation: {} } });
    let answer: 'accept' | 'decline' = 'decline';
    const asked: string[] = [];
    h.client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params.message);
      return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
    });
    await eventually(async () => (await h!.ok<{ items: unknown[] }>('list_pods', { namespace: NS, status: 'running' })).items.length > 0);
    const pods = await h.ok<{ items: { name: string }[] }>('list_pods', { namespace: NS, status: 'running' });
    const pod = pods.items[0]!.name;
    expect(await h.fails('delete_pod', { namespace: NS, pod })).toMatch(/not confirmed by the user \(decline\); nothing was changed/);
    expect(asked[0]).toMatch(/Delete a pod/);
    // The plan, not just the arguments: what goes away and which guardrails hold.
    expect(asked[0]).toContain(`change: pod/${NS}/${pod}: "exists" → "deleted`);
    expect(asked[0]).toMatch(/blast radius: 0 pod\(s\) restart, 1 removed/);
    expect(asked[0]).toMatch(/guardrails: namespace \S+: allowed; cooldown: 0s/);
    expect((await h.deps.cluster.readPod(NS, pod)).metadata?.deletionTimestamp).toBeUndefined();
    expect(h.deps.store.audit.list({ limit: 1 })[0]).toMatchObject({ tool: 'delete_pod', ok: false });
    answer = 'accept';
    await h.ok('delete_pod', { namespace: NS, pod });
    // Non-destructive tools never ask.
    await h.ok('scale_deployment', { namespace: NS, deployment: DEP, replicas: 3 });
    expect(asked).toHaveLength(2);
  });
});
