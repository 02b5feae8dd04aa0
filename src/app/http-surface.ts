/**
 * Everything the HTTP server serves besides /mcp, mounted once for `serve --http` and `demo`: the REST
 * API, dashboard and docs (src/rest), SentinelOps' own /metrics and the Alertmanager webhook. All of it
 * is hono apps behind createHttpApp's Host/Origin/token middleware and body limit.
 */
import { Hono } from 'hono';
import type { ServerDeps } from '../catalog/deps.js';
import { createHttpApp } from '../mcp/streamable-http.js';
import { defaultMetrics } from '../observability/metrics.js';
import { createWebFace } from '../rest/web.js';
import { observabilityRoutes } from './observability-routes.js';

export interface HttpSurface {
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function createHttpSurface(deps: ServerDeps): HttpSurface {
  const web = createWebFace({ deps });
  const observability = observabilityRoutes({
    metrics: defaultMetrics(),
    store: deps.store,
    cluster: deps.cluster,
    clusters: deps.clusters,
    clock: deps.clock,
    logger: deps.logger,
    bodyLimitBytes: deps.config.http.bodyLimitBytes,
    // Read at alert time: the agent may be attached after the server starts (serve --agent, demo).
    triggerCycle: (req) => {
      const where = req.cluster ? ` in cluster ${req.cluster}` : '';
      if (deps.agent?.trigger) deps.agent.trigger(`alert ${req.reason} on ${req.namespace}/${req.target}${where} (${req.incidentId})`);
      else
        deps.logger.info({ target: `${req.namespace}/${req.target}`, incident: req.incidentId }, 'alert recorded; no agent runs in this process to act on it');
    },
  });
  const routes = new Hono({ strict: false });
  routes.route('/', observability);
  routes.route('/', web.routes);
  const app = createHttpApp({ deps, extraRoutes: routes, isPublicPath: web.isPublicPath });
  return {
    async listen() {
      const url = await app.listen();
      web.start();
      return url;
    },
    async close() {
      web.close();
      await app.close();
    },
  };
}
