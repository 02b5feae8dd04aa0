/**
 * GET /metrics as a plain node:http handler, so any server (H4's HTTP transport, the demo) can mount it
 * without a framework. Authentication is the mounting server's job, done before the handler runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SentinelMetrics } from '../observability/metrics.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Handles GET/HEAD `path` (default /metrics); returns false for any other request so the caller moves on. */
export function metricsHandler(metrics: SentinelMetrics, path = '/metrics'): RouteHandler {
  return async (req, res) => {
    if (pathOf(req) !== path) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return true;
    }
    const { contentType, body } = await metrics.exposition();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
