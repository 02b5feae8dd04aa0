import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';
import { namespaceOrDefault } from '../src/services/context.js';
import { getPodLogs } from '../src/services/logs.js';
import { namespaceArg, objectName } from './schemas.js';

export const getPodLogsTool = defineTool({
  name: 'get_pod_logs',
  title: 'Get pod logs',
  description:
    "The last lines of a pod container's log. Use previous=true for the log of the crashed instance of a CrashLoopBackOff pod, grep to keep only matching lines (case-insensitive regular expression). At most 500 lines are returned.",
  input: z.object({
    namespace: namespaceArg,
    pod: objectName('pod'),
    container: z.string().max(253).optional().describe('needed when the pod has several containers'),
    tailLines: z.number().int().min(1).max(5000).optional().describe('default 100'),
    sinceSeconds: z.number().int().positive().optional(),
    previous: z.boolean().optional(),
    grep: z.string().max(500).optional(),
  }),
  output: z.object({
    namespace: z.string(),
    pod: z.string(),
    container: z.string().nullable(),
    lines: z.array(z.string()),
    scanned: z.number().int(),
    truncated: z.boolean(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: (args, { ctx }) => getPodLogs(ctx, { ...args, namespace: namespaceOrDefault(ctx, args.namespace) }),
});
