/**
 * The CustomResourceDefinitions of the Kubernetes store, declared once: `sentinelops crds install|print`
 * applies/prints these objects, and deploy/crds/*.yaml and the Helm chart's crds/ are generated from them
 * (scripts/crds.ts; a test fails when they drift). All kinds are namespaced and live in the store's
 * namespace (the installation's), so the RBAC a replica needs is one Role there.
 *
 * Kinds (group sentinelops.dev, version v1alpha1):
 * - Incident: one per (cluster, type, namespace, target) episode; spec is what was detected, status what
 *   became of it (the timeline of findings, intents, holds and results is kept in status.timeline).
 * - AuditRecord: one per mutation, written as an intent (pending=true) before the tool runs and settled
 *   after, so a replica killed in between leaves a visible intent without result.
 * - AgentState: the policy's memory (history) of one agent identity on one cluster, bounded by the writer,
 *   read back by a new leader on takeover.
 * - Cooldown: a per-target claim. "Is the target in cooldown? If not, record my intent" must be atomic
 *   across replicas: a replica reads the Cooldown, decides, and writes it back with the resourceVersion it
 *   read (compare-and-swap). Of two replicas racing, one write wins and the other gets 409 Conflict, re-reads
 *   and now sees the cooldown. Creation races the same way through 409 AlreadyExists.
 */

export const GROUP = 'sentinelops.dev';
export const VERSION = 'v1alpha1';

type Obj = Record<string, unknown>;

export interface KindInfo {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  /** Whether status is a subresource (written only through /status). */
  status: boolean;
}

export const INCIDENT: KindInfo = { kind: 'Incident', plural: 'incidents', singular: 'incident', shortNames: ['inc'], status: true };
export const AUDIT_RECORD: KindInfo = { kind: 'AuditRecord', plural: 'auditrecords', singular: 'auditrecord', shortNames: ['audit'], status: false };
export const AGENT_STATE: KindInfo = { kind: 'AgentState', plural: 'agentstates', singular: 'agentstate', shortNames: [], status: false };
export const COOLDOWN: KindInfo = { kind: 'Cooldown', plural: 'cooldowns', singular: 'cooldown', shortNames: [], status: false };

export const KINDS = [INCIDENT, AUDIT_RECORD, AGENT_STATE, COOLDOWN] as const;

const str = (description: string, extra: Obj = {}): Obj => ({ type: 'string', description, ...extra });
const time = (description: string): Obj => ({ type: 'string', format: 'date-time', description });
const bool = (description: string): Obj => ({ type: 'boolean', description });
const free = (description: string): Obj => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });
const col = (name: string, type: string, jsonPath: string, description: string, priority = 0): Obj => ({
  name,
  type,
  jsonPath,
  description,
  ...(priority ? { priority } : {}),
});
const AGE = col('Age', 'date', '.metadata.creationTimestamp', 'Time since the object was created');

function crd(info: KindInfo, description: string, schema: { spec: Obj; status?: Obj; required?: string[] }, columns: Obj[]): Obj {
  const properties: Obj = { spec: { type: 'object', ...(schema.required ? { required: schema.required } : {}), properties: schema.spec } };
  if (schema.status) properties.status = { type: 'object', properties: schema.status };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${info.plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'sentinelops' } },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: info.kind,
        listKind: `${info.kind}List`,
        plural: info.plural,
        singular: info.singular,
        ...(info.shortNames.length ? { shortNames: info.shortNames } : {}),
        categories: ['sentinelops'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', description, required: ['spec'], properties } },
          ...(schema.status ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: columns,
        },
      ],
    },
  };
}

