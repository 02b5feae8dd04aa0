import { z } from 'zod';
import { defineTool } from '../src/catalog/define-tool.js';

const ClusterRow = z.object({
  name: z.string().describe('kubeconfig context name: pass it as `cluster` to any tool'),
  default: z.boolean().describe('calls without `cluster` run here'),
  server: z.string(),
  auth: z.string().describe('how the server authenticates there (token, client-certificate, exec, auth-provider, basic, none); never the secret'),
  reachable: z.boolean().describe('GET /version answered within a short bound (answers are reused for a few seconds)'),
  version: z.string().optional(),
  error: z.string().optional(),
});

export const listClustersTool = defineTool({
  name: 'list_clusters',
  title: 'List clusters',
  description:
    "The clusters this server can reach (its kubeconfig's contexts): which is the default, whether each answers now, its API server URL and how it authenticates. Pass a name as `cluster` to any other tool to run it there.",
  input: z.object({}),
  output: z.object({ defaultCluster: z.string(), clusters: z.array(ClusterRow) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (_args, { ctx }) => {
    if (!ctx.clusters) {
      const server = ctx.cluster.server;
      const probe = await ctx.cluster.version().then(
        (version) => ({ reachable: true, version }),
        (err: unknown) => ({ reachable: false, error: (err as Error).message }),
      );
      return { defaultCluster: 'default', clusters: [{ name: 'default', default: true, server, auth: 'unknown', ...probe }] };
    }
    return { defaultCluster: ctx.clusters.defaultName, clusters: await ctx.clusters.describe() };
  },
  render: (out) =>
    [
      `${out.clusters.length} cluster(s), default ${out.defaultCluster}; ${out.clusters.filter((c) => c.reachable).length} reachable`,
      ...out.clusters.map((c) =>
        `${c.default ? '*' : ' '} ${c.name} ${c.reachable ? `up ${c.version ?? ''}` : `DOWN ${c.error ?? ''}`} ${c.server} auth=${c.auth}`.trimEnd(),
      ),
    ].join('\n'),
});
