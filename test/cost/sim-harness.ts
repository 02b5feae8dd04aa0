/**
 * Harness for the cost and chaos suites: the simulator over HTTP (with simulator options, e.g. no CPU
 * noise so costs can be computed by hand), the real runtime (SQLite file, ChaosManager) and an SDK
 * Client over the in-memory linked transport. `reopen` starts a second runtime on the same database,
 * as a restarted process would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepMerge, parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/base/log.js';
import type { ServerDeps } from '../../src/catalog/deps.js';
import { createRuntime } from '../../src/app/runtime.js';
import { seededRandom } from '../../src/base/random.js';
import { type SimulatorOptions, startSimulator } from '../../src/sim/cluster.js';
import { connectClient, eventually, type ConnectedClient, type Sim } from '../server/harness.js';

export { eventually };

export interface Session extends ConnectedClient {
  deps: ServerDeps;
  config: Config;
}

export interface SimHarness extends Session {
  sim: Sim;
  dbPath: string;
  /** another runtime + client on the same database and simulator (a restarted process) */
  reopen(overrides?: Record<string, unknown>): Promise<Session>;
}

export async function startSimHarness(overrides: Record<string, unknown> = {}, simOptions: SimulatorOptions = {}): Promise<SimHarness> {
  const sim = await startSimulator({ demo: true, port: 0, seed: 7, ...simOptions });
  await sim.ready({ timeoutMs: 20_000 });
  const dbPath = join(mkdtempSync(join(tmpdir(), 'sentinelops-cost-chaos-')), 'sentinelops.db');
  const open = (o: Record<string, unknown> = {}) => openSession(sim, dbPath, deepMerge(overrides, o));
  const first = await open({});
  return {
    ...first,
    sim,
    dbPath,
    reopen: open,
    close: async () => {
      await first.close();
      await sim.stop();
    },
  };
}

async function openSession(sim: Sim, dbPath: string, overrides: Record<string, unknown>): Promise<Session> {
  const config = parseConfig(deepMerge({ cluster: { mode: 'sim' }, store: { path: dbPath }, log: { level: 'silent' } }, overrides));
  const runtime = createRuntime(config, { logger: silentLogger(), simKubeconfigYaml: sim.kubeconfigYaml() });
  const deps: ServerDeps = { ...runtime.deps, random: seededRandom(42) };
  const connected = await connectClient(deps, 'cost-chaos-test');
  return {
    deps,
    config,
    ...connected,
    close: async () => {
      await connected.close();
      runtime.close();
    },
  };
}
