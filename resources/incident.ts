import { defineResource } from '../src/catalog/define-resource.js';
import { getIncident } from '../src/services/incidents.js';

export const incidentResource = defineResource({
  name: 'incident',
  title: 'One incident',
  description: 'An incident by id (inc-<number>): details, actions and timestamps.',
  uri: 'sentinelops://incidents/{id}',
  list: async (ctx) =>
    (await ctx.store.state.incidents.list({ limit: 100 })).map((i) => ({
      uri: `sentinelops://incidents/${i.id}`,
      name: `${i.id} ${i.title}`,
      description: `${i.severity} ${i.type} on ${i.namespace}/${i.target}: ${i.outcome}`,
    })),
  complete: {
    id: async (ctx, value) => (await ctx.store.state.incidents.list({ limit: 100 })).map((i) => i.id).filter((id) => id.startsWith(value)),
  },
  read: (ctx, vars) => getIncident(ctx, vars.id ?? ''),
});
