/**
 * MCP over stdin/stdout. stdout carries only protocol frames; logs go to stderr or a file.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createServer, type DeferredDeps } from './create-server.js';
import type { ServerDeps } from '../catalog/deps.js';

/** a client that never lists tools still gets the runtime loaded this long after connecting */
const WARM_FALLBACK_MS = 5000;

/**
 * Serves until stdin closes; resolves when the session ends. With DeferredDeps the handshake and tools/list are
 * answered from the catalog, and the runtime loads in the background right after tools/list has been answered
 * (loading it earlier would hold those answers up: module evaluation blocks the event loop), or at the first call,
 * or when the client leaves, or WARM_FALLBACK_MS after connecting, whichever comes first.
 */
export async function serveStdio(deps: ServerDeps | DeferredDeps): Promise<void> {
  const { server, cleanup } = createServer(deps);
  const transport = new StdioServerTransport();
  const warm = 'load' in deps ? () => void deps.load().catch(() => {}) : () => {};
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  void closed.then(warm);
  await server.connect(transport);
  warmAfterToolsList(transport, warm);
  setTimeout(warm, WARM_FALLBACK_MS).unref();
  deps.logger?.info({ transport: 'stdio' }, 'MCP server ready');
  await closed;
  await cleanup();
}

/** Calls `warm` once the answer to the first tools/list request has been written. */
function warmAfterToolsList(transport: StdioServerTransport, warm: () => void): void {
  const onmessage = transport.onmessage;
  const send = transport.send.bind(transport);
  let listId: string | number | undefined;
  transport.onmessage = (message: JSONRPCMessage) => {
    if (listId === undefined && 'method' in message && message.method === 'tools/list' && 'id' in message) listId = message.id;
    onmessage?.(message);
  };
  transport.send = async (message: JSONRPCMessage) => {
    await send(message);
    if (listId !== undefined && 'id' in message && message.id === listId && !('method' in message)) setImmediate(warm);
  };
}
