/**
 * The simulator's Kubernetes API server: node:http, no framework. `createApiServer` binds (127.0.0.1,
 * random port by default) and serves the object store with Kubernetes REST semantics, discovery, the
 * pod/scale/status subresources, metrics.k8s.io and the simulator's own /sim/v1 endpoints.
 * Routing is in router.ts, each concern in its own module under this directory.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../base/clock.js';
import { silentLogger, type Logger } from '../../base/log.js';
import { ApiError } from '../errors.js';
import { R } from '../resources.js';
import type { ObjectStore } from '../store.js';
import type { ResourceType } from '../types.js';
import { Admission } from './admission.js';
import { apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import { customTypes, type CustomType } from './custom/crds.js';
import { handleCrds } from './handlers/crds.js';
import { handleCustomResource } from './handlers/custom-resources.js';
import { handleMetrics } from './handlers/metrics.js';
import { handleObjects } from './handlers/objects.js';
import { handlePodSubresource } from './handlers/pods.js';
import { handleScale } from './handlers/scale.js';
import { handlePrometheus, handleSim } from './handlers/sim.js';
import { methodNotAllowed, pathNotFound, sendError, sendJson, sendRaw, type Ctx } from './http.js';
import { openapiV3GroupVersion, openapiV3Root } from './openapi.js';
import type { SimProviders } from './providers.js';
import { route, type Route } from './router.js';

export interface ApiServerOptions {
  store: ObjectStore;
  clock: Clock;
  providers?: SimProviders;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  logger?: Logger;
  /** Largest accepted request body; 3 MiB like a real API server. */
  bodyLimitBytes?: number;
  /** Version reported by /sim/v1/info. */
  simVersion?: string;
}

export interface ApiServer {
  url: string;
  server: http.Server;
  /** Ends every open watch stream (clients reconnect from their last resourceVersion). */
  endWatches(): void;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 3 * 1024 * 1024;

async function dispatch(ctx: Ctx, r: Route, custom: CustomType[]): Promise<void> {
  const metrics = !!ctx.providers.podMetrics;
  const extra = custom.map((c) => c.res);
  switch (r.kind) {
    case 'discovery': {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw methodNotAllowed(ctx.method);
      if (r.what === 'health') return sendRaw(ctx, 200, 'text/plain; charset=utf-8', 'ok');
      if (r.what === 'version') return sendJson(ctx, 200, versionInfo());
      if (r.what === 'api') return sendJson(ctx, 200, apiVersions());
      return sendJson(ctx, 200, apiGroupList({ metrics, extra }));
    }
    case 'groupVersion': {
      const list = apiResourceList(r.group, r.version, { metrics, extra });
      if (!list) throw pathNotFound();
      return sendJson(ctx, 200, list);
    }
    case 'prometheus':
      return handlePrometheus(ctx);
    case 'sim':
      return handleSim(ctx, r.path);
    case 'openapi': {
      if (ctx.method !== 'GET') throw methodNotAllowed(ctx.method);
      const served = (res: ResourceType) => metrics || res.group !== 'metrics.k8s.io';
      const [version, ...rest] = r.path;
      if (version !== 'v3') throw pathNotFound();
      const doc = rest.length === 0 ? openapiV3Root(served, extra) : openapiV3GroupVersion(rest.join('/'), served, extra);
      if (!doc) throw pathNotFound();
      return sendJson(ctx, 200, doc);
    }
    case 'resource': {
      const { res, namespace, name, sub } = r;
      const ct = custom.find((c) => c.res === res);
      if (ct) return handleCustomResource(ctx, ct, { namespace, name, sub });
      if (res === R.customresourcedefinitions) return handleCrds(ctx, { name, sub });
      if (res.group === 'metrics.k8s.io') return handleMetrics(ctx, res, namespace, name, sub);
      if (!sub) return handleObjects(ctx, { res, namespace, name });
      if (sub === 'status' && res.subresources?.includes('status')) return handleObjects(ctx, { res, namespace, name, sub });
      if (sub === 'scale' && res.subresources?.includes('scale')) return handleScale(ctx, res, namespace, name!);
      if (res.group === '' && res.plural === 'pods' && (await handlePodSubresource(ctx, namespace!, name!, sub))) return;
      throw pathNotFound();
    }
  }
}

export async function createApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const logger = opts.logger ?? silentLogger();
  const streams = new Set<() => void>();
  const admission = new Admission();
  const providers = opts.providers ?? {};
  const bodyLimit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const simVersion = opts.simVersion ?? '0.0.0';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ctx: Ctx = {
      req,
      res,
      method: (req.method ?? 'GET').toUpperCase(),
      query: url.searchParams,
      store: opts.store,
      clock: opts.clock,
      providers,
      admission,
      logger,
      streams,
      bodyLimit,
      simVersion,
    };
    // Served custom resource types come from the stored CRDs, so a new CRD is routable at once.
    const custom = customTypes(opts.store);
    const r = route(
      url.pathname,
      custom.map((c) => c.res),
    );
    const work = r ? dispatch(ctx, r, custom) : Promise.reject(pathNotFound());
    work.catch((err: unknown) => {
      if (res.headersSent) {
        logger.warn({ err, path: url.pathname }, 'error after the response started');
        res.end();
        return;
      }
      if (err instanceof ApiError) {
        // A body we refused to read must not be parsed as the next request on a kept-alive connection.
        if (err.code === 413) res.setHeader('Connection', 'close');
        return sendError(ctx, err);
      }
      logger.error({ err, method: ctx.method, path: url.pathname }, 'internal error in the simulator API');
      sendError(ctx, new ApiError(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`));
    });
  });
  server.keepAliveTimeout = 30_000;

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  logger.debug({ port }, 'simulator API listening');

  return {
    url: `http://${urlHost}:${port}`,
    server,
    endWatches: () => {
      for (const end of [...streams]) end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const end of [...streams]) end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
