import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { ChaosBeforeSchema, chaosCascade, ExperimentSchema } from '../src/services/chaos.js';
import { namespaceOrDefault } from '../src/services/context.js';
import { dryRunArg, mutationOutput, namespaceArg, objectName } from './schemas.js';

export const chaosCascadeTool = defineTool({
  name: 'chaos_cascade',
  title: 'Chaos: cascade failure',
  description:
    'Chaos experiment: crash several running pods of a deployment at once — `count` pods, or a `share` of them (rounded down; default chaos.maxShare) — to check recovery from a correlated failure. Refused (nothing changed) when it would exceed chaos.maxPods or chaos.maxShare; the message says the most allowed. Same backends, namespace rules, recording and audit as chaos_pod_crash; dryRun=true lists the pods that would crash.',
  input: z.object({
    namespace: namespaceArg,
    deployment: objectName('deployment'),
    share: z.number().gt(0).max(1).optional().describe('fraction of running pods to crash, e.g. 0.5'),
    count: z.number().int().min(1).max(1000).optional().describe('exact number of pods to crash (instead of share)'),
    dryRun: dryRunArg,
  }),
  output: z.object(mutationOutput(ChaosBeforeSchema, ExperimentSchema)),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: (args, { ctx }) => chaosCascade(ctx, { ...args, namespace: namespaceOrDefault(ctx, args.namespace) }),
});
