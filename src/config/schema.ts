/**
 * The one configuration schema. Every default lives here, and so do the environment variable and flag names
 * of each key (`key(...)`); file, env and flags are merged into a plain object and parsed once by
 * `parseConfig`, then the typed result is passed down (nothing reads process.env deeper in the code).
 */
import { z } from 'zod';
import { NotifyConfigSchema } from './notify.js';

/**
 * How a key is reached from outside the file: environment variable names (when several are set, the later one
 * wins: the seed's name first, then SENTINELOPS_*), a command-line flag, and the help line. Flags, environment
 * variables and every command's usage text are generated from this (src/config/load.ts `CONFIG_KEYS`).
 */
export interface KeyMeta {
  help: string;
  env?: readonly string[];
  /** Flag name without dashes; a command chooses which keys it offers as flags. */
  flag?: string;
  /** Placeholder in the usage text, e.g. `<n>`; booleans take none. */
  arg?: string;
  /** For a boolean key: the value the (argument-less) flag sets; default true. */
  flagSets?: boolean;
}

const KEY_META = new WeakMap<z.ZodTypeAny, KeyMeta>();

/** Attaches outside names to a key's schema; returns the schema unchanged. */
function key<T extends z.ZodTypeAny>(schema: T, meta: KeyMeta): T {
  KEY_META.set(schema, meta);
  return schema;
}

export function keyMeta(schema: z.ZodTypeAny): KeyMeta | undefined {
  return KEY_META.get(schema);
}

const namespaceList = z.array(z.string().min(1));

/** Always protected unless named in safety.unprotectNamespaces; configured protected namespaces add to these. */
export const BUILTIN_PROTECTED_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

export const ClusterConfigSchema = z
  .object({
    /** kubeconfig: KUBECONFIG / --kubeconfig / ~/.kube/config; in-cluster: service account; sim: embedded simulator. */
    mode: key(z.enum(['kubeconfig', 'in-cluster', 'sim']).default('kubeconfig'), {
      help: "where the cluster is: a kubeconfig, the pod's service account, or the embedded simulator with the demo app",
      env: ['SENTINELOPS_CLUSTER'],
      flag: 'cluster',
      arg: '<mode>',
    }),
    kubeconfig: key(z.string().min(1).optional(), {
      help: 'kubeconfig file, or a list as in KUBECONFIG; default ~/.kube/config',
      env: ['KUBECONFIG', 'SENTINELOPS_KUBECONFIG'],
      flag: 'kubeconfig',
      arg: '<file>',
    }),
    context: key(z.string().min(1).optional(), {
      help: "kubeconfig context; default: the kubeconfig's current one",
      env: ['SENTINELOPS_CONTEXT'],
      flag: 'context',
      arg: '<name>',
    }),
    /** The namespace tools use when the caller names none (the seed's K8S_NAMESPACE). */
    defaultNamespace: key(z.string().min(1).default('demo'), {
      help: 'namespace tools use when the caller names none',
      env: ['K8S_NAMESPACE', 'SENTINELOPS_NAMESPACE'],
      flag: 'namespace',
      arg: '<ns>',
    }),
    /** Per-request timeout against the Kubernetes API. */
    requestTimeoutSeconds: z.number().positive().default(15),
    /** Watch-fed caches of pods, deployments, replicasets, nodes and HPAs answer list reads (README "Scale"). */
    cache: z.boolean().default(true),
  })
  .strict();

