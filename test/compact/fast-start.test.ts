/**
 * Fast start: the stdio server answers initialize and tools/list before it loads @kubernetes/client-node (or
 * touches the cluster); the Kubernetes client is loaded for the first tool call. A child process runs the real
 * CLI with a loader hook that records every module it loads.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const loaded = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

describe('fast start', () => {
  it('answers initialize and tools/list without loading @kubernetes/client-node; the first call loads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinelops-fast-'));
    const trace = join(dir, 'modules.txt');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', join(__dirname, 'load-trace.mjs'), join(ROOT, 'src/cli.ts'), '--cluster', 'sim', '--db', join(dir, 'x.db')],
      { cwd: ROOT, env: { ...process.env, LOAD_TRACE_FILE: trace, LOG_LEVEL: 'silent' }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    const answered = async (id: number) => {
      const deadline = Date.now() + 90_000;
      while (!stdout.includes(`"id":${id}`)) {
        if (Date.now() > deadline) throw new Error(`no answer ${id}: ${stdout}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      send({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      await answered(2);
      // Modules loaded before the answer to tools/list was written (the runtime loads right after it).
      const beforeCall = loaded(trace).split('# answered 2')[0]!;
      expect(loaded(trace)).toContain('# answered 2');
      expect(beforeCall).toContain('/src/mcp/create-server.ts');
      expect(beforeCall).not.toContain('@kubernetes/client-node');
      expect(beforeCall).not.toContain('/src/sim/');
      expect(stdout).toContain('"name":"list_pods"');

      send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_pods', arguments: { namespace: 'demo' } } });
      await answered(3);
      expect(loaded(trace)).toContain('@kubernetes/client-node');
      const reply = JSON.parse(stdout.split('\n').find((l) => l.includes('"id":3'))!) as { result: { isError?: boolean; content: { text: string }[] } };
      expect(reply.result.isError).toBeFalsy();
      expect(reply.result.content[0]!.text).toMatch(/^\d+ pods?: /);
    } finally {
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
    }
  }, 180_000);
});
