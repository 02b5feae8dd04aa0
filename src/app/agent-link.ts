/**
 * Links the agent to an MCP server of this process over the SDK's in-memory transport pair: a server of its
 * own on the shared runtime, every audit row it writes saying caller "agent". Lives in the composition root
 * because it is the one place that needs both the MCP adapter (server side) and the agent (client side).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { AGENT_CALLER, CLIENT_INFO, type ToolClient, wrapClient } from '../agent/tool-client.js';
import type { ServerDeps } from '../catalog/deps.js';
import { TOOLSET_NAMES } from '../config/schema.js';
import { createServer } from '../mcp/create-server.js';

export async function connectInProcess(deps: ServerDeps): Promise<ToolClient> {
  // --toolsets trims what clients see; the agent keeps every tool its loop calls (the profiles still apply).
  const config = { ...deps.config, tools: { ...deps.config.tools, toolsets: [...TOOLSET_NAMES] } };
  const { server, cleanup } = createServer({ ...deps, config, caller: AGENT_CALLER });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client(CLIENT_INFO);
  await client.connect(clientSide);
  return wrapClient(client, cleanup);
}