export const SafetyConfigSchema = z
  .object({
    /** Mutating tools (readOnlyHint not true) are not registered at all. */
    readOnly: key(z.boolean().default(false), { help: 'register only read-only tools', env: ['SENTINELOPS_READ_ONLY'], flag: 'read-only' }),
    /** Destructive tools (destructiveHint true) are not registered. */
    nonDestructive: key(z.boolean().default(false), {
      help: 'do not register destructive tools',
      env: ['SENTINELOPS_NON_DESTRUCTIVE'],
      flag: 'non-destructive',
    }),
    /** Empty means every namespace that is not protected. */
    allowedNamespaces: key(namespaceList.default([]), {
      help: 'namespaces mutating tools may touch; empty: all but the protected ones',
      env: ['SENTINELOPS_ALLOWED_NAMESPACES'],
      flag: 'allowed-namespaces',
      arg: '<a,b>',
    }),
    /** Added to BUILTIN_PROTECTED_NAMESPACES, never replacing them; after parsing: the effective list. */
    protectedNamespaces: key(namespaceList.default([]), {
      help: 'namespaces never touched, in addition to kube-system, kube-public and kube-node-lease',
      env: ['SENTINELOPS_PROTECTED_NAMESPACES'],
    }),
    /** Explicit opt-out: built-in protected namespaces tools may change after all (warned about at start). */
    unprotectNamespaces: key(namespaceList.default([]), {
      help: 'built-in protected namespaces to unprotect after all (logged as a warning at every start)',
      env: ['SENTINELOPS_UNPROTECT_NAMESPACES'],
    }),
    /**
     * Per-deployment disruption budget: pods of one deployment deleted or crashed (delete_pod, chaos) within
     * disruptionWindowSeconds, whatever the tool or how the pod was named, stay within maxDisruptedShare of
     * its replicas (at least one pod); chaos is held to chaos.maxShare / maxPods over the same window. 0 = off.
     */
    disruptionWindowSeconds: key(z.number().min(0).default(300), {
      help: 'window over which pod disruptions of one deployment add up (0: off)',
      env: ['SENTINELOPS_DISRUPTION_WINDOW_SECONDS'],
    }),
    maxDisruptedShare: key(z.number().gt(0).max(1).default(0.5), {
      help: "largest share of a deployment's pods delete_pod may disrupt within the window",
      env: ['SENTINELOPS_MAX_DISRUPTED_SHARE'],
    }),
    /** scale_deployment refuses to go below/above these (the seed's MIN_REPLICAS / MAX_REPLICAS). */
    minReplicas: key(z.number().int().min(0).default(2), {
      help: 'fewest replicas scale_deployment allows',
      env: ['MIN_REPLICAS', 'SENTINELOPS_MIN_REPLICAS'],
    }),
    maxReplicas: key(z.number().int().min(1).default(10), { help: 'most replicas scale_deployment allows', env: ['MAX_REPLICAS', 'SENTINELOPS_MAX_REPLICAS'] }),
    /** Minimum time between two mutations of the same target (namespace/name). */
    cooldownSeconds: key(z.number().min(0).default(60), { help: 'seconds between two changes of one target', env: ['SENTINELOPS_COOLDOWN_SECONDS'] }),
    /** Every mutation returns its plan and changes nothing. */
    dryRun: key(z.boolean().default(false), { help: 'mutations return their plan and change nothing', env: ['SENTINELOPS_DRY_RUN'], flag: 'dry-run' }),
    /** Ask the client (MCP elicitation) to confirm destructive calls when it supports elicitation. */
    confirmDestructive: key(z.boolean().default(false), {
      help: 'ask the user (MCP elicitation) before destructive calls',
      env: ['SENTINELOPS_CONFIRM_DESTRUCTIVE'],
    }),
    /** Largest number of items a list tool returns before it marks the result truncated. */
    maxListItems: z.number().int().positive().default(200),
  })
  .strict()
  .refine((s) => s.minReplicas <= s.maxReplicas, {
    message: 'minReplicas must not exceed maxReplicas',
    path: ['minReplicas'],
  })
  .refine((s) => !s.unprotectNamespaces.some((n) => s.protectedNamespaces.includes(n) && !BUILTIN_PROTECTED_NAMESPACES.includes(n)), {
    message: 'a namespace cannot be both in protectedNamespaces and in unprotectNamespaces',
    path: ['unprotectNamespaces'],
  })
  // Idempotent, so a parsed config parsed again (a merged override) yields the same list.
  .transform((s) => ({
    ...s,
    protectedNamespaces: [...new Set([...BUILTIN_PROTECTED_NAMESPACES, ...s.protectedNamespaces])].filter((n) => !s.unprotectNamespaces.includes(n)),
  }));

