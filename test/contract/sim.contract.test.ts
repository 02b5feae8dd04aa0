/** The cluster contract against the embedded simulator, on real time so its controllers roll out. */
import { startSimulator } from '../../src/sim/cluster.js';
import { runContract } from './contract.js';

runContract('simulator', async () => {
  const sim = await startSimulator({ seed: 7 });
  return { kubeconfigYaml: sim.kubeconfigYaml(), close: () => sim.stop() };
});
