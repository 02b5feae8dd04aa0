/**
 * The real CLI over stdio (`sentinelops-mcp --cluster sim`): an SDK client drives it, and stdout carries
 * nothing but JSON-RPC frames.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'src/cli.ts');
const dbPath = () => join(mkdtempSync(join(tmpdir(), 'sentinelops-stdio-')), 'x.db');
const env = (): Record<string, string> => ({ ...(process.env as Record<string, string>), LOG_LEVEL: 'info', SENTINELOPS_COOLDOWN_SECONDS: '0' });

describe('stdio transport', () => {
  it('serves the tools of the embedded simulator to an SDK client', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', CLI, '--cluster', 'sim', '--db', dbPath()],
      cwd: ROOT,
      env: env(),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1' });
    await client.connect(transport);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['cluster_health', 'scale_deployment', 'log_incident']));
      const health = (await client.callTool({ name: 'cluster_health', arguments: {} })) as CallToolResult;
      expect(health.isError).toBeFalsy();
      expect((health.structuredContent as { apiServer: { reachable: boolean } }).apiServer.reachable).toBe(true);
      const scaled = (await client.callTool({
        name: 'scale_deployment',
        arguments: { namespace: 'demo', deployment: 'nginx-demo', replicas: 3 },
      })) as CallToolResult;
      expect(scaled.isError).toBeFalsy();
      const listed = (await client.callTool({ name: 'list_deployments', arguments: { namespace: 'demo' } })) as CallToolResult;
      expect((listed.structuredContent as { items: { name: string; replicas: number }[] }).items.find((d) => d.name === 'nginx-demo')?.replicas).toBe(3);
      const refused = (await client.callTool({
        name: 'scale_deployment',
        arguments: { namespace: 'kube-system', deployment: 'x', replicas: 3 },
      })) as CallToolResult;
      expect(refused.isError).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('writes only JSON-RPC to stdout (logs go to stderr)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--cluster', 'sim', '--db', dbPath()], {
      cwd: ROOT,
      env: env(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const send = (msg: unknown) => child.stdin.write(`${JSON.stringify(msg)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_pods', arguments: { namespace: 'demo' } } });
    const deadline = Date.now() + 20_000;
    while (!stdout.includes('"id":2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    // The logger did write, just not to stdout.
    expect(stderr).toMatch(/MCP server ready/);
  });
});
