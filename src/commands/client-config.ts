/**
 * `sentinelops-mcp config <claude-desktop|claude-code|vscode> [--write] [-- server flags]`: the MCP client entry
 * that starts this installation's server (absolute node and CLI paths, so it works without the package being
 * published or on PATH). Prints it to stdout, or merges it into the client's configuration file with --write.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandSpec, parseCommand, usageText } from './cli-flags.js';

const CLIENTS = ['claude-desktop', 'claude-code', 'vscode'] as const;
type ClientName = (typeof CLIENTS)[number];

export const CLIENT_CONFIG: CommandSpec = {
  synopsis: 'sentinelops-mcp config <claude-desktop|claude-code|vscode> [flags] [-- server flags]',
  about:
    "Prints the client's MCP server entry for this installation (node and CLI by absolute path), or merges it into the\n" +
    "client's configuration file with --write. Server flags after -- replace the default `--cluster sim`, e.g.\n" +
    '  sentinelops-mcp config claude-desktop --write -- --kubeconfig ~/.kube/config --allowed-namespaces demo',
  flags: [
    { name: 'write', type: 'boolean', help: "merge the entry into the client's configuration file (other entries are kept)" },
    { name: 'name', type: 'string', arg: '<name>', help: 'entry name (default sentinelops)' },
    { name: 'file', type: 'string', arg: '<path>', help: 'configuration file to write instead of the client default' },
  ],
  positionals: { min: 1, max: 1, what: 'client name (claude-desktop, claude-code or vscode)' },
};

/** The built CLI this installation runs: next to this file in dist, or dist/ of the checkout when run from source. */
export function cliEntry(): { path: string; built: boolean } {
  const here = fileURLToPath(import.meta.url);
  const path = here.endsWith('.ts') ? resolve(dirname(here), '../../dist/src/cli.js') : resolve(dirname(here), '../cli.js');
  return { path, built: existsSync(path) };
}

/** Where each client keeps its configuration (Claude Desktop per OS; Claude Code and VS Code per project). */
export function defaultFile(client: ClientName, platform: NodeJS.Platform = process.platform, cwd = process.cwd()): string {
  switch (client) {
    case 'claude-desktop':
      if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json');
      if (platform === 'win32') return join(homedir(), 'AppData', 'Roaming', 'Claude', 'claude_desktop_config.json');
      return join(homedir(), '.config', 'Claude', 'claude_desktop_config.json');
    case 'claude-code':
      return join(cwd, '.mcp.json');
    case 'vscode':
      return join(cwd, '.vscode', 'mcp.json');
  }
}

/** The client's whole-file shape with one entry: VS Code names the map `servers` and wants a type. */
export function clientEntry(client: ClientName, name: string, command: string, args: string[]): Record<string, unknown> {
  if (client === 'vscode') return { servers: { [name]: { type: 'stdio', command, args } } };
  return { mcpServers: { [name]: { command, args } } };
}

export async function run(argv: string[]): Promise<void> {
  const dash = argv.indexOf('--');
  const own = dash === -1 ? argv : argv.slice(0, dash);
  const serverArgs = dash === -1 ? ['--cluster', 'sim'] : argv.slice(dash + 1);
  const parsed = parseCommand(own, CLIENT_CONFIG);
  if (!parsed) return;
  const client = parsed.positionals[0] as ClientName;
  if (!CLIENTS.includes(client)) {
    process.stderr.write(`unknown client "${client}"; expected one of ${CLIENTS.join(', ')}\n\n${usageText(CLIENT_CONFIG)}`);
    process.exitCode = 2;
    return;
  }
  const name = typeof parsed.values.name === 'string' ? parsed.values.name : 'sentinelops';
  const entry = cliEntry();
  if (!entry.built) {
    // Still printed or written: the entry is right once the checkout is built, and the build is one command.
    process.stderr.write(`note: ${entry.path} does not exist yet; run \`npm run build\` in the checkout before the client starts it\n`);
  }
  // The absolute node binary: Claude Desktop starts servers without the user's shell PATH.
  const doc = clientEntry(client, name, process.execPath, [entry.path, ...serverArgs]);
  if (!parsed.values.write) {
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    process.stderr.write(`(goes into ${defaultFile(client)}; --write merges it there)\n`);
    return;
  }
  const file = resolve(typeof parsed.values.file === 'string' ? parsed.values.file : defaultFile(client));
  let existing: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('not a JSON object');
      existing = data as Record<string, unknown>;
    } catch (err) {
      process.stderr.write(`sentinelops-mcp config: ${file} is not a JSON object (${(err as Error).message}); left unchanged\n`);
      process.exitCode = 1;
      return;
    }
  }
  const mapKey = Object.keys(doc)[0]!;
  const servers = { ...((existing[mapKey] as Record<string, unknown> | undefined) ?? {}) };
  const replaced = name in servers;
  servers[name] = (doc[mapKey] as Record<string, unknown>)[name];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...existing, [mapKey]: servers }, null, 2)}\n`);
  const restart = client === 'claude-desktop' ? '; restart Claude Desktop to load it' : '';
  process.stderr.write(`${replaced ? 'replaced' : 'added'} entry "${name}" in ${file}${restart}\n`);
}
