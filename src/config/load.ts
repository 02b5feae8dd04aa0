/**
 * Merges the configuration sources — defaults < file < environment < flags — and validates the result
 * once. Errors name the bad key and where it came from, so a user can fix the right place.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type ZodIssue, z } from 'zod';
import { ConfigSchema, type Config, type KeyMeta, keyMeta } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Kind = 'string' | 'number' | 'boolean' | 'list';

/** One configuration key as the outside world sees it, read off the schema (`key(...)` in schema.ts). */
export interface ConfigKey extends KeyMeta {
  /** Dotted path, e.g. `http.port`. */
  path: string;
  kind: Kind;
  /** The schema default, when there is one. */
  default?: unknown;
  /** Allowed values of an enum key. */
  choices?: readonly string[];
}

/** Every key of the schema that has outside names, in schema order. */
export const CONFIG_KEYS: readonly ConfigKey[] = collectKeys(ConfigSchema, []);

function collectKeys(schema: z.ZodTypeAny, path: string[]): ConfigKey[] {
  const meta = keyMeta(schema);
  const inner = unwrap(schema);
  if (meta) {
    const leaf = inner.schema;
    const kind: Kind = leaf instanceof z.ZodBoolean ? 'boolean' : leaf instanceof z.ZodNumber ? 'number' : leaf instanceof z.ZodArray ? 'list' : 'string';
    const choices = leaf instanceof z.ZodEnum ? (leaf.options as string[]) : undefined;
    return [{ ...meta, path: path.join('.'), kind, ...(inner.hasDefault ? { default: inner.default } : {}), ...(choices ? { choices } : {}) }];
  }
  if (inner.schema instanceof z.ZodObject) {
    return Object.entries(inner.schema.shape as Record<string, z.ZodTypeAny>).flatMap(([k, v]) => collectKeys(v, [...path, k]));
  }
  return [];
}

/** Peels defaults, optionals and refinements off a schema, keeping the default value. */
function unwrap(schema: z.ZodTypeAny): { schema: z.ZodTypeAny; hasDefault: boolean; default?: unknown } {
  let s = schema;
  let found: { value: unknown } | undefined;
  for (;;) {
    if (s instanceof z.ZodDefault) {
      found ??= { value: s._def.defaultValue() };
      s = s._def.innerType;
    } else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s._def.innerType;
    else if (s instanceof z.ZodEffects) s = s._def.schema;
    else return { schema: s, hasDefault: found !== undefined, default: found?.value };
  }
}

/** Environment variable name -> key, generated from CONFIG_KEYS. */
export const ENV_VARS: Readonly<Record<string, { path: string; kind: Kind }>> = Object.fromEntries(
  CONFIG_KEYS.flatMap((k) => (k.env ?? []).map((name) => [name, { path: k.path, kind: k.kind }])),
);

/** The key of `path`, for commands that offer it as a flag; throws on a path with no outside names. */
export function configKey(path: string): ConfigKey {
  const k = CONFIG_KEYS.find((c) => c.path === path);
  if (!k) throw new Error(`no configuration key ${path} with outside names (see key(...) in src/config/schema.ts)`);
  return k;
}

/** A flag's value as the key's type; `--port abc` is a ConfigError naming the flag. */
export function flagValue(k: ConfigKey, raw: string | boolean): unknown {
  if (k.kind === 'boolean') return raw === true ? (k.flagSets ?? true) : raw;
  return coerce(`--${k.flag}`, String(raw), k.kind);
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of a YAML or JSON file; falls back to SENTINELOPS_CONFIG. */
  configFile?: string;
  /** Values from command-line flags, highest precedence. */
  overrides?: Record<string, unknown>;
  /** A command's own defaults (the demo's simulator, sim's quieter logs), below file and environment. */
  defaults?: Record<string, unknown>;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const origin = new Map<string, string>();
  const defaults = opts.defaults ?? {};
  markOrigin(defaults, [], "the command's defaults", origin);
  const file = opts.configFile ?? env.SENTINELOPS_CONFIG;
  const fromFile = file ? readConfigFile(file) : {};
  markOrigin(fromFile, [], file ? `file ${file}` : '', origin);
  const fromEnv = configFromEnv(env, origin);
  const overrides = opts.overrides ?? {};
  markOrigin(overrides, [], 'command-line flag', origin);
  return parseConfig(deepMerge(deepMerge(deepMerge(defaults, fromFile), fromEnv), overrides), origin);
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
    setPath(out, path, coerce(`environment variable ${name}`, raw, kind));
    origin?.set(path, `environment variable ${name}`);
  }
  return out;
}

/** `source` names where the text came from: "environment variable X" or "--flag". */
function coerce(source: string, raw: string, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'number': {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new ConfigError(`${source}: expected a number, got "${raw}"`);
      return n;
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new ConfigError(`${source}: expected true or false, got "${raw}"`);
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
