/**
 * Start-time benchmark (not a test): spawn -> `initialize` answered -> `tools/list` answered over stdio, for this
 * server as installed (`node dist/src/cli.js`, the package's bin; run `npm run build` first) and, in the same run,
 * for the peers when present: kubernetes-mcp-server's Linux binary and mcp-server-kubernetes, unpacked from npm
 * into a folder of your choice (never installed into this project). Every server gets the same kubeconfig: the
 * simulator's, started here. Runs are interleaved so a load spike hits every server alike; medians are printed.
 *
 *   npx tsx bench/start.ts [runs]
 *   KMS_BIN=/tmp/peers/kms/package/bin/kubernetes-mcp-server-linux-amd64 MSK_DIR=/tmp/peers/msk/package \
 *     KUBECTL=$HOME/.cache/sentinelops/k8s-v1.34.4/bin/kubectl npx tsx bench/start.ts 5
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/sim/cluster.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.argv[2] ?? 5);

export interface Server {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** The servers to compare: ours always; a peer when its files are there. */
export function servers(kubeconfig: string, dir: string): Server[] {
  const list: Server[] = [
    {
      name: 'sentinelops-mcp (node dist)',
      command: process.execPath,
      args: [join(ROOT, 'dist/src/cli.js'), '--kubeconfig', kubeconfig, '--db', join(dir, 's.db')],
    },
  ];
  const kms = process.env.KMS_BIN;
  if (kms && existsSync(kms)) list.push({ name: 'kubernetes-mcp-server (Go)', command: kms, args: ['--kubeconfig', kubeconfig] });
  const msk = process.env.MSK_DIR;
  if (msk && existsSync(join(msk, 'dist/index.js'))) {
    const kubectl = process.env.KUBECTL;
    const path = kubectl ? `${dirname(kubectl)}:${process.env.PATH}` : (process.env.PATH ?? '');
    list.push({
      name: 'mcp-server-kubernetes (node)',
      command: process.execPath,
      args: [join(msk, 'dist/index.js')],
      env: { KUBECONFIG: kubeconfig, PATH: path },
    });
  }
  return list;
}

/** Milliseconds from spawn to the initialize answer and to the tools/list answer, and how many tools. */
export function measure(s: Server): Promise<{ initMs: number; listMs: number; tools: number }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(s.command, s.args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'silent', ...s.env } });
    let out = '';
    let initMs = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${s.name}: no tools/list answer in 60 s`));
    }, 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.trim()) continue;
        let m: { id?: number; result?: { tools?: unknown[] } };
        try {
          m = JSON.parse(line);
        } catch {
          continue;
        }
        if (m.id === 1 && !initMs) {
          initMs = performance.now() - t0;
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
        }
        if (m.id === 2) {
          clearTimeout(timer);
          const listMs = performance.now() - t0;
          child.kill();
          done({ initMs, listMs, tools: m.result?.tools?.length ?? 0 });
          return;
        }
      }
    });
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } })}\n`,
    );
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/src/cli.js'))) throw new Error('build first: npm run build');
  const sim = await startSimulator({ demo: true, port: 0 });
  const dir = mkdtempSync(join(os.tmpdir(), 'sentinelops-start-'));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(kubeconfig, sim.kubeconfigYaml());
  const list = servers(kubeconfig, dir);
  const results = new Map<string, { init: number[]; list: number[]; tools: number }>(list.map((s) => [s.name, { init: [], list: [], tools: 0 }]));
  for (let i = 0; i < RUNS; i++) {
    for (const s of list) {
      const r = await measure(s);
      const acc = results.get(s.name)!;
      acc.init.push(r.initMs);
      acc.list.push(r.listMs);
      acc.tools = r.tools;
    }
  }
  console.log(`spawn -> tools/list over stdio, median of ${RUNS} interleaved runs; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);
  console.log('| server | initialize (ms) | tools/list (ms) | min tools/list (ms) | tools |');
  console.log('|---|---|---|---|---|');
  for (const [name, r] of results)
    console.log(`| ${name} | ${Math.round(median(r.init))} | ${Math.round(median(r.list))} | ${Math.round(Math.min(...r.list))} | ${r.tools} |`);
  await sim.stop();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
