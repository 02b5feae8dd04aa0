import type { ResourceDefinition } from '../src/catalog/define-resource.js';
import { incidentResource } from './incident.js';
import { incidentsResource } from './incidents.js';
import { statsResource } from './stats.js';

export const ALL_RESOURCES: readonly ResourceDefinition[] = [incidentsResource, incidentResource, statsResource];
