import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict flag parsing for a subcommand without positionals. A bad flag prints the error and the usage (exit code 2),
 * --help prints the usage; both return undefined, and the command has nothing more to do.
 */
export function parseFlagsOrUsage<const O extends Options>(argv: string[], options: O, usage: string) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage}`);
    process.exitCode = 2;
    return undefined;
  }
  if ((parsed.values as Record<string, unknown>).help) {
    process.stderr.write(usage);
    return undefined;
  }
  return parsed.values;
}
