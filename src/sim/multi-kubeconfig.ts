/**
 * One kubeconfig for several simulated clusters (`sim --clusters N`, `serve --cluster sim --clusters N`):
 * one context per simulator, named sim-1..sim-N, the first one current.
 */
export interface SimContext {
  name: string;
  server: string;
  namespace?: string;
}

export function multiKubeconfigYaml(contexts: readonly SimContext[]): string {
  if (contexts.length === 0) throw new Error('a kubeconfig needs at least one cluster');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    // client-node refuses plain http unless TLS verification is explicitly off; there is no TLS here.
    ...contexts.flatMap((c) => [`  - name: ${c.name}`, '    cluster:', `      server: ${c.server}`, '      insecure-skip-tls-verify: true']),
    'contexts:',
    ...contexts.flatMap((c) => [
      `  - name: ${c.name}`,
      '    context:',
      `      cluster: ${c.name}`,
      `      user: ${c.name}`,
      ...(c.namespace ? [`      namespace: ${c.namespace}`] : []),
    ]),
    `current-context: ${contexts[0]!.name}`,
    'users:',
    ...contexts.flatMap((c) => [`  - name: ${c.name}`, '    user: {}']),
    '',
  ].join('\n');
}

/** sim-1..sim-N */
export function simClusterNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `sim-${i + 1}`);
}

/** The most simulators one process starts (each is an HTTP server with its controllers). */
export const MAX_SIM_CLUSTERS = 16;
