/**
 * Merges the configuration sources — defaults < file < environment < flags — and validates the result
 * once. Errors name the bad key and where it came from, so a user can fix the right place.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';
import { ConfigSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Kind = 'string' | 'number' | 'boolean' | 'list';

/** Environment variables: the seed's names first, then SENTINELOPS_* ones. */
export const ENV_VARS: Record<string, { path: string; kind: Kind }> = {
  K8S_NAMESPACE: { path: 'cluster.defaultNamespace', kind: 'string' },
  PROMETHEUS_URL: { path: 'metrics.prometheusUrl', kind: 'string' },
  CPU_HIGH_THRESHOLD: { path: 'agent.thresholds.cpuHigh', kind: 'number' },
  CPU_LOW_THRESHOLD: { path: 'agent.thresholds.cpuLow', kind: 'number' },
  MEMORY_HIGH_THRESHOLD: { path: 'agent.thresholds.memoryHigh', kind: 'number' },
  MIN_REPLICAS: { path: 'safety.minReplicas', kind: 'number' },
  MAX_REPLICAS: { path: 'safety.maxReplicas', kind: 'number' },
  DECISION_LOOP_INTERVAL: { path: 'agent.intervalSeconds', kind: 'number' },
  SENTINELOPS_CLUSTER: { path: 'cluster.mode', kind: 'string' },
  SENTINELOPS_KUBECONFIG: { path: 'cluster.kubeconfig', kind: 'string' },
  SENTINELOPS_CONTEXT: { path: 'cluster.context', kind: 'string' },
  SENTINELOPS_NAMESPACE: { path: 'cluster.defaultNamespace', kind: 'string' },
  SENTINELOPS_READ_ONLY: { path: 'safety.readOnly', kind: 'boolean' },
  SENTINELOPS_NON_DESTRUCTIVE: { path: 'safety.nonDestructive', kind: 'boolean' },
  SENTINELOPS_DRY_RUN: { path: 'safety.dryRun', kind: 'boolean' },
  SENTINELOPS_ALLOWED_NAMESPACES: { path: 'safety.allowedNamespaces', kind: 'list' },
  SENTINELOPS_PROTECTED_NAMESPACES: { path: 'safety.protectedNamespaces', kind: 'list' },
  SENTINELOPS_MIN_REPLICAS: { path: 'safety.minReplicas', kind: 'number' },
  SENTINELOPS_MAX_REPLICAS: { path: 'safety.maxReplicas', kind: 'number' },
  SENTINELOPS_COOLDOWN_SECONDS: { path: 'safety.cooldownSeconds', kind: 'number' },
  SENTINELOPS_CONFIRM_DESTRUCTIVE: { path: 'safety.confirmDestructive', kind: 'boolean' },
  SENTINELOPS_DB: { path: 'store.path', kind: 'string' },
  SENTINELOPS_HTTP_HOST: { path: 'http.host', kind: 'string' },
  SENTINELOPS_HTTP_PORT: { path: 'http.port', kind: 'number' },
  SENTINELOPS_TOKEN: { path: 'http.token', kind: 'string' },
  SENTINELOPS_TOKEN_FILE: { path: 'http.tokenFile', kind: 'string' },
  SENTINELOPS_ALLOWED_ORIGINS: { path: 'http.allowedOrigins', kind: 'list' },
  SENTINELOPS_ALLOWED_HOSTS: { path: 'http.allowedHosts', kind: 'list' },
  SENTINELOPS_METRICS_SOURCE: { path: 'metrics.source', kind: 'string' },
  SENTINELOPS_PROMETHEUS_URL: { path: 'metrics.prometheusUrl', kind: 'string' },
  SENTINELOPS_PROMETHEUS_TOKEN: { path: 'metrics.prometheusBearerToken', kind: 'string' },
  SENTINELOPS_COST_CPU_HOURLY: { path: 'cost.cpuHourly', kind: 'number' },
  SENTINELOPS_COST_GB_HOURLY: { path: 'cost.gbHourly', kind: 'number' },
  SENTINELOPS_CHAOS_ENABLED: { path: 'chaos.enabled', kind: 'boolean' },
  SENTINELOPS_CHAOS_ALLOWED_NAMESPACES: { path: 'chaos.allowedNamespaces', kind: 'list' },
  SENTINELOPS_COST_BASELINE_REPLICAS: { path: 'cost.baselineReplicas', kind: 'number' },
  SENTINELOPS_AGENT_INTERVAL: { path: 'agent.intervalSeconds', kind: 'number' },
  SENTINELOPS_AGENT_DRY_RUN: { path: 'agent.dryRun', kind: 'boolean' },
  SENTINELOPS_LOG_LEVEL: { path: 'log.level', kind: 'string' },
  SENTINELOPS_LOG_FILE: { path: 'log.file', kind: 'string' },
};

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of a YAML or JSON file; falls back to SENTINELOPS_CONFIG. */
  configFile?: string;
  /** Values from command-line flags, highest precedence. */
  overrides?: Record<string, unknown>;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const origin = new Map<string, string>();
  const file = opts.configFile ?? env.SENTINELOPS_CONFIG;
  const fromFile = file ? readConfigFile(file) : {};
  markOrigin(fromFile, [], file ? `file ${file}` : '', origin);
  const fromEnv = configFromEnv(env, origin);
  const overrides = opts.overrides ?? {};
  markOrigin(overrides, [], 'command-line flag', origin);
  return parseConfig(deepMerge(deepMerge(fromFile, fromEnv), overrides), origin);
}

