/** The same CRD contract against a real control plane named by SENTINELOPS_E2E_KUBECONFIG (skips elsewhere). */
import { readFileSync } from 'node:fs';
import { describeWith, E2E_KUBECONFIG, realCluster } from '../helpers/prerequisite.js';
import { crdContract } from './crd-contract.js';

describeWith(realCluster, 'CRD contract: real control plane', () => {
  crdContract(async () => ({ kubeconfigYaml: readFileSync(E2E_KUBECONFIG as string, 'utf8'), close: async () => undefined }));
});
