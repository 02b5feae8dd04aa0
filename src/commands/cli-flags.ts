/**
 * One way for every command to take flags and print its usage. A command lists its own flags and the
 * configuration keys it offers as flags; the latter's names, help, defaults and environment variables come
 * from the config schema (CONFIG_KEYS), so a flag, its variable and its usage line cannot drift apart.
 * --help prints the usage to stdout (exit 0); a bad flag prints the error and the usage to stderr (exit 2).
 */
import { parseArgs } from 'node:util';
import { type ConfigKey, ConfigError, configKey, flagValue, setPath } from '../config/load.js';

export interface OwnFlag {
  name: string;
  type: 'string' | 'boolean';
  /** Placeholder in the usage text for a string flag, e.g. `<n>`. */
  arg?: string;
  help: string;
  short?: string;
}

export interface CommandSpec {
  /** The synopsis after "Usage: ", e.g. `sentinelops-mcp agent [flags]`. */
  synopsis: string;
  /** A paragraph under the synopsis. */
  about?: string;
  flags?: readonly OwnFlag[];
  /** Config key paths offered as flags (their `flag` name from the schema). */
  config?: readonly string[];
  /** Offer --config <file> (YAML or JSON); 'flag-only' when the command does not read SENTINELOPS_CONFIG. */
  configFile?: boolean | 'flag-only';
  /** The command's own defaults for config keys (shown in the usage), as passed to loadConfig. */
  defaults?: Record<string, unknown>;
  /** How many positional arguments the command takes (default none). */
  positionals?: { min: number; max: number; what: string };
  /** Lines after the flags. */
  footer?: string;
}

export interface ParsedCommand {
  /** The command's own flags. */
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Config keys given as flags, as a loadConfig override. */
  overrides: Record<string, unknown>;
  configFile?: string;
}

const HELP_FLAG: OwnFlag = { name: 'help', type: 'boolean', short: 'h', help: 'this help' };
const CONFIG_FLAG: OwnFlag = { name: 'config', type: 'string', arg: '<file>', help: 'YAML or JSON config file (env SENTINELOPS_CONFIG)' };

function configFlag(spec: CommandSpec): OwnFlag[] {
  if (!spec.configFile) return [];
  return [spec.configFile === 'flag-only' ? { ...CONFIG_FLAG, help: 'YAML or JSON config file' } : CONFIG_FLAG];
}

function ownFlags(spec: CommandSpec): OwnFlag[] {
  return [...(spec.flags ?? []), ...configFlag(spec), HELP_FLAG];
}

function keysOf(spec: CommandSpec): ConfigKey[] {
  return (spec.config ?? []).map((path) => {
    const k = configKey(path);
    if (!k.flag) throw new Error(`config key ${path} has no flag name in the schema`);
    return k;
  });
}

function lookup(obj: Record<string, unknown> | undefined, path: string): unknown {
  let node: unknown = obj;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function describeKey(k: ConfigKey, defaults: Record<string, unknown> | undefined): string {
  const notes: string[] = [];
  if (k.choices) notes.push(k.choices.join('|'));
  const def = lookup(defaults, k.path) ?? k.default;
  const shown = Array.isArray(def) ? def.join(',') : def;
  // A boolean flag's default is "not given"; saying "default false" would only confuse.
  if (shown !== undefined && shown !== '' && k.kind !== 'boolean') notes.push(`default ${String(shown)}`);
  if (k.env?.length) notes.push(`env ${k.env.join(' or ')}`);
  return notes.length ? `${k.help} (${notes.join('; ')})` : k.help;
}

export function usageText(spec: CommandSpec): string {
  const rows: [string, string][] = [];
  const flagCol = (name: string, arg: string | undefined, short?: string) => `${short ? `-${short}, ` : ''}--${name}${arg ? ` ${arg}` : ''}`;
  for (const f of spec.flags ?? []) rows.push([flagCol(f.name, f.type === 'string' ? (f.arg ?? '<value>') : undefined, f.short), f.help]);
  for (const k of keysOf(spec)) {
    const help = k.flagSets === false ? `turn off: ${k.help}` : describeKey(k, spec.defaults);
    rows.push([flagCol(k.flag!, k.kind === 'boolean' ? undefined : (k.arg ?? '<value>')), help]);
  }
  for (const f of configFlag(spec)) rows.push([flagCol(f.name, f.arg), f.help]);
  rows.push([flagCol('help', undefined, 'h'), HELP_FLAG.help]);
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  const lines = rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`);
  return [`Usage: ${spec.synopsis}`, '', ...(spec.about ? [spec.about, ''] : []), 'Flags:', ...lines, ...(spec.footer ? ['', spec.footer] : []), ''].join('\n');
}

/**
 * Parses argv for a command. Returns undefined when the command has nothing more to do: --help was printed
 * (exit code 0), or a bad flag was reported with the usage (exit code 2).
 */
export function parseCommand(argv: string[], spec: CommandSpec): ParsedCommand | undefined {
  const keys = keysOf(spec);
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const f of ownFlags(spec)) options[f.name] = { type: f.type, ...(f.short ? { short: f.short } : {}) };
  for (const k of keys) options[k.flag!] = { type: k.kind === 'boolean' ? 'boolean' : 'string' };
  const usage = usageText(spec);
  const fail = (message: string) => {
    process.stderr.write(`${message}\n\n${usage}`);
    process.exitCode = 2;
    return undefined;
  };
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    // node's own wording for an unknown flag suggests `--` positionals, which no command takes.
    const unknown = /Unknown option '([^']+)'/.exec((err as Error).message);
    return fail(unknown ? `unknown flag ${unknown[1]}` : (err as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    process.stdout.write(usage);
    return undefined;
  }
  const { min, max, what } = spec.positionals ?? { min: 0, max: 0, what: 'arguments' };
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    return fail(
      max === 0
        ? `unexpected argument "${parsed.positionals[0]}"`
        : `expected ${min === max ? min : `${min} to ${max}`} ${what}, got ${parsed.positionals.length}`,
    );
  }
  const overrides: Record<string, unknown> = {};
  try {
    for (const k of keys) {
      const raw = values[k.flag!];
      if (raw === undefined) continue;
      setPath(overrides, k.path, flagValue(k, raw));
    }
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }
  const own = new Set(ownFlags(spec).map((f) => f.name));
  const ownValues = Object.fromEntries(Object.entries(values).filter(([name]) => own.has(name)));
  return { values: ownValues, positionals: parsed.positionals, overrides, configFile: values.config as string | undefined };
}
