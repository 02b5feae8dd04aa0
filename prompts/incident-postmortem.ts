import { z } from 'zod';
import { definePrompt } from '../src/catalog/define-resource.js';
import { getIncident } from '../src/services/incidents.js';

export const incidentPostmortemPrompt = definePrompt({
  name: 'incident_postmortem',
  title: 'Write an incident postmortem',
  description: 'A blameless postmortem of one incident from its recorded timeline and actions.',
  args: { incident_id: z.string().describe('inc-<number>') },
  complete: {
    incident_id: async (ctx, value) => (await ctx.store.state.incidents.list({ limit: 100 })).map((i) => i.id).filter((id) => id.startsWith(value)),
  },
  build: async ({ incident_id }, ctx) => {
    const incident = await getIncident(ctx, incident_id);
    return [
      `Write a blameless postmortem for incident ${incident.id}. The recorded incident (JSON):`,
      '```json',
      JSON.stringify(incident, null, 2),
      '```',
      'Sections: Summary; Impact (what was degraded, for how long: detectedAt to resolvedAt); Timeline (from the actions, with times); Root cause (say what evidence supports it, and what is still a guess); What went well / what did not; Action items (owner-less, concrete).',
      `You may gather more evidence with list_events and get_pod_logs for ${incident.namespace}/${incident.target}, and incident_stats for whether this type recurs.`,
    ].join('\n');
  },
});
