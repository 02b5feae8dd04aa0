/**
 * The one configuration schema. Every default lives here; file, env and flags are merged into a plain
 * object and parsed once by `parseConfig`, then the typed result is passed down (nothing reads
 * process.env deeper in the code).
 */
import { z } from 'zod';

const namespaceList = z.array(z.string().min(1));

export const ClusterConfigSchema = z
  .object({
    /** kubeconfig: KUBECONFIG / --kubeconfig / ~/.kube/config; in-cluster: service account; sim: embedded simulator. */
    mode: z.enum(['kubeconfig', 'in-cluster', 'sim']).default('kubeconfig'),
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    /** The namespace tools use when the caller names none (the seed's K8S_NAMESPACE). */
    defaultNamespace: z.string().min(1).default('demo'),
    /** Per-request timeout against the Kubernetes API. */
    requestTimeoutSeconds: z.number().positive().default(15),
  })
  .strict();

export const SafetyConfigSchema = z
  .object({
    /** Mutating tools (readOnlyHint not true) are not registered at all. */
    readOnly: z.boolean().default(false),
    /** Destructive tools (destructiveHint true) are not registered. */
    nonDestructive: z.boolean().default(false),
    /** Empty means every namespace that is not protected. */
    allowedNamespaces: namespaceList.default([]),
    protectedNamespaces: namespaceList.default(['kube-system', 'kube-public', 'kube-node-lease']),
    /** scale_deployment refuses to go below/above these (the seed's MIN_REPLICAS / MAX_REPLICAS). */
    minReplicas: z.number().int().min(0).default(2),
    maxReplicas: z.number().int().min(1).default(10),
    /** Minimum time between two mutations of the same target (namespace/name). */
    cooldownSeconds: z.number().min(0).default(60),
    /** Every mutation returns its plan and changes nothing. */
    dryRun: z.boolean().default(false),
    /** Ask the client (MCP elicitation) to confirm destructive calls when it supports elicitation. */
    confirmDestructive: z.boolean().default(false),
    /** Largest number of items a list tool returns before it marks the result truncated. */
    maxListItems: z.number().int().positive().default(200),
  })
  .strict()
  .refine((s) => s.minReplicas <= s.maxReplicas, {
    message: 'minReplicas must not exceed maxReplicas',
    path: ['minReplicas'],
  });

export const StoreConfigSchema = z
  .object({
    /** SQLite file; `:memory:` for throwaway runs. A leading ~ is the home directory. */
    path: z.string().min(1).default('~/.sentinelops/sentinelops.db'),
  })
  .strict();

export const HttpConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8000),
    /** Bearer token; required whenever host is not loopback. Prefer SENTINELOPS_TOKEN or tokenFile. */
    token: z.string().min(16, 'token must be at least 16 characters').optional(),
    tokenFile: z.string().min(1).optional(),
    /** Extra allowed Origin values (loopback origins are always allowed). */
    allowedOrigins: z.array(z.string().min(1)).default([]),
    /** Extra allowed Host header values (host[:port]); loopback names are always allowed. */
    allowedHosts: z.array(z.string().min(1)).default([]),
    bodyLimitBytes: z.number().int().positive().default(1_048_576),
    /** An MCP session with no request for this long is closed (clients that vanish without DELETE). */
    sessionIdleSeconds: z.number().positive().default(1800),
    /** Open MCP sessions at most; an initialize beyond it is answered 503 (idle ones are reclaimed first). */
    maxSessions: z.number().int().positive().default(100),
    /** Open MCP sessions per client (bearer token, else remote address); beyond it 429. */
    maxSessionsPerClient: z.number().int().positive().default(50),
    /** /readyz gives each check (cluster, store) this long before reporting it failed. */
    readyTimeoutSeconds: z.number().positive().default(2),
  })
  .strict();

export const MetricsConfigSchema = z
  .object({
    /** auto: metrics.k8s.io when served, else Prometheus when a URL is configured. */
    source: z.enum(['auto', 'metrics-server', 'prometheus']).default('auto'),
    prometheusUrl: z.string().url().optional(),
    prometheusTimeoutSeconds: z.number().positive().default(5),
    /** Bearer token or basic-auth credentials for Prometheus; never shown in tool output. */
    prometheusBearerToken: z.string().min(1).optional(),
    prometheusUsername: z.string().min(1).optional(),
    prometheusPassword: z.string().optional(),
    /** Range window for Prometheus rate() queries. */
    rateWindow: z
      .string()
      .regex(/^\d+[smh]$/, 'rateWindow must look like 1m, 30s or 1h')
      .default('1m'),
  })
  .strict();

