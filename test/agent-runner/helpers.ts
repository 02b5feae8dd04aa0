/**
 * A real-time world for runner tests: the simulator with the demo app (demo/nginx-demo, 3 replicas), a real
 * SQLite file, the server runtime over client-node/HTTP, and runners that are MCP clients of it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock } from '../../src/base/clock.js';
import { deepMerge, parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/base/log.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { seededRandom } from '../../src/base/random.js';
import { startSimulator, type Simulator } from '../../src/sim/cluster.js';
import { AgentRunner, runnerOptionsFromConfig, type AgentRunnerOptions, type CycleReport } from '../../src/agent/runner.js';
import type { ToolClient } from '../../src/agent/tool-client.js';
import { connectInProcess } from '../../src/app/agent-link.js';

export interface World {
  sim: Simulator;
  config: Config;
  runtime: Runtime;
  clock: RealClock;
  runner(extra?: Partial<AgentRunnerOptions>): Promise<{ runner: AgentRunner; client: ToolClient; cycles: CycleReport[] }>;
  close(): Promise<void>;
}

export async function startWorld(overrides: Record<string, unknown> = {}): Promise<World> {
  const clock = new RealClock();
  const sim = await startSimulator({ demo: true, seed: 11, clock });
  await sim.ready({ timeoutMs: 20_000 });
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-agent-'));
  const config = parseConfig(
    deepMerge(
      {
        cluster: { mode: 'sim' },
        store: { path: join(dir, 'sentinelops.db') },
        log: { level: 'silent' },
        agent: { intervalSeconds: 1, namespaces: ['demo'] },
        // The demo app idles at 3 replicas, which the agent (like an HPA) would scale down in its first cycle; keeping
        // it at 3 leaves the actions these tests count to the healing they are about.
        safety: { minReplicas: 3 },
      },
      overrides,
    ),
  );
  const runtime = createRuntime(config, { logger: silentLogger(), clock, simKubeconfigYaml: sim.kubeconfigYaml() });
  const clients: ToolClient[] = [];
  const runners: AgentRunner[] = [];
  return {
    sim,
    config,
    runtime,
    clock,
    async runner(extra = {}) {
      const client = await connectInProcess({ ...runtime.deps, random: seededRandom(1) });
      clients.push(client);
      const cycles: CycleReport[] = [];
      const runner = new AgentRunner({
        client,
        clock,
        logger: silentLogger(),
        ...runnerOptionsFromConfig(config),
        summary: null,
        onCycle: (c) => cycles.push(c),
        ...extra,
      });
      runners.push(runner);
      return { runner, client, cycles };
    },
    async close() {
      for (const r of runners) await r.stop();
      for (const c of clients) await c.close();
      runtime.close();
      await sim.stop();
    },
  };
}

/** Polls until `fn` answers truthy (real time: the simulator runs on it). */
export async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
