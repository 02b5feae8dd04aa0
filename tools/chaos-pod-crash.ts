import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { ChaosBeforeSchema, chaosPodCrash, ExperimentSchema } from '../src/services/chaos.js';
import { namespaceOrDefault } from '../src/services/context.js';
import { dryRunArg, mutationOutput, namespaceArg, objectName } from './schemas.js';

export const chaosPodCrashTool = defineTool({
  name: 'chaos_pod_crash',
  title: 'Chaos: crash a pod',
  description:
    "Chaos experiment: crash one pod — a named `pod`, or a random running pod of `deployment` — to check that the deployment recovers. On the simulator the container is killed and restarts; on a real cluster the pod is deleted at once and its ReplicaSet replaces it. Only when chaos is enabled, in chaos.allowedNamespaces, never in protected namespaces, and within the blast radius (the pod must be at most chaos.maxShare of the deployment's running pods). Recorded as an experiment (see chaos_status) and audited; dryRun=true shows which pod would crash.",
  input: z.object({
    namespace: namespaceArg,
    pod: objectName('pod').optional(),
    deployment: objectName('deployment').optional(),
    dryRun: dryRunArg,
  }),
  output: z.object(mutationOutput(ChaosBeforeSchema, ExperimentSchema)),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: (args, { ctx }) => chaosPodCrash(ctx, { ...args, namespace: namespaceOrDefault(ctx, args.namespace) }),
});
