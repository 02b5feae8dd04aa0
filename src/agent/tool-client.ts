/**
 * The agent's only way to touch the cluster: MCP tool calls to a SentinelOps server, so the server's guardrails,
 * cooldowns and audit log apply to the agent exactly as to any other client. In-process the server is linked with
 * the SDK's in-memory transport (caller recorded as "agent"); remotely it is Streamable HTTP with a bearer token.
 * This file is the agent's MCP adapter: nothing else under src/agent imports the SDK (and only its client side;
 * the in-process link to a server of this process is made by src/app/agent-link.ts).
 *
 * Calls are typed by the tool definition itself (tools/*.ts): the arguments are checked with its input schema before
 * they are sent and the answer is parsed with its output schema, so a renamed or removed output field is a compile
 * error where the agent reads it and, against a server of another version, a ToolContractError naming the tool and
 * the field — never an `undefined` the policy silently reasons on.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { type ToolContract, checkArguments, parseOutput } from '../catalog/tool-contract.js';

export { ToolContractError } from '../catalog/tool-contract.js';

/** A tool's answer: its parsed structured output, or the tool error's text (a refusal, a cooldown, a missing object). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export type ToolArgs<T extends ToolContract> = z.input<T['input']>;
export type ToolOutput<T extends ToolContract> = z.output<T['output']>;

export interface ToolClient {
  /**
   * One tools/call. Throws ToolContractError when the arguments do not pass the tool's input schema (nothing is
   * sent) or the answer does not match its output schema; a tool error (isError) is `{ ok: false }`.
   */
  call<T extends ToolContract>(tool: T, args: ToolArgs<T>): Promise<Result<ToolOutput<T>>>;
  close(): Promise<void>;
}

/** What the typed client needs of the wire: one tools/call by name (the SDK client's callTool). */
export type CallTool = (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;

export const AGENT_CALLER = 'agent';
export const CLIENT_INFO = { name: AGENT_CALLER, version: '1.0.0' };

export function typedClient(callTool: CallTool, close: () => Promise<void>): ToolClient {
  return {
    async call(tool, args) {
      checkArguments(tool, args);
      const r = await callTool(tool.name, args as Record<string, unknown>);
      const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      if (r.isError) return { ok: false, error: text || `${tool.name} failed` };
      // A server that predates structuredContent sends the same JSON as text; it is held to the same schema.
      return { ok: true, value: parseOutput(tool, r.structuredContent ?? jsonOrText(text)) };
    },
    close,
  };
}

export function wrapClient(client: Client, onClose: () => Promise<void>): ToolClient {
  return typedClient(
    async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    async () => {
      await client.close();
      await onClose();
    },
  );
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
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
