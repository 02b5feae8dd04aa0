/**
 * A hono app on a node:http server through @hono/node-server: listen on host:port (0 = any free port)
 * and resolve with the base URL; close every connection (open SSE streams included) on close.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';

export function nodeServer(app: Hono): Server {
  return createAdaptorServer({ fetch: app.fetch }) as Server;
}

export function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const name = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve(`http://${name}:${addr.port}`);
    });
  });
}

export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
