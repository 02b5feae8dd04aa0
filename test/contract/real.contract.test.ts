/**
 * The same cluster contract against a real control plane (test/cluster/up.sh) named by
 * SENTINELOPS_E2E_KUBECONFIG: a failure under CI when that is missing, a skip with the reason elsewhere.
 */
import { readFileSync } from 'node:fs';
import { describeWith, E2E_KUBECONFIG, metricsServer, realCluster } from '../helpers/prerequisite.js';
import { runContract } from './contract.js';

describeWith(realCluster, 'cluster contract: real control plane', () => {
  // up.sh runs metrics-server unless SENTINELOPS_METRICS_SERVER=0; the contract checks the API matches.
  runContract({ metricsApi: metricsServer.missing === undefined }, async () => ({
    kubeconfigYaml: readFileSync(E2E_KUBECONFIG as string, 'utf8'),
    close: async () => undefined,
  }));
});
