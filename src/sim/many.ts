/**
 * N simulated clusters in one process (`sim --clusters N`, `serve --cluster sim --clusters N`): each its own
 * API server on a free port, seeded differently, behind one kubeconfig with contexts sim-1..sim-N.
 */
import type { Logger } from '../base/log.js';
import { type Simulator, type SimulatorOptions, startSimulator } from './cluster.js';
import { MAX_SIM_CLUSTERS, multiKubeconfigYaml, simClusterNames } from './multi-kubeconfig.js';

export interface SimClusters {
  sims: Simulator[];
  names: string[];
  kubeconfigYaml(): string;
  stop(): Promise<void>;
}

export async function startSimClusters(n: number, opts: SimulatorOptions & { logger?: Logger } = {}): Promise<SimClusters> {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SIM_CLUSTERS) throw new Error(`the number of simulated clusters must be 1..${MAX_SIM_CLUSTERS}, got ${n}`);
  const names = simClusterNames(n);
  const started = await Promise.allSettled(names.map((_, i) => startSimulator({ ...opts, port: i === 0 ? opts.port : 0, seed: (opts.seed ?? 1) + i })));
  const sims = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.all(sims.map((s) => s.stop()));
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const namespace = opts.demo ? 'demo' : undefined;
  return { sims, names, kubeconfigYaml: () => multiKubeconfigYaml(sims.map((s, i) => ({ name: names[i]!, server: s.url, namespace }))), stop };
}
