/**
 * The agent's only way to touch the cluster: MCP tool calls to a SentinelOps server, so the server's guardrails,
 * cooldowns and audit log apply to the agent exactly as to any other client. In-process the server is linked with
 * the SDK's in-memory transport (caller recorded as "agent"); remotely it is Streamable HTTP with a bearer token.
 * This file is the agent's MCP adapter: nothing else under src/agent imports the SDK (and only its client side;
 * the in-process link to a server of this process is made by src/app/agent-link.ts).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A tool's answer: its structured output, or the tool error's text (a refusal, a cooldown, a missing object). */
export type ToolResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

export interface ToolClient {
  call(tool: string, args: Record<string, unknown>): Promise<ToolResult>;
  close(): Promise<void>;
}

export const AGENT_CALLER = 'agent';
export const CLIENT_INFO = { name: AGENT_CALLER, version: '1.0.0' };

export function wrapClient(client: Client, onClose: () => Promise<void>): ToolClient {
  return {
    async call(tool, args) {
      const r = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
      const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      if (r.isError) return { ok: false, error: text || `${tool} failed` };
      return { ok: true, value: (r.structuredContent as Record<string, unknown> | undefined) ?? (JSON.parse(text) as Record<string, unknown>) };
    },
    async close() {
      await client.close();
      await onClose();
    },
  };
}

/** A remote SentinelOps server's /mcp endpoint; the server records the client name "agent" as the caller. */
export async function connectRemote(url: string, token?: string): Promise<ToolClient> {
  const endpoint = new URL(url);
  if (!endpoint.pathname.endsWith('/mcp')) endpoint.pathname = `${endpoint.pathname.replace(/\/$/, '')}/mcp`;
  const transport = new StreamableHTTPClientTransport(endpoint, token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined);
  const client = new Client(CLIENT_INFO);
  await client.connect(transport);
  return wrapClient(client, async () => {});
}
