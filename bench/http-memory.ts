/**
 * Memory under a flood of MCP initializes (issue 19, items 3 and 4): the HTTP server in-process on
 * 127.0.0.1, then N initializes refused 406 (no text/event-stream in Accept) and N initializes whose
 * sessions are abandoned (never used, never deleted). After each phase the heap is measured after forced
 * garbage collection; the figure is the retained heap per request. The cluster is never called by an
 * initialize, so the client points nowhere.
 *
 *   npx tsx --expose-gc bench/http-memory.ts [--count 100000] [--concurrency 16] [--budget-seconds 140]
 *
 * Each phase stops at --budget-seconds even if fewer than --count requests went out (a loaded machine),
 * so the run stays under five minutes; the lines print how many were sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { RealClock } from '../src/base/clock.js';
import { silentLogger } from '../src/base/log.js';
import { parseConfig } from '../src/config/load.js';
import { ClusterClient } from '../src/k8s/client.js';
import { createHttpApp } from '../src/mcp/streamable-http.js';
import { MetricsServerSource } from '../src/metrics/metrics-server-source.js';
import { Store } from '../src/store/index.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    count: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '16' },
    'budget-seconds': { type: 'string', default: '140' },
  },
});
const count = Number(values.count);
const concurrency = Number(values.concurrency);
const budgetMs = Number(values['budget-seconds']) * 1000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc: npx tsx --expose-gc bench/http-memory.ts');

const dir = mkdtempSync(join(tmpdir(), 'sentinelops-http-memory-'));
const kc = new KubeConfig();
kc.loadFromOptions({
  clusters: [{ name: 'none', server: 'http://127.0.0.1:9', skipTLSVerify: true }],
  users: [{ name: 'none' }],
  contexts: [{ name: 'none', cluster: 'none', user: 'none' }],
  currentContext: 'none',
});
const cluster = new ClusterClient(kc);
const store = Store.open(join(dir, 'sentinelops.db'), new RealClock());
const config = parseConfig({ http: { port: 0 } });
const app = createHttpApp({ deps: { config, cluster, store, clock: new RealClock(), logger: silentLogger(), metrics: new MetricsServerSource(cluster) } });
const url = new URL(await app.listen());
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
});

function post(accept: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers: { 'content-type': 'application/json', accept } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(INIT);
  });
}

async function flood(n: number, accept: string): Promise<{ sent: number; statuses: Record<number, number>; seconds: number }> {
  const statuses: Record<number, number> = {};
  let sent = 0;
  const start = performance.now();
  const worker = async () => {
    while (sent < n && performance.now() - start < budgetMs) {
      sent++;
      const s = await post(accept);
      statuses[s] = (statuses[s] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sent, statuses, seconds: (performance.now() - start) / 1000 };
}

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const listeners = () => store.incidents.events.listenerCount('incident');

// Warm up (module caches, JIT, the first McpServer) so the baseline is not the cold process.
await flood(200, 'application/json');
const baseline = await heapAfterGc();
console.log(`count ${count} per phase, concurrency ${concurrency}; heap after GC at start: ${mb(baseline)}`);

const refused = await flood(count, 'application/json');
const afterRefused = await heapAfterGc();
console.log(
  `${refused.sent} initializes without text/event-stream: statuses ${JSON.stringify(refused.statuses)} in ${refused.seconds.toFixed(1)} s; ` +
    `heap after GC ${mb(afterRefused)} (+${mb(afterRefused - baseline)}, ${Math.round((afterRefused - baseline) / refused.sent)} B/request); ` +
    `store listeners ${listeners()}`,
);

const abandoned = await flood(count, 'application/json, text/event-stream');
const afterAbandoned = await heapAfterGc();
console.log(
  `${abandoned.sent} initializes then abandoned: statuses ${JSON.stringify(abandoned.statuses)} in ${abandoned.seconds.toFixed(1)} s; ` +
    `heap after GC ${mb(afterAbandoned)} (+${mb(afterAbandoned - afterRefused)}, ${Math.round((afterAbandoned - afterRefused) / abandoned.sent)} B/request); ` +
    `open sessions ${app.sessionCount}, store listeners ${listeners()}`,
);

agent.destroy();
await app.close();
store.close();
rmSync(dir, { recursive: true, force: true });
