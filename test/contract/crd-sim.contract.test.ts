/** The CRD contract against the embedded simulator. */
import { describe } from 'vitest';
import { startSimulator } from '../../src/sim/cluster.js';
import { crdContract } from './crd-contract.js';

describe('CRD contract: simulator', () => {
  crdContract(async () => {
    const sim = await startSimulator({ seed: 9 });
    return { kubeconfigYaml: sim.kubeconfigYaml(), close: () => sim.stop() };
  });
});
