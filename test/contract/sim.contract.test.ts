/** The cluster contract against the embedded simulator, on real time so its controllers roll out. */
import { describe } from 'vitest';
import { startSimulator } from '../../src/sim/cluster.js';
import { runContract } from './contract.js';

describe('cluster contract: simulator', () => {
  // The simulator always serves metrics.k8s.io.
  runContract({ metricsApi: true }, async () => {
    const sim = await startSimulator({ seed: 7 });
    return { kubeconfigYaml: sim.kubeconfigYaml(), close: () => sim.stop() };
  });
});
