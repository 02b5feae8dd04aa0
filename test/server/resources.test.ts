/**
 * Resources, the template with list and completion, subscriptions, and prompts.
 */
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const openIncident = (target: string) =>
  h.ok<{ incident: { id: string } }>('log_incident', { type: 'oom_killed', severity: 'medium', namespace: 'demo', target, title: `${target} OOMKilled` });

describe('resources', () => {
  it('lists, reads and completes incidents', async () => {
    const { incident } = await openIncident('web');
    const list = JSON.parse(((await h.client.readResource({ uri: 'sentinelops://incidents' })).contents[0] as { text: string }).text) as {
      items: { id: string }[];
    };
    expect(list.items.map((i) => i.id)).toContain(incident.id);
    const one = JSON.parse(((await h.client.readResource({ uri: `sentinelops://incidents/${incident.id}` })).contents[0] as { text: string }).text) as {
      id: string;
      target: string;
    };
    expect(one).toMatchObject({ id: incident.id, target: 'web' });
    const stats = JSON.parse(((await h.client.readResource({ uri: 'sentinelops://stats' })).contents[0] as { text: string }).text) as { total: number };
    expect(stats.total).toBeGreaterThanOrEqual(1);
    const templates = await h.client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toContain('sentinelops://incidents/{id}');
    const listed = await h.client.listResources();
    expect(listed.resources.map((r) => r.uri)).toEqual(
      expect.arrayContaining(['sentinelops://incidents', 'sentinelops://stats', `sentinelops://incidents/${incident.id}`]),
    );
    const completion = await h.client.complete({ ref: { type: 'ref/resource', uri: 'sentinelops://incidents/{id}' }, argument: { name: 'id', value: 'inc-' } });
    expect(completion.completion.values).toContain(incident.id);
    await expect(h.client.readResource({ uri: 'sentinelops://incidents/inc-424242' })).rejects.toThrow(/not found/);
  });

  it('notifies a subscriber when an incident opens and resolves, and stops after unsubscribe', async () => {
    const updates: string[] = [];
    h.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
    await h.client.subscribeResource({ uri: 'sentinelops://incidents' });
    const { incident } = await openIncident('api');
    await eventually(async () => updates.includes('sentinelops://incidents'));
    await h.client.subscribeResource({ uri: `sentinelops://incidents/${incident.id}` });
    await h.ok('log_incident', { id: incident.id, outcome: 'resolved' });
    await eventually(async () => updates.includes(`sentinelops://incidents/${incident.id}`));
    await h.client.unsubscribeResource({ uri: 'sentinelops://incidents' });
    await h.client.unsubscribeResource({ uri: `sentinelops://incidents/${incident.id}` });
    const seen = updates.length;
    await openIncident('db');
    await new Promise((r) => setTimeout(r, 200));
    expect(updates.length).toBe(seen);
  });
});

describe('prompts', () => {
  it('lists the three prompts and expands them', async () => {
    const { prompts } = await h.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['capacity_review', 'incident_postmortem', 'triage_namespace']);
    const triage = await h.client.getPrompt({ name: 'triage_namespace', arguments: { namespace: 'demo' } });
    expect((triage.messages[0]!.content as { text: string }).text).toMatch(/list_pods \{"namespace": "demo", "status": "unhealthy"\}/);
    const { incident } = await openIncident('cache');
    const pm = await h.client.getPrompt({ name: 'incident_postmortem', arguments: { incident_id: incident.id } });
    expect((pm.messages[0]!.content as { text: string }).text).toContain(`"id": "${incident.id}"`);
    await expect(h.client.getPrompt({ name: 'incident_postmortem', arguments: { incident_id: 'inc-0' } })).rejects.toThrow(/not found/);
    const completion = await h.client.complete({ ref: { type: 'ref/prompt', name: 'incident_postmortem' }, argument: { name: 'incident_id', value: 'inc-' } });
    expect(completion.completion.values).toContain(incident.id);
  });
});
