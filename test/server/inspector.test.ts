/**
 * The official MCP Inspector CLI (`@modelcontextprotocol/inspector --cli`, a devDependency) drives our stdio
 * server the way a user would from a terminal. `--cli` runs the inspector's pure command-line client: it
 * spawns the server as a child process, talks JSON-RPC over its stdin/stdout and prints the result; it opens
 * no browser, no proxy port and no network connection (the simulator inside the server listens on 127.0.0.1).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { compactJson } from '../../src/catalog/render-text.js';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const INSPECTOR = join(ROOT, 'node_modules/@modelcontextprotocol/inspector/cli/build/cli.js');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

async function inspector(dbPath: string, method: string[]): Promise<unknown> {
  const serverCommand = [TSX, join(ROOT, 'src/cli.ts'), '--cluster', 'sim', '--db', dbPath];
  const { stdout } = await run(process.execPath, [INSPECTOR, '--cli', ...serverCommand, ...method], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    timeout: 45_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as unknown;
}

describe('MCP Inspector CLI against the stdio server', () => {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'sentinelops-inspector-')), 'sentinelops.db');

  it('lists the tools with their schemas and annotations', async () => {
    const listed = (await inspector(dbPath, ['--method', 'tools/list'])) as {
      tools: { name: string; inputSchema: { type: string }; outputSchema?: unknown; annotations?: { readOnlyHint?: boolean } }[];
    };
    const names = listed.tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'cluster_health',
        'list_pods',
        'list_deployments',
        'list_nodes',
        'list_events',
        'get_pod_logs',
        'get_metrics',
        'scale_deployment',
        'restart_deployment',
        'delete_pod',
        'rollback_deployment',
        'list_incidents',
        'get_incident',
        'log_incident',
        'incident_stats',
      ]),
    );
    const scale = listed.tools.find((t) => t.name === 'scale_deployment');
    expect(scale?.inputSchema.type).toBe('object');
    expect(scale?.outputSchema).toBeDefined();
    expect(scale?.annotations?.readOnlyHint).toBe(false);
    expect(listed.tools.find((t) => t.name === 'list_pods')?.annotations?.readOnlyHint).toBe(true);
  }, 60_000);

  it('calls scale_deployment with string --tool-arg values converted by the schema, and the call is audited', async () => {
    const result = (await inspector(dbPath, [
      '--method',
      'tools/call',
      '--tool-name',
      'scale_deployment',
      '--tool-arg',
      'namespace=demo',
      '--tool-arg',
      'deployment=nginx-demo',
      '--tool-arg',
      'replicas=4',
    ])) as { isError?: boolean; content: { type: string; text: string }[]; structuredContent: { dryRun: boolean; after: { replicas: number } } };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ dryRun: false, target: 'deployment/demo/nginx-demo', after: { replicas: 4 } });
    // The text is the compact form of the same output (one line, no nulls or empty fields).
    expect(result.content[0]!.text).toBe(compactJson(result.structuredContent));

    // The server process has exited; its SQLite file holds the audit row with the inspector as the caller.
    const store = Store.open(dbPath, { now: () => 0 });
    try {
      const [row] = store.audit.list({ tool: 'scale_deployment' });
      expect(row).toMatchObject({ caller: 'inspector-cli', ok: true, target: 'deployment/demo/nginx-demo', arguments: { replicas: 4 } });
    } finally {
      store.close();
    }
  }, 60_000);
});
