/**
 * Input and output pieces several tools share (not a tool itself).
 */
import { z } from 'zod';

const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const namespaceArg = z
  .string()
  .min(1)
  .max(63)
  .regex(DNS_NAME, 'namespace must be a lowercase DNS label, e.g. "demo"')
  .optional()
  .describe('Kubernetes namespace; defaults to the configured namespace (K8S_NAMESPACE, usually "demo")');

export const namespaceFilterArg = z
  .string()
  .min(1)
  .max(63)
  .regex(DNS_NAME, 'namespace must be a lowercase DNS label, e.g. "demo"')
  .optional()
  .describe('Kubernetes namespace; omit for all namespaces');

/**
 * `cluster` on the tools that read the store (incidents): a filter, not a place to run. Incidents of every cluster
 * share one store, so without it every cluster's are answered; an unknown name is refused like any `cluster`.
 */
export const clusterFilterArg = z
  .string()
  .min(1)
  .max(253)
  .optional()
  .describe("only this cluster's records (a kubeconfig context name, list_clusters lists them); omit for every cluster's");

export const objectName = (what: string) => z.string().min(1).max(253).regex(DNS_NAME, `${what} must be a lowercase Kubernetes name, e.g. "nginx-demo"`);

export const labelSelectorArg = z.string().max(1000).optional().describe('label selector, e.g. "app=web,tier!=cache"');

export const dryRunArg = z.boolean().optional().describe('true: check guardrails and return the plan without changing anything');

export const mutationOutput = <B extends z.ZodTypeAny, A extends z.ZodTypeAny>(before: B, after: A) => ({
  dryRun: z.boolean(),
  target: z.string().describe('kind/namespace/name'),
  message: z.string(),
  before,
  after: after.optional().describe('absent in a dry run'),
  auditId: z.number().int().optional().describe('the audit row of the change, also its undo handle (undo_action); absent in a dry run'),
});