export const StoreConfigSchema = z
  .object({
    /** SQLite file; `:memory:` for throwaway runs. A leading ~ is the home directory. */
    path: key(z.string().min(1).default('~/.sentinelops/sentinelops.db'), {
      help: 'SQLite file for incidents and audit',
      env: ['SENTINELOPS_DB'],
      flag: 'db',
      arg: '<path>',
    }),
    /**
     * Where incidents, audit and agent state live: `sqlite` (the file above; one process, or several on one host)
     * or `kubernetes` (custom resources of sentinelops.dev in `namespace`, shared by HA replicas; the file still
     * holds replica history, usage samples and chaos experiments, which are per process).
     */
    backend: key(z.enum(['sqlite', 'kubernetes']).default('sqlite'), {
      help: 'where incidents, audit and agent state live: sqlite or kubernetes (CRDs)',
      env: ['SENTINELOPS_STORE_BACKEND'],
      flag: 'store-backend',
      arg: '<sqlite|kubernetes>',
    }),
    /** Namespace of the custom resources (kubernetes backend): the release's, else POD_NAMESPACE, else sentinelops. */
    namespace: key(z.string().min(1).optional(), {
      help: 'namespace of the store custom resources (kubernetes backend); default: the pod namespace or sentinelops',
      env: ['SENTINELOPS_STORE_NAMESPACE'],
    }),
    /** Kubernetes backend: resolved incidents and settled audit records older than `days` are deleted; at most `maxResolved` resolved incidents are kept. */
    retention: z
      .object({
        days: z.number().positive().default(30),
        maxResolved: z.number().int().nonnegative().default(1000),
        /** How often a replica prunes. */
        intervalMinutes: z.number().positive().default(60),
      })
      .strict()
      .default({}),
  })
  .strict();

