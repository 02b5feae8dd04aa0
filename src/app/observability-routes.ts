/**
 * The HTTP routes this area adds to the server, as one hono app for createHttpApp's `extraRoutes`:
 * GET /metrics (SentinelOps' own metrics, with incident and action figures read from the store) and
 * POST /alerts/alertmanager. They run after the app's Host/Origin/token checks, so they share its auth.
 */
import { Hono } from 'hono';
import { alertmanagerRoutes } from '../alerts/http.js';
import type { CycleRequest } from '../alerts/ingest.js';
import { podOwnerResolver } from '../alerts/pod-owner.js';
import type { Clock } from '../base/clock.js';
import type { Logger } from '../base/log.js';
import { metricsRoutes } from '../http/metrics-route.js';
import type { ClusterClient } from '../k8s/client.js';
import type { SentinelMetrics } from '../observability/metrics.js';
import { storeFacts } from '../observability/store-facts.js';
import type { ClusterResolver } from '../services/context.js';
import type { Store } from '../store/index.js';

export interface ObservabilityRouteDeps {
  metrics: SentinelMetrics;
  store: Store;
  cluster: Pick<ClusterClient, 'readPod'>;
  /** the clusters by name: an alert's `cluster` label picks one (README "Alertmanager") */
  clusters?: Pick<ClusterResolver, 'defaultName' | 'names' | 'resolve'>;
  clock: Clock;
  logger: Logger;
  bodyLimitBytes: number;
  /** Runs an agent cycle for an alert's target; without an agent in this process, alerts only record incidents. */
  triggerCycle?: (req: CycleRequest) => void | Promise<void>;
}

export function observabilityRoutes(d: ObservabilityRouteDeps): Hono {
  d.metrics.trackStore(storeFacts(d.store.db));
  const app = new Hono();
  app.route('/', metricsRoutes(d.metrics));
  app.route(
    '/',
    alertmanagerRoutes({
      incidents: d.store.state.incidents,
      ownerOfPod: (namespace, pod, cluster) => podOwnerResolver(cluster && d.clusters ? d.clusters.resolve(cluster).cluster : d.cluster)(namespace, pod),
      clusterOf: d.clusters ? alertCluster(d.clusters) : undefined,
      now: () => d.clock.now(),
      metrics: d.metrics,
      logger: d.logger,
      bodyLimitBytes: d.bodyLimitBytes,
      triggerCycle:
        d.triggerCycle ??
        ((req) =>
          d.logger.info({ target: `${req.namespace}/${req.target}`, incident: req.incidentId }, 'alert recorded; no agent runs in this process to act on it')),
    }),
  );
  return app;
}

/**
 * The cluster an alert's `cluster` label names. No label, or a server of one cluster (whose Prometheus may call it
 * anything): the default cluster. A label naming none of several known clusters: ignored, never guessed.
 */
function alertCluster(clusters: Pick<ClusterResolver, 'defaultName' | 'names'>): (label: string | undefined) => { cluster: string } | { ignored: string } {
  return (label) => {
    const names = clusters.names();
    if (label !== undefined && names.includes(label)) return { cluster: label };
    if (label === undefined || names.length === 1) return { cluster: clusters.defaultName };
    return { ignored: `cluster label "${label.slice(0, 60)}" names no cluster this server knows (${names.join(', ')})` };
  };
}
