/**
 * Detection latency with watches: the real-time simulator, the agent with a 60 s polling interval (so only the
 * watch can make it look early), a pod crash injected N times; the figure is the wall time from the crash to the
 * end of the first cycle whose findings name the crashed deployment.
 *
 *   npx tsx bench/detection.ts [--runs 5]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { CycleReport } from '../src/agent/runner.js';
import { startAgent } from '../src/app/start-agent.js';
import { parseConfig } from '../src/config/load.js';
import { silentLogger } from '../src/base/log.js';
import { createRuntime } from '../src/app/runtime.js';
import { startSimulator } from '../src/sim/cluster.js';

const { values } = parseArgs({ args: process.argv.slice(2), options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const logger = silentLogger();
const sim = await startSimulator({ demo: true, seed: 3 });
await sim.ready({ timeoutMs: 30_000 });
const config = parseConfig({
  cluster: { mode: 'sim' },
  store: { path: join(mkdtempSync(join(tmpdir(), 'sentinelops-bench-')), 'db.sqlite') },
  agent: { intervalSeconds: 60, namespaces: ['demo'], leaderElection: { enabled: false } },
});
const runtime = createRuntime(config, { logger, simKubeconfigYaml: sim.kubeconfigYaml() });
const cycles: { at: number; report: CycleReport }[] = [];
const agent = await startAgent({
  config,
  logger,
  deps: runtime.deps,
  kubeConfig: runtime.deps.cluster.kubeConfig,
  summary: null,
  onCycle: (report) => cycles.push({ at: performance.now(), report }),
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
while (cycles.length === 0) await sleep(50);

const figures: number[] = [];
for (let i = 0; i < runs; i++) {
  await sleep(8000); // let the previous crash settle and be verified
  const mark = cycles.length;
  const t0 = performance.now();
  sim.faults.inject({ fault: 'crash-pod', deployment: 'demo/nginx-demo' });
  let hit: { at: number; report: CycleReport } | undefined;
  while (!hit && performance.now() - t0 < 30_000) {
    hit = cycles.slice(mark).find((c) => c.report.findings.some((f) => f.namespace === 'demo' && f.target === 'nginx-demo'));
    if (!hit) await sleep(20);
  }
  const ms = hit ? hit.at - t0 : NaN;
  figures.push(ms);
  if (!hit)
    for (const c of cycles.slice(mark - 1))
      process.stderr.write(
        `   cycle #${c.report.cycle} ${c.report.trigger} findings=${c.report.findings.map((f) => `${f.type}:${f.target}`).join(',')} results=${c.report.results.map((r) => r.tool + ':' + r.message).join(';')} err=${c.report.error ?? ''}\n`,
      );
  process.stderr.write(
    `run ${i + 1}: ${hit ? `${Math.round(ms)} ms (cycle #${hit.report.cycle}, ${hit.report.trigger}; ${hit.report.findings.map((f) => f.type).join(', ')})` : 'not detected within 30 s'}\n`,
  );
}
const sorted = [...figures].sort((a, b) => a - b);
process.stdout.write(
  `crash → detected (wall ms) over ${runs} runs: median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)}, max ${Math.round(sorted.at(-1)!)}\n`,
);
await agent.stop();
runtime.close();
await sim.stop();