export const HttpConfigSchema = z
  .object({
    host: key(z.string().min(1).default('127.0.0.1'), {
      help: 'HTTP bind address; anything but loopback needs a token',
      env: ['SENTINELOPS_HTTP_HOST'],
      flag: 'host',
      arg: '<addr>',
    }),
    port: key(z.number().int().min(0).max(65535).default(8000), {
      help: 'HTTP port; 0 picks a free one',
      env: ['SENTINELOPS_HTTP_PORT'],
      flag: 'port',
      arg: '<n>',
    }),
    /** Bearer token; required whenever host is not loopback. Prefer SENTINELOPS_TOKEN or tokenFile. */
    token: key(z.string().min(16, 'token must be at least 16 characters').optional(), {
      help: 'bearer token (at least 16 characters)',
      env: ['SENTINELOPS_TOKEN'],
    }),
    tokenFile: key(z.string().min(1).optional(), { help: 'file holding the bearer token', env: ['SENTINELOPS_TOKEN_FILE'], flag: 'token-file', arg: '<path>' }),
    /** Extra allowed Origin values (loopback origins are always allowed). */
    allowedOrigins: key(z.array(z.string().min(1)).default([]), { help: 'extra allowed Origin values', env: ['SENTINELOPS_ALLOWED_ORIGINS'] }),
    /** Extra allowed Host header values (host[:port]); loopback names are always allowed. */
    allowedHosts: key(z.array(z.string().min(1)).default([]), { help: 'extra allowed Host header values', env: ['SENTINELOPS_ALLOWED_HOSTS'] }),
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

/**
 * Who may use the HTTP server (stdio needs none: whoever starts the process is the user). token: one shared
 * bearer (http.token / tokenFile), for a single user. oidc: OAuth 2.1 JWT access tokens from `issuer`, whose
 * audience must be `resource`; scopes choose the tools (src/auth/scopes.ts), and with impersonate.enabled
 * cluster calls are made as the person (Kubernetes impersonation), so the API server's RBAC decides.
 */
export const AuthConfigSchema = z
  .object({
    mode: key(z.enum(['token', 'oidc']).default('token'), {
      help: 'HTTP authentication: one shared bearer token, or OAuth 2.1 access tokens (JWT) from an OpenID provider',
      env: ['SENTINELOPS_AUTH_MODE'],
      flag: 'auth',
      arg: '<mode>',
    }),
    /** The authorization server; its metadata (/.well-known/openid-configuration) names the JWKS. */
    issuer: key(z.string().url().optional(), {
      help: 'OAuth/OpenID issuer URL (auth.mode oidc)',
      env: ['SENTINELOPS_OIDC_ISSUER'],
      flag: 'oidc-issuer',
      arg: '<url>',
    }),
    /** This server's resource URL (RFC 8707/9728), the audience tokens must carry; default: the listening URL + /mcp. */
    resource: key(z.string().url().optional(), {
      help: "this server's OAuth resource URL, the audience tokens must name; default: the listening URL + /mcp",
      env: ['SENTINELOPS_OIDC_RESOURCE'],
      flag: 'oidc-resource',
      arg: '<url>',
    }),
    /** Skips discovery when the issuer publishes no metadata. */
    jwksUri: z.string().url().optional(),
    /** Tolerance for exp/nbf/iat against clocks that drift apart. */
    clockSkewSeconds: z.number().int().min(0).max(600).default(60),
    /** The claim naming the person (audit, Impersonate-User). */
    userClaim: z.string().min(1).default('sub'),
    /** The claim listing the person's groups (Impersonate-Group); absent means none. */
    groupsClaim: z.string().min(1).default('groups'),
    impersonate: z
      .object({
        enabled: key(z.boolean().default(false), {
          help: "cluster calls made for an authenticated person carry Kubernetes impersonation headers, so the API server's RBAC decides",
          env: ['SENTINELOPS_IMPERSONATE'],
          flag: 'impersonate',
        }),
        /** Prefixes as the API server's --oidc-username-prefix / --oidc-groups-prefix would add them. */
        userPrefix: z.string().default(''),
        groupPrefix: z.string().default(''),
        /** Per-person cluster clients kept (least recently used dropped first). */
        maxClients: z.number().int().positive().default(100),
      })
      .strict()
      .default({}),
  })
  .strict()
  .refine((a) => a.mode !== 'oidc' || a.issuer !== undefined, { message: 'auth.mode oidc needs auth.issuer', path: ['issuer'] })
  .refine((a) => !a.impersonate.enabled || a.mode === 'oidc', {
    message: 'auth.impersonate needs auth.mode oidc (a shared token names no person to act as)',
    path: ['impersonate', 'enabled'],
  });

export const MetricsConfigSchema = z
  .object({
    /** auto: metrics.k8s.io when served, else Prometheus when a URL is configured. */
    source: key(z.enum(['auto', 'metrics-server', 'prometheus']).default('auto'), {
      help: 'where CPU and memory usage come from',
      env: ['SENTINELOPS_METRICS_SOURCE'],
    }),
    prometheusUrl: key(z.string().url().optional(), { help: 'Prometheus base URL', env: ['PROMETHEUS_URL', 'SENTINELOPS_PROMETHEUS_URL'] }),
    prometheusTimeoutSeconds: z.number().positive().default(5),
    /** Bearer token or basic-auth credentials for Prometheus; never shown in tool output. */
    prometheusBearerToken: key(z.string().min(1).optional(), { help: 'Prometheus bearer token', env: ['SENTINELOPS_PROMETHEUS_TOKEN'] }),
    prometheusUsername: z.string().min(1).optional(),
    prometheusPassword: z.string().optional(),
    /** Range window for Prometheus rate() queries. */
    rateWindow: z
      .string()
      .regex(/^\d+[smh]$/, 'rateWindow must look like 1m, 30s or 1h')
      .default('1m'),
    /** A usage sample is read at most this often and shared by tools and the agent. Off (0: read every time) by default: metrics-server's rate is already up to 15 s old and a cache would add staleness and hide an outage for its length; large clusters set it (bench/scale.ts uses 15). */
    sampleSeconds: z.number().min(0).default(0),
  })
  .strict();

export const CostConfigSchema = z
  .object({
    /** OpenCost's default prices. */
    cpuHourly: key(z.number().min(0).default(0.031611), { help: 'price of one CPU core per hour', env: ['SENTINELOPS_COST_CPU_HOURLY'] }),
    gbHourly: key(z.number().min(0).default(0.004237), { help: 'price of one GiB of memory per hour', env: ['SENTINELOPS_COST_GB_HOURLY'] }),
    hoursPerMonth: z.number().positive().default(730),
    /** cost_savings' static baseline (the seed's "10 static replicas"); unset: the most replicas observed. */
    baselineReplicas: key(z.number().int().positive().optional(), {
      help: 'static replica baseline for cost_savings',
      env: ['SENTINELOPS_COST_BASELINE_REPLICAS'],
    }),
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
    enabled: key(z.boolean().default(false), { help: 'register the chaos tools', env: ['SENTINELOPS_CHAOS_ENABLED'] }),
    allowedNamespaces: key(namespaceList.default(['demo']), { help: 'namespaces chaos may touch', env: ['SENTINELOPS_CHAOS_ALLOWED_NAMESPACES'] }),
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
    intervalSeconds: key(z.number().positive().default(60), {
      help: 'seconds between agent cycles',
      env: ['DECISION_LOOP_INTERVAL', 'SENTINELOPS_AGENT_INTERVAL'],
      flag: 'interval',
      arg: '<seconds>',
    }),
    /** Record "would have done" instead of acting: quieter than mode recommend (no plans, no notifications). */
    dryRun: key(z.boolean().default(false), {
      help: '"would have done" records only: no changes, no plans, no notifications',
      env: ['SENTINELOPS_AGENT_DRY_RUN'],
      flag: 'dry-run',
    }),
    /**
     * autonomous: acts on its decisions (guardrails apply). approve: decisions at or above
     * approval.minRisk become pending plans a person approves or rejects. recommend: acts on nothing;
     * every decision is recorded on its incident and becomes a plan a person may apply (notified).
     * dryRun is recommend without plans or notifications ("would have done" records only).
     */
    mode: key(z.enum(['autonomous', 'approve', 'recommend']).default('autonomous'), {
      help: 'autonomous | approve (risky decisions wait for a person) | recommend (nothing changes by itself)',
      env: ['SENTINELOPS_AGENT_MODE'],
      flag: 'mode',
      arg: '<mode>',
    }),
    approval: z
      .object({
        /** Decisions at or above this risk wait for a person in approve mode (src/approvals/risk.ts). */
        minRisk: key(z.enum(['low', 'medium', 'high']).default('medium'), { help: 'approve mode: lowest risk that waits for a person' }),
        /** A pending plan not decided within this time expires (the agent proposes again if still needed). */
        ttlSeconds: key(z.number().int().min(30).max(86_400).default(900), { help: 'seconds a pending plan waits before it expires' }),
        /** Namespaces with this label set to "true" make every change high risk. */
        criticalLabel: z.string().min(1).max(253).default('sentinelops.io/critical'),
        /**
         * Signs the approve/reject links in notifications; set it (≥ 16 characters) when the links must
         * outlive a restart or be opened on another replica. Default: a per-process random secret.
         */
        linkSecret: z.string().min(16).optional(),
      })
      .strict()
      .default({}),
    /** Namespaces the agent watches; empty = the cluster's default namespace. */
    namespaces: key(namespaceList.default([]), { help: 'namespaces the agent watches; empty: the default namespace', flag: 'namespaces', arg: '<a,b>' }),
    thresholds: z
      .object({
        cpuHigh: key(z.number().min(0).max(1000).default(80), { help: 'CPU % of request above which to scale up', env: ['CPU_HIGH_THRESHOLD'] }),
        cpuLow: key(z.number().min(0).max(1000).default(30), { help: 'CPU % of request below which to scale down', env: ['CPU_LOW_THRESHOLD'] }),
        memoryHigh: key(z.number().min(0).max(1000).default(85), { help: 'memory % of limit that counts as pressure', env: ['MEMORY_HIGH_THRESHOLD'] }),
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
    /**
     * Consent to scale a deployment below the replica count a person set (the last spec.replicas not written by
     * SentinelOps). Off: the agent scales up under overload and comes back to that count, never below it. Per
     * deployment or namespace: the annotation sentinelops.dev/scale-down: "allow".
     */
    scaleDownBelowDesired: z.boolean().default(false),
    leaderElection: z
      .object({
        enabled: key(z.boolean().default(true), {
          help: 'leader election on a Lease, so one agent acts at a time (only a single agent may run without it)',
          flag: 'no-leader-election',
          flagSets: false,
        }),
        leaseName: z.string().min(1).default('sentinelops-agent'),
        leaseNamespace: z.string().min(1).default('default'),
        leaseDurationSeconds: z.number().positive().default(15),
        renewSeconds: z.number().positive().default(5),
      })
      .strict()
      .default({}),
    /**
     * Kubeconfig contexts the in-process agent watches, one loop and one Lease each (README "Many clusters");
     * empty: the server's default cluster only.
     */
    clusters: z.array(z.string().min(1)).max(64).default([]),
    /** Per cluster, agent settings merged over these (validated when the agent starts), e.g. { prod: { dryRun: true } }. */
    clusterOverrides: z.record(z.string().min(1), z.record(z.string(), z.unknown())).default({}),
  })
  .strict()
  .refine((a) => a.thresholds.cpuLow < a.thresholds.cpuHigh, {
    message: 'thresholds.cpuLow must be below thresholds.cpuHigh',
    path: ['thresholds', 'cpuLow'],
  });

/** Groups of tools a server may expose (`--toolsets core,healing`); tools/index.ts assigns every tool to one. */
export const TOOLSET_NAMES = ['core', 'prometheus', 'healing', 'incidents', 'cost', 'chaos', 'agent'] as const;
export type ToolsetName = (typeof TOOLSET_NAMES)[number];

export const ToolsConfigSchema = z
  .object({
    /** Which toolsets tools/list shows, on top of the read-only / non-destructive profiles. */
    toolsets: key(
      z
        .array(z.enum(TOOLSET_NAMES))
        .min(1, 'name at least one toolset')
        .default([...TOOLSET_NAMES]),
      {
        help: `toolsets to expose (${TOOLSET_NAMES.join(', ')}); default all`,
        env: ['SENTINELOPS_TOOLSETS'],
        flag: 'toolsets',
        arg: '<a,b>',
      },
    ),
    /** The text a list tool answers with stays under this many tokens (estimated as characters / 4); the rest pages. */
    textTokenBudget: key(z.number().int().min(500).default(8000), {
      help: 'most tokens (characters / 4) of text one tool answer carries; lists page beyond it',
      env: ['SENTINELOPS_TEXT_TOKEN_BUDGET'],
    }),
  })
  .strict();

export const LogConfigSchema = z
  .object({
    level: key(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), {
      help: 'structured log level',
      env: ['LOG_LEVEL', 'SENTINELOPS_LOG_LEVEL'],
      flag: 'log-level',
      arg: '<level>',
    }),
    /** A file path; stderr when absent. */
    file: key(z.string().min(1).optional(), {
      help: 'write logs to this file instead of stderr',
      env: ['SENTINELOPS_LOG_FILE'],
      flag: 'log-file',
      arg: '<path>',
    }),
  })
  .strict();

export const ConfigSchema = z
  .object({
    cluster: ClusterConfigSchema.default({}),
    safety: SafetyConfigSchema.default({}),
    store: StoreConfigSchema.default({}),
    http: HttpConfigSchema.default({}),
    auth: AuthConfigSchema.default({}),
    metrics: MetricsConfigSchema.default({}),
    cost: CostConfigSchema.default({}),
    chaos: ChaosConfigSchema.default({}),
    agent: AgentConfigSchema.default({}),
    log: LogConfigSchema.default({}),
    /** Notifications (src/notify): sinks, events, retries. */
    notify: NotifyConfigSchema.default({}),
    tools: ToolsConfigSchema.default({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
/** What a config file or an override may contain: any subset of sections and keys. */
export type ConfigInput = z.input<typeof ConfigSchema>;