/** Validates a merged object; `origin` maps dotted key paths to the source that set them. */
export function parseConfig(input: unknown, origin: Map<string, string> = new Map()): Config {
  const result = ConfigSchema.safeParse(input ?? {});
  if (result.success) return expandHome(result.data);
  const lines = result.error.issues.map((issue) => describeIssue(issue, origin));
  throw new ConfigError(`invalid configuration:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(expandTilde(path), 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`config file ${path} must hold a mapping of sections`);
  return data as Record<string, unknown>;
}

export function configFromEnv(env: NodeJS.ProcessEnv, origin?: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, { path, kind }] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(out, path, coerce(name, raw, kind));
    origin?.set(path, `environment variable ${name}`);
  }
  return out;
}

function coerce(name: string, raw: string, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'number': {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new ConfigError(`environment variable ${name}: expected a number, got "${raw}"`);
      return n;
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new ConfigError(`environment variable ${name}: expected true or false, got "${raw}"`);
    }
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  }
}

function describeIssue(issue: ZodIssue, origin: Map<string, string>): string {
  const key = issue.path.join('.') || '(root)';
  let from = '';
  for (let i = issue.path.length; i > 0; i--) {
    const src = origin.get(issue.path.slice(0, i).join('.'));
    if (src) {
      from = ` (from ${src})`;
      break;
    }
  }
  if (issue.code === 'unrecognized_keys') {
    return `${key === '(root)' ? '' : `${key}: `}unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}${from}`;
  }
  return `${key}: ${issue.message}${from}`;
}

function markOrigin(obj: unknown, prefix: string[], source: string, origin: Map<string, string>): void {
  if (!source || obj === null || typeof obj !== 'object' || Array.isArray(obj)) return;
  for (const [k, v] of Object.entries(obj)) {
    const path = [...prefix, k];
    origin.set(path.join('.'), source);
    markOrigin(v, path, source, origin);
  }
}

export function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === undefined || next === null || typeof next !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** Objects merge key by key; arrays and scalars from `b` replace those of `a`. */
export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function expandTilde(p: string): string {
  return p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

function expandHome(config: Config): Config {
  return {
    ...config,
    store: { ...config.store, path: expandTilde(config.store.path) },
    cluster: { ...config.cluster, ...(config.cluster.kubeconfig ? { kubeconfig: expandTilde(config.cluster.kubeconfig) } : {}) },
    http: { ...config.http, ...(config.http.tokenFile ? { tokenFile: expandTilde(config.http.tokenFile) } : {}) },
  };
}
