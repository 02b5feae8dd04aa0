/**
 * MCP over stdin/stdout. stdout carries only protocol frames; logs go to stderr or a file.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createServer } from './create-server.js';
import type { ServerDeps } from '../catalog/deps.js';

/** Serves until stdin closes; resolves when the session ends. */
export async function serveStdio(deps: ServerDeps): Promise<void> {
  const { server, cleanup } = createServer(deps);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  deps.logger.info({ transport: 'stdio' }, 'MCP server ready');
  await closed;
  await cleanup();
}
