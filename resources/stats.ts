import { defineResource } from '../src/catalog/define-resource.js';
import { incidentStats } from '../src/services/incidents.js';

export const statsResource = defineResource({
  name: 'stats',
  title: 'Incident statistics',
  description: 'MTTR mean/p50/p95, success rate and counts by type and outcome over all recorded incidents.',
  uri: 'sentinelops://stats',
  read: (ctx) => incidentStats(ctx, {}),
});