export const CostConfigSchema = z
  .object({
    /** OpenCost's default prices. */
    cpuHourly: z.number().min(0).default(0.031611),
    gbHourly: z.number().min(0).default(0.004237),
    hoursPerMonth: z.number().positive().default(730),
    /** cost_savings' static baseline (the seed's "10 static replicas"); unset: the most replicas observed. */
    baselineReplicas: z.number().int().positive().optional(),
    /** Right-sizing: recommended request = observed usage (p95) × headroom, never below the floors. */
    headroom: z.number().min(1).max(10).default(1.3),
    minCpuMillicores: z.number().int().positive().default(10),
    minMemoryMiB: z.number().int().positive().default(16),
    /** A workload using less than this share of its CPU request is flagged idle. */
    idleThreshold: z.number().gt(0).lt(1).default(0.1),
    /** Cost tools record a usage sample per deployment at most this often. */
    sampleIntervalSeconds: z.number().min(0).default(60),
  })
  .strict();

export const ChaosConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    allowedNamespaces: namespaceList.default(['demo']),
    /** Most pods one experiment may touch. */
    maxPods: z.number().int().positive().default(3),
    /** Largest share of a deployment's pods one experiment may touch. */
    maxShare: z.number().gt(0).max(1).default(0.5),
    maxDurationSeconds: z.number().int().positive().default(600),
    /** auto: the simulator's fault API when the cluster is the SentinelOps simulator, else Kubernetes objects. */
    backend: z.enum(['auto', 'simulator', 'kubernetes']).default('auto'),
    /** Image of the CPU burner pod on a real cluster (needs `sh` and `timeout`). */
    burnerImage: z.string().min(1).default('busybox:1.36'),
  })
  .strict();

export const AgentConfigSchema = z
  .object({
    intervalSeconds: z.number().positive().default(60),
    /** Record "would have done" instead of acting. */
    dryRun: z.boolean().default(false),
    /** Namespaces the agent watches; empty = the cluster's default namespace. */
    namespaces: namespaceList.default([]),
    thresholds: z
      .object({
        cpuHigh: z.number().min(0).max(1000).default(80),
        cpuLow: z.number().min(0).max(1000).default(30),
        memoryHigh: z.number().min(0).max(1000).default(85),
      })
      .strict()
      .default({}),
    /** HPA-style target utilization (% of request) the scaling policy aims for. */
    targetUtilization: z.number().positive().max(1000).default(80),
    tolerance: z.number().min(0).max(1).default(0.1),
    scaleDownStabilizationSeconds: z.number().min(0).default(300),
    /** Scale-up per step is limited to max(maxScaleUpPods, current × maxScaleUpPercent / 100) added pods. */
    maxScaleUpPods: z.number().int().positive().default(4),
    maxScaleUpPercent: z.number().positive().default(100),
    /** Most actions on one target within actionWindowSeconds before escalating. */
    maxActionsPerTarget: z.number().int().positive().default(3),
    actionWindowSeconds: z.number().positive().default(1800),
    /** Share of unhealthy pods in a namespace above which only safe actions run (circuit breaker). */
    unhealthyShareBreaker: z.number().gt(0).max(1).default(0.5),
    containerCreatingTimeoutSeconds: z.number().positive().default(300),
    leaderElection: z
      .object({
        enabled: z.boolean().default(true),
        leaseName: z.string().min(1).default('sentinelops-agent'),
        leaseNamespace: z.string().min(1).default('default'),
        leaseDurationSeconds: z.number().positive().default(15),
        renewSeconds: z.number().positive().default(5),
      })
      .strict()
      .default({}),
  })
  .strict()
  .refine((a) => a.thresholds.cpuLow < a.thresholds.cpuHigh, {
    message: 'thresholds.cpuLow must be below thresholds.cpuHigh',
    path: ['thresholds', 'cpuLow'],
  });

export const LogConfigSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** A file path; stderr when absent. */
    file: z.string().min(1).optional(),
  })
  .strict();

export const ConfigSchema = z
  .object({
    cluster: ClusterConfigSchema.default({}),
    safety: SafetyConfigSchema.default({}),
    store: StoreConfigSchema.default({}),
    http: HttpConfigSchema.default({}),
    metrics: MetricsConfigSchema.default({}),
    cost: CostConfigSchema.default({}),
    chaos: ChaosConfigSchema.default({}),
    agent: AgentConfigSchema.default({}),
    log: LogConfigSchema.default({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
/** What a config file or an override may contain: any subset of sections and keys. */
export type ConfigInput = z.input<typeof ConfigSchema>;
