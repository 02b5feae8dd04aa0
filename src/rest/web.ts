/**
 * Everything the HTTP server mounts besides /mcp for people: the REST API under /api/v1, the dashboard
 * at / and the API docs at /docs. The pages and their static files are public (they hold no data and
 * must load before a token can be typed in); every /api/v1 call but the OpenAPI document needs the token.
 */
import { Hono } from 'hono';
import { dashboardRoutes, isDashboardPath } from '../dashboard/assets.js';
import { API_BASE, createRestApi, type RestApi, type RestApiOptions } from './api.js';
import { isSignedPlanPath, signedPlanRoutes } from './plan-routes.js';

export interface WebFace {
  api: RestApi;
  /** pass as HttpAppOptions.extraRoutes (or mount in a combined app) */
  routes: Hono;
  /** pass as HttpAppOptions.isPublicPath */
  isPublicPath(pathname: string): boolean;
  start(): void;
  close(): void;
}

export function createWebFace(opts: RestApiOptions): WebFace {
  const api = createRestApi(opts);
  const routes = new Hono({ strict: false });
  routes.route('/', dashboardRoutes());
  // Before the API: the signed links of approval_needed notifications carry their own authority.
  routes.route(
    API_BASE,
    signedPlanRoutes(opts.deps, () => api.invoker),
  );
  routes.route(API_BASE, api.routes);
  return {
    api,
    routes,
    isPublicPath: (pathname) => isDashboardPath(pathname) || pathname === `${API_BASE}/openapi.json` || isSignedPlanPath(pathname),
    start: () => api.start(),
    close: () => api.close(),
  };
}
