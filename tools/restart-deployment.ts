import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { namespaceOrDefault } from '../src/services/context.js';
import { restartDeployment } from '../src/services/restart.js';
import { dryRunArg, mutationOutput, namespaceArg, objectName } from './schemas.js';

const Rollout = z.object({
  done: z.boolean(),
  timedOut: z.boolean(),
  updated: z.number().int(),
  available: z.number().int(),
  desired: z.number().int(),
  message: z.string(),
});

export const restartDeploymentTool = defineTool({
  name: 'restart_deployment',
  title: 'Rolling restart of a deployment',
  description:
    'Rolling restart like `kubectl rollout restart`: every pod is replaced, a few at a time, keeping the deployment available. Fixes stuck or leaking pods; it does not fix a bad image or config (use rollback_deployment). wait=true waits for the rollout (up to timeoutSeconds, default 120) and reports progress notifications. Guardrails and cooldown as for scale_deployment.',
  input: z.object({
    namespace: namespaceArg,
    deployment: objectName('deployment'),
    wait: z.boolean().optional(),
    timeoutSeconds: z.number().int().min(1).max(1800).optional(),
    dryRun: dryRunArg,
  }),
  output: z.object(
    mutationOutput(
      z.object({ revision: z.number().int().nullable(), restartedAt: z.string().nullable(), readyReplicas: z.number().int() }),
      z.object({ restartedAt: z.string(), rollout: Rollout.optional() }),
    ),
  ),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: (args, { ctx, progress }) => restartDeployment(ctx, { ...args, namespace: namespaceOrDefault(ctx, args.namespace) }, progress),
});
