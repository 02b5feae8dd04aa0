/**
 * Records every deployment's replica counts on a schedule, so cost savings can be integrated over time
 * from real history instead of guessed.
 */
import type { Clock, TimerHandle } from '../base/clock.js';
import type { ClusterClient } from '../k8s/client.js';
import type { Logger } from '../base/log.js';
import type { Store } from '../store/index.js';

export async function sampleReplicas(deps: { cluster: ClusterClient; store: Store; clock: Clock }, namespace?: string): Promise<number> {
  const at = deps.clock.now();
  const { items } = await deps.cluster.listDeployments(namespace);
  for (const d of items) {
    deps.store.replicas.record({
      at,
      namespace: d.metadata?.namespace ?? '',
      deployment: d.metadata?.name ?? '',
      replicas: d.spec?.replicas ?? 0,
      readyReplicas: d.status?.readyReplicas ?? 0,
    });
  }
  return items.length;
}

/** Samples now and every `intervalSeconds`; returns a stop function. Failures are logged, not fatal. */
export function startReplicaSampler(deps: { cluster: ClusterClient; store: Store; clock: Clock; logger: Logger }, intervalSeconds: number): () => void {
  let timer: TimerHandle | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await sampleReplicas(deps);
    } catch (err) {
      // A sample cut short by shutdown (the cluster or the store closing under it, e.g. a stdio client that
      // disconnects at once) is not a cluster problem: saying "cannot reach the Kubernetes API" would mislead.
      if (!stopped) deps.logger.warn({ err }, 'replica sample failed');
    }
    if (!stopped) timer = deps.clock.setTimeout(() => void tick(), intervalSeconds * 1000);
  };
  void tick();
  return () => {
    stopped = true;
    deps.clock.clearTimeout(timer);
  };
}
