/**
 * Test harness: the embedded simulator, a real SQLite file, and an SDK Client talking to createServer()
 * over the in-memory linked transport. Every call goes through the real MCP protocol.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { deepMerge, parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/base/log.js';
import { createServer } from '../../src/mcp/create-server.js';
import type { ServerDeps } from '../../src/catalog/deps.js';
import { createRuntime } from '../../src/app/runtime.js';
import { seededRandom } from '../../src/base/random.js';
import { startSimulator } from '../../src/sim/cluster.js';
import { compactJson } from '../../src/catalog/render-text.js';
import { ALL_TOOLS } from '../../tools/index.js';

export type Sim = Awaited<ReturnType<typeof startSimulator>>;

export interface SimBackedDeps {
  sim: Sim;
  deps: ServerDeps;
  config: Config;
  close(): Promise<void>;
}

export async function startSimDeps(overrides: Record<string, unknown> = {}): Promise<SimBackedDeps> {
  const sim = await startSimulator({ demo: true, port: 0, seed: 7 });
  await sim.ready({ timeoutMs: 20_000 });
  const dir = mkdtempSync(join(tmpdir(), 'sentinelops-mcp-'));
  const config = parseConfig(deepMerge({ cluster: { mode: 'sim' }, store: { path: join(dir, 'sentinelops.db') }, log: { level: 'silent' } }, overrides));
  const runtime = createRuntime(config, { logger: silentLogger(), simKubeconfigYaml: sim.kubeconfigYaml() });
  return {
    sim,
    config,
    deps: { ...runtime.deps, random: seededRandom(42) },
    close: async () => {
      runtime.close();
      await sim.stop();
    },
  };
}

/** tools with their own text renderer (the rest answer compact JSON) */
const RENDERED = new Set(ALL_TOOLS.filter((t) => t.render).map((t) => t.name));

export interface ToolCaller {
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** calls a tool that must succeed; returns its structuredContent (checked against the text) */
  ok<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** calls a tool that must fail as a tool error; returns its message */
  fails(name: string, args?: Record<string, unknown>): Promise<string>;
}

/** call/ok/fails over any connected SDK Client; `options` go with every request (e.g. a longer timeout). */
export function toolCaller(client: Client, options?: RequestOptions): ToolCaller {
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;
  return {
    call,
    ok: async (name, args) => {
      const r = await call(name, args);
      if (r.isError) throw new Error(`${name} failed: ${textOf(r)}`);
      // The text is compact: a tool's own rendering, or its output as one-line JSON without nulls and empty fields.
      if (!RENDERED.has(name) && textOf(r) !== compactJson(r.structuredContent)) throw new Error(`${name}: text is not the compact structuredContent`);
      return r.structuredContent as never;
    },
    fails: async (name, args) => {
      const r = await call(name, args);
      if (!r.isError) throw new Error(`${name} unexpectedly succeeded: ${textOf(r)}`);
      return textOf(r);
    },
  };
}

export interface ConnectedClient extends ToolCaller {
  client: Client;
  /** closes the client and the server; the deps stay open (they belong to the caller) */
  close(): Promise<void>;
}

/** createServer(deps) and an SDK Client named `name` connected to it over the in-memory linked transport. */
export async function connectClient(deps: ServerDeps, name: string, clientOptions: ConstructorParameters<typeof Client>[1] = {}): Promise<ConnectedClient> {
  const { server, cleanup } = createServer(deps);
  const client = new Client({ name, version: '1.0.0' }, clientOptions);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  return {
    client,
    ...toolCaller(client),
    close: async () => {
      await client.close();
      await cleanup();
    },
  };
}

export interface Harness extends SimBackedDeps, ConnectedClient {
  close(): Promise<void>;
}

export async function startHarness(overrides: Record<string, unknown> = {}, clientOptions: ConstructorParameters<typeof Client>[1] = {}): Promise<Harness> {
  const base = await startSimDeps(overrides);
  const connected = await connectClient(base.deps, 'test-client', clientOptions);
  return {
    ...base,
    ...connected,
    close: async () => {
      await connected.close();
      await base.close();
    },
  };
}

export function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

/** Polls `fn` until it returns a truthy value or the timeout passes (real time: the simulator runs on it). */
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
