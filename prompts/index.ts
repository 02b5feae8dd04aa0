import type { PromptDefinition } from '../src/catalog/define-resource.js';
import { capacityReviewPrompt } from './capacity-review.js';
import { incidentPostmortemPrompt } from './incident-postmortem.js';
import { triageNamespacePrompt } from './triage-namespace.js';

// any: heterogeneous argument shapes
export const ALL_PROMPTS: readonly PromptDefinition<any>[] = [triageNamespacePrompt, incidentPostmortemPrompt, capacityReviewPrompt];
