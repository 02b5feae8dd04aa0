/**
 * Harness for the cost and chaos suites: the simulator over HTTP (with simulator options, e.g. no CPU
 * noise so costs can be computed by hand), the real runtime (SQLite file, ChaosManager) and an SDK
 * Client over the in-memory linked transport. `reopen` starts a second runtime on the same database,
 * as a restarted process would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { deepMerge, parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import { createServer, type ServerDeps } from '../../src/server/create-server.js';
import { createRuntime } from '../../src/server/runtime.js';
import { seededRandom } from '../../src/services/context.js';
import { startSimulator, type SimulatorOptions } from '../../src/sim/cluster.js';

export type Sim = Awaited<ReturnType<typeof startSimulator>>;

export interface Session {
  deps: ServerDeps;
  config: Config;
  client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  ok<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  fails(name: string, args?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
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
  const { server, cleanup } = createServer(deps);
  const client = new Client({ name: 'cost-chaos-test', version: '1.0.0' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    deps,
    config,
    client,
    call,
    ok: async (name, args) => {
      const r = await call(name, args);
      if (r.isError) throw new Error(`${name} failed: ${textOf(r)}`);
      if (JSON.stringify(JSON.parse(textOf(r))) !== JSON.stringify(r.structuredContent)) throw new Error(`${name}: text and structuredContent differ`);
      return r.structuredContent as never;
    },
    fails: async (name, args) => {
      const r = await call(name, args);
      if (!r.isError) throw new Error(`${name} unexpectedly succeeded: ${textOf(r)}`);
      return textOf(r);
    },
    close: async () => {
      await client.close();
      await cleanup();
      runtime.close();
    },
  };
}

export function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

/** Polls until `fn` returns a truthy value (real time: the simulator runs on it). */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
