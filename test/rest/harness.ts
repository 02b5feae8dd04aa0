/**
 * A SentinelOps HTTP server with the REST API and dashboard mounted, over the embedded simulator and a
 * real SQLite file, listening on 127.0.0.1:0. Variants (token, read-only, cooldown) share one simulator.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createHttpApp, type HttpApp } from '../../src/mcp/streamable-http.js';
import { createWebFace, type WebFace } from '../../src/rest/web.js';
import type { Config } from '../../src/config/schema.js';
import type { ServerDeps } from '../../src/catalog/deps.js';
import { startSimDeps, type SimBackedDeps } from '../server/harness.js';

export const TOKEN = 'rest-test-token-0123456789';

export interface RestServer {
  url: string;
  /** the deps the server runs with; attaching `agent` later works as in `serve --agent` and `demo` */
  deps: ServerDeps;
  app: HttpApp;
  web: WebFace;
  close(): Promise<void>;
}

type ConfigPatch = { [K in keyof Config]?: Partial<Config[K]> };

/** Mounts the web face exactly as `serve --http` does, with `patch` applied to the shared config. */
export async function mountRest(base: SimBackedDeps, patch: ConfigPatch = {}, opts: { feedIntervalMs?: number } = {}): Promise<RestServer> {
  const config = { ...base.config } as Config;
  for (const [k, v] of Object.entries(patch)) (config as Record<string, unknown>)[k] = { ...(base.config as Record<string, object>)[k], ...v };
  const deps = { ...base.deps, config };
  const web = createWebFace({ deps, feedIntervalMs: opts.feedIntervalMs });
  const app = createHttpApp({ deps, extraRoutes: web.routes, isPublicPath: web.isPublicPath });
  const url = await app.listen();
  return {
    url,
    deps,
    app,
    web,
    close: async () => {
      web.close();
      await app.close();
    },
  };
}

export async function startRestBase(overrides: Record<string, unknown> = {}): Promise<SimBackedDeps> {
  return startSimDeps({ http: { port: 0 }, safety: { cooldownSeconds: 0 }, ...overrides });
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  json: T;
}

/** One REST call: query parameters in `query`, an optional JSON body, an optional bearer token. */
export async function call<T = any>(
  url: string,
  method: string,
  path: string,
  opts: { query?: Record<string, string | number | boolean>; body?: unknown; token?: string; headers?: IncomingHttpHeaders } = {},
): Promise<Answer<T>> {
  const u = new URL(path, url);
  for (const [k, v] of Object.entries(opts.query ?? {})) u.searchParams.set(k, String(v));
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(u, {
    method,
    headers: { ...headers, ...(opts.headers as Record<string, string>) },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (HTML pages): keep the text
  }
  return { status: res.status, headers: res.headers, json: json as T };
}
