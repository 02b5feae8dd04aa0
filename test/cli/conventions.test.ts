/**
 * CLI conventions, on the real CLI: --help goes to stdout with exit 0; a bad flag exits 2 with the error and the
 * usage on stderr, in every command; a busy port says to use --port.
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const COMMANDS = ['serve', 'agent', 'sim', 'demo', 'rehearse', 'crds', 'config'];

describe('sentinelops-mcp conventions', () => {
  it('prints the top-level help to stdout and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: sentinelops-mcp \[command\]/);
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c} `);
    expect(r.stderr).toBe('');
  });

  it.each(COMMANDS)('%s --help: usage on stdout, exit 0', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: sentinelops-mcp /);
    expect(r.stdout).toContain('-h, --help');
    expect(r.stderr).toBe('');
  });

  it.each(COMMANDS)('%s --bogus: error and usage on stderr, exit 2', async (command) => {
    const r = await runCli([command, '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^unknown flag --bogus\n\nUsage: sentinelops-mcp /);
    expect(r.stdout).toBe('');
  });

  it('rejects a bad flag value with the usage (exit 2)', async () => {
    const serve = await runCli(['serve', '--port', 'abc']);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toMatch(/^--port: expected a number, got "abc"\n\nUsage:/);
    const sim = await runCli(['sim', '--nodes', '0']);
    expect(sim.code).toBe(2);
    expect(sim.stderr).toContain('--nodes must be an integer >= 1');
    expect(sim.stderr).toContain('Usage: sentinelops-mcp sim');
  });

  it('rejects an unknown command with the usage (exit 2)', async () => {
    const r = await runCli(['nonsense']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command "nonsense"');
    expect(r.stderr).toContain('Usage: sentinelops-mcp');
  });

  describe('a port already in use', () => {
    let blocker: Server;
    let port: number;
    beforeAll(async () => {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      port = (blocker.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    it('serve --http says so and suggests --port (exit 1)', async () => {
      const db = join(mkdtempSync(join(tmpdir(), 'sentinelops-cli-')), 'x.db');
      const r = await runCli(['serve', '--http', '--cluster', 'sim', '--port', String(port), '--db', db, '--log-level', 'silent']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`:${port} is already in use`);
      expect(r.stderr).toContain('--port N');
    });

    it('sim says so and suggests --port (exit 1)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sentinelops-cli-'));
      const r = await runCli(['sim', '--port', String(port), '--kubeconfig', join(dir, 'kc.yaml')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`:${port} is already in use`);
      expect(r.stderr).toContain('--port N');
    });
  });
});