const incident = crd(
  INCIDENT,
  'An incident SentinelOps detected on a cluster, its decisions and how it ended.',
  {
    required: ['type', 'target', 'detectedAt'],
    spec: {
      cluster: str('Cluster (kube context) the incident is on'),
      type: str('What was detected, e.g. crash_loop, high_cpu, oom'),
      severity: str('low, medium, high or critical'),
      namespace: str('Namespace of the target; empty for cluster-scoped targets'),
      target: str('The object concerned, e.g. deployment/web or node/n1'),
      title: str('One line for humans'),
      detectedAt: time('When the incident was first detected'),
      details: free('What the detection saw'),
    },
    status: {
      outcome: str('open, resolved, escalated or failed'),
      resolvedAt: time('When it was resolved'),
      acknowledgedAt: time('When a human acknowledged it'),
      mttr: str('Time to resolve, e.g. 4m12s'),
      owner: str('The agent identity currently responsible for it'),
      summary: str('How it ended'),
      timeline: {
        type: 'array',
        description: 'Findings, intents, holds and results in order',
        items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
      actions: {
        type: 'array',
        description: 'Actions taken (tool, arguments, result, reason) in order',
        items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
      details: free('Further facts recorded while handling it'),
    },
  },
  [
    col('Type', 'string', '.spec.type', 'What was detected'),
    col('Target', 'string', '.spec.target', 'The object concerned'),
    col('Severity', 'string', '.spec.severity', 'Severity'),
    col('Outcome', 'string', '.status.outcome', 'open, resolved, escalated or failed'),
    col('MTTR', 'string', '.status.mttr', 'Time to resolve'),
    AGE,
    col('Namespace-Of-Target', 'string', '.spec.namespace', 'Namespace of the target', 1),
    col('Title', 'string', '.spec.title', 'One line for humans', 1),
  ],
);

const auditRecord = crd(
  AUDIT_RECORD,
  'One mutation by SentinelOps: written as an intent before the action, settled with its result after.',
  {
    required: ['tool', 'caller', 'at'],
    spec: {
      cluster: str('Cluster (kube context)'),
      tool: str('The tool that mutates, e.g. scale_deployment'),
      namespace: str('Namespace of the target'),
      target: str('The object changed, e.g. deployment/web'),
      caller: str('Who asked: agent identity, MCP client or REST user'),
      incident: str('Name of the Incident this action belongs to, if any'),
      args: free('The arguments of the call'),
      at: time('When the intent was recorded'),
      pending: bool('True from the intent until the result is settled'),
      ok: bool('Whether the action succeeded (absent while pending)'),
      dryRun: bool('A dry run changes nothing'),
      settledAt: time('When the result was recorded'),
      error: str('Why it failed'),
      result: free('What the action returned'),
      before: free('The state of the target before the action'),
      after: free('The state of the target after the action'),
      workload: str('namespace/deployment whose pods the change disrupts'),
      pods: { type: 'integer', description: 'Pods of the workload it disrupts' },
    },
  },
  [
    col('Tool', 'string', '.spec.tool', 'The tool'),
    col('Target', 'string', '.spec.target', 'The object changed'),
    col('Caller', 'string', '.spec.caller', 'Who asked'),
    col('OK', 'boolean', '.spec.ok', 'Whether it succeeded'),
    col('Pending', 'boolean', '.spec.pending', 'Intent recorded, result not yet'),
    AGE,
  ],
);

const agentState = crd(
  AGENT_STATE,
  "One agent's memory between cycles on one cluster, for a new leader to continue from.",
  {
    required: ['cluster', 'identity'],
    spec: {
      cluster: str('Cluster (kube context)'),
      identity: str('The agent identity (lease holder name)'),
      updatedAt: time('When the state was last written'),
      history: free('What the policy remembers between cycles (bounded by the writer)'),
    },
  },
  [
    col('Cluster', 'string', '.spec.cluster', 'Cluster'),
    col('Identity', 'string', '.spec.identity', 'Agent identity'),
    col('Updated', 'date', '.spec.updatedAt', 'Time since the last write'),
    AGE,
  ],
);

const cooldown = crd(
  COOLDOWN,
  'The latest claimed action on one target; replicas claim it by compare-and-swap on resourceVersion.',
  {
    required: ['target'],
    spec: {
      cluster: str('Cluster (kube context)'),
      namespace: str('Namespace of the target'),
      target: str('The object, e.g. deployment/web'),
      action: str('The tool last claimed, e.g. scale_deployment'),
      holder: str('The replica that made the claim'),
      intent: str('Name of the AuditRecord of the claimed action'),
      claimedAt: time('When the claim was made'),
      until: time('No further action on the target before this time'),
    },
  },
  [
    col('Target', 'string', '.spec.target', 'The object'),
    col('Action', 'string', '.spec.action', 'Last claimed action'),
    col('Holder', 'string', '.spec.holder', 'Replica that claimed it'),
    col('Until', 'string', '.spec.until', 'No action before this time'),
    AGE,
  ],
);

/** The CRDs in install order. */
export const CRDS: readonly Obj[] = [incident, auditRecord, agentState, cooldown];
