import { z } from 'zod';
import { ServiceError } from '../src/base/errors.js';
import { defineTool } from '../src/catalog/define-tool.js';
import { AgentStateTooLarge, MAX_AGENT_STATE_BYTES } from '../src/store/index.js';

/**
 * The agent's memory between processes (its policy history, the monitor's restart counts), kept by the server in
 * the shared store so a restarted agent, or the replica that takes over the lease, continues where the last one
 * stopped. Through a tool, like everything else the agent does, so a remote agent keeps it on its server too.
 */
export const agentStateTool = defineTool({
  name: 'agent_state',
  title: 'Load or save the agent state',
  description: `The autonomous agent's persisted memory: without save, answers the stored JSON document of \`key\` and its version (0 and null when none). With save: stores the document (at most ${MAX_AGENT_STATE_BYTES} bytes as JSON) when expectedVersion is the stored version (or is omitted); otherwise changes nothing and answers conflict=true with the current version. Used by the agent itself; not needed by people.`,
  input: z.object({
    key: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'key is letters, digits and . _ : / -, e.g. "agent"')
      .default('agent')
      .describe('whose state: an agent name (the lease name when replicas share one)'),
    save: z
      .object({
        document: z.record(z.unknown()),
        expectedVersion: z.number().int().min(0).optional().describe('the version loaded (0: none was); omit to overwrite'),
      })
      .optional(),
  }),
  output: z.object({
    key: z.string(),
    version: z.number().int().describe('0: nothing stored'),
    document: z.record(z.unknown()).nullable(),
    saved: z.boolean(),
    conflict: z.boolean().describe('save refused: another writer saved since expectedVersion'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async ({ key, save }, { ctx }) => {
    const states = ctx.store.state.agentState;
    if (!save) {
      const doc = await states.load(key);
      return { key, version: doc?.version ?? 0, document: (doc?.document as Record<string, unknown> | undefined) ?? null, saved: false, conflict: false };
    }
    try {
      const r = await states.save(key, save.document, save.expectedVersion);
      return { key, version: r.version, document: null, saved: r.ok, conflict: !r.ok };
    } catch (err) {
      if (err instanceof AgentStateTooLarge) throw new ServiceError('invalid', `${err.message}; nothing was saved`);
      throw err;
    }
  },
});
