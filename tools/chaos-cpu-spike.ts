import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { ChaosBeforeSchema, chaosCpuSpike, ExperimentSchema } from '../src/services/chaos.js';
import { namespaceOrDefault } from '../src/services/context.js';
import { dryRunArg, mutationOutput, namespaceArg, objectName } from './schemas.js';

export const chaosCpuSpikeTool = defineTool({
  name: 'chaos_cpu_spike',
  title: 'Chaos: CPU spike',
  description:
    "Chaos experiment: extra CPU load on a deployment for `durationSeconds` (default 120, at most chaos.maxDurationSeconds), `millicoresPerPod` (default 500) for each of `pods` chosen pods (default 1, capped by the blast radius). On the simulator the deployment's CPU demand rises by millicoresPerPod × pods, so get_metrics and autoscaling see it; on a real cluster a bounded burner pod runs beside each chosen pod on its node (activeDeadlineSeconds = duration, labelled sentinelops.dev/chaos=<id>). Ends on its own at the TTL, or earlier with chaos_cleanup. Same enablement, namespace rules and audit as the other chaos tools.",
  input: z.object({
    namespace: namespaceArg,
    deployment: objectName('deployment'),
    durationSeconds: z.number().int().min(1).max(86_400).optional(),
    millicoresPerPod: z.number().int().min(10).max(16_000).optional(),
    pods: z.number().int().min(1).max(1000).optional(),
    dryRun: dryRunArg,
  }),
  output: z.object(mutationOutput(ChaosBeforeSchema, ExperimentSchema)),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: (args, { ctx }) => chaosCpuSpike(ctx, { ...args, namespace: namespaceOrDefault(ctx, args.namespace) }),
});
