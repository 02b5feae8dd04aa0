/**
 * `sentinelops-mcp config <client>`: the MCP entry names node and the built CLI by absolute path (nothing on npm
 * or PATH needed); --write merges it into the client's file, keeping what is there, and refuses a broken file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.js';

const ENTRY = join(ROOT, 'dist/src/cli.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'sentinelops-client-config-'));

describe('sentinelops-mcp config', () => {
  it('prints the Claude Desktop entry for this installation on stdout', async () => {
    const r = await runCli(['config', 'claude-desktop']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ mcpServers: { sentinelops: { command: process.execPath, args: [ENTRY, '--cluster', 'sim'] } } });
    expect(r.stderr).toMatch(/claude_desktop_config\.json; --write merges it there/);
  });

  it('--write merges into an existing file, keeping other servers and keys; server flags after --', async () => {
    const file = join(tmp(), 'claude_desktop_config.json');
    writeFileSync(file, JSON.stringify({ globalShortcut: 'x', mcpServers: { other: { command: 'other' } } }));
    const r = await runCli(['config', 'claude-desktop', '--write', '--file', file, '--', '--kubeconfig', '/k/config']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`added entry "sentinelops" in ${file}; restart Claude Desktop`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      globalShortcut: 'x',
      mcpServers: { other: { command: 'other' }, sentinelops: { command: process.execPath, args: [ENTRY, '--kubeconfig', '/k/config'] } },
    });
    const again = await runCli(['config', 'claude-desktop', '--write', '--file', file]);
    expect(again.stderr).toContain('replaced entry "sentinelops"');
  });

  it("writes VS Code's shape (servers, type stdio)", async () => {
    const file = join(tmp(), 'mcp.json');
    const r = await runCli(['config', 'vscode', '--write', '--file', file, '--name', 'sre']);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      servers: { sre: { type: 'stdio', command: process.execPath, args: [ENTRY, '--cluster', 'sim'] } },
    });
  });

  it('leaves a file that is not a JSON object unchanged (exit 1), and rejects an unknown client (exit 2)', async () => {
    const file = join(tmp(), 'broken.json');
    writeFileSync(file, '{ not json');
    const r = await runCli(['config', 'claude-code', '--write', '--file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a JSON object');
    expect(readFileSync(file, 'utf8')).toBe('{ not json');
    const unknown = await runCli(['config', 'cursor']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown client "cursor"');
  });
});
