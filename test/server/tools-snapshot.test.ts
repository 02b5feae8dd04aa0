import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/base/clock.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/base/log.js';
import { createServer } from '../../src/mcp/create-server.js';
import { MetricsServerSource } from '../../src/metrics/metrics-server-source.js';
import { Store } from '../../src/store/index.js';
import { unreachableCluster } from '../helpers/unreachable-cluster.js';

/** tools/list needs no cluster: a kubeconfig pointing nowhere is enough. */
async function listTools(safety: Record<string, unknown>) {
  const cluster = unreachableCluster();
  const clock = new VirtualClock();
  const store = Store.open(join(mkdtempSync(join(tmpdir(), 'sentinelops-snap-')), 'x.db'), clock);
  const config = parseConfig({ safety, store: { path: ':memory:' } });
  const { server, cleanup } = createServer({ config, cluster, store, clock, logger: silentLogger(), metrics: new MetricsServerSource(cluster) });
  const client = new Client({ name: 'snap', version: '1' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  const { tools } = await client.listTools();
  await client.close();
  await cleanup();
  store.close();
  return tools;
}

describe('tools/list', () => {
  it('default profile matches the reviewed snapshot', async () => {
    const tools = await listTools({});
    await expect(JSON.stringify(tools, null, 2)).toMatchFileSnapshot('__toolsnaps__/default.json');
  });

  it('read-only profile lists only read-only tools (snapshot)', async () => {
    const tools = await listTools({ readOnly: true });
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect(tools.map((t) => t.name)).not.toContain('scale_deployment');
    expect(tools.map((t) => t.name)).not.toContain('log_incident');
    await expect(
      JSON.stringify(
        tools.map((t) => t.name),
        null,
        2,
      ),
    ).toMatchFileSnapshot('__toolsnaps__/read-only.json');
  });

  it('non-destructive profile drops destructive tools but keeps scaling', async () => {
    const names = (await listTools({ nonDestructive: true })).map((t) => t.name);
    expect(names).toContain('scale_deployment');
    expect(names).not.toContain('delete_pod');
    expect(names).not.toContain('rollback_deployment');
    expect(names).not.toContain('restart_deployment');
  });
});
