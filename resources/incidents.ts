import { defineResource } from '../src/catalog/define-resource.js';
import { listIncidents } from '../src/services/incidents.js';

export const incidentsResource = defineResource({
  name: 'incidents',
  title: 'Recent incidents',
  description: 'The 50 most recent incidents with their actions and outcome. Subscribe to be told when one opens or resolves.',
  uri: 'sentinelops://incidents',
  read: (ctx) => listIncidents(ctx, { limit: 50 }),
});
