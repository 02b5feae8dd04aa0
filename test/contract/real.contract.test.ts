/**
 * The same cluster contract against a real control plane (see test/cluster/up.sh), run only when
 * SENTINELOPS_E2E_KUBECONFIG names its kubeconfig file.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { runContract } from './contract.js';

const kubeconfigPath = process.env.SENTINELOPS_E2E_KUBECONFIG;

if (kubeconfigPath) {
  runContract('real control plane', async () => ({ kubeconfigYaml: readFileSync(kubeconfigPath, 'utf8'), close: async () => undefined }));
} else {
  describe('cluster contract: real control plane', () => {
    it.skip('needs SENTINELOPS_E2E_KUBECONFIG pointing at a real cluster', () => undefined);
  });
}
