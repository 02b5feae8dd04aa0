/**
 * GET /metrics: SentinelOps' own Prometheus exposition, as a hono app any surface can mount.
 * Authentication is the mounting app's middleware, run before this.
 */
import { Hono } from 'hono';
import type { SentinelMetrics } from '../observability/metrics.js';
import { jsonError } from './errors.js';

export function metricsRoutes(metrics: SentinelMetrics, path = '/metrics'): Hono {
  const app = new Hono();
  // GET routes answer HEAD too (hono drops the body).
  app.get(path, async (c) => {
    const { contentType, body } = await metrics.exposition();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  });
  app.all(path, (c) => jsonError(c, 405, 'method_not_allowed', `method ${c.req.method} not allowed on ${path}; use GET`, { headers: { Allow: 'GET, HEAD' } }));
  return app;
}
