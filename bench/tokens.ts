/**
 * Token benchmark (not a test). Tokens are estimated as characters / 4 (no tokenizer package is installed;
 * the ratio is the usual one for English and JSON and the same for every server, so the comparison holds).
 *
 * Per tool of this server: schema tokens (name + description + input schema, what a model pays per
 * conversation) and, on three fixed fixtures on the simulator, the tokens of the text answer: a 300-pod
 * namespace (list_pods), a crash-looping deployment's logs (get_pod_logs previous=true) and cluster_health
 * of a 50-node cluster. The same for the peers over stdio against the same simulated cluster when present
 * (see bench/start.ts for KMS_BIN, MSK_DIR and KUBECTL).
 *
 *   npx tsx bench/tokens.ts
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { createRuntime } from '../src/app/runtime.js';
import { silentLogger } from '../src/base/log.js';
import { parseConfig } from '../src/config/load.js';
import { createServer } from '../src/mcp/create-server.js';
import { startSimulator } from '../src/sim/cluster.js';
import { R } from '../src/sim/resources.js';
import { servers } from './start.js';

const tokens = (text: string) => Math.round(text.length / 4);
const schemaTokens = (t: Tool) => tokens(JSON.stringify({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

interface Fixture {
  name: string;
  /** per server: the tool and arguments that answer it */
  calls: Record<string, [string, Record<string, unknown>] | undefined>;
}

async function main(): Promise<void> {
  // 50 nodes; namespace bench: web (297 pods) and crashy (3 pods, crash-looping).
  const sim = await startSimulator({ port: 0, nodes: 50, nodeCpu: '16', nodeMemory: '64Gi' });
  sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  for (const [name, replicas] of [
    ['web', 297],
    ['crashy', 3],
  ] as const) {
    sim.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'bench', labels: { app: name } },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'app', image: 'registry.example/app:1.4', resources: { requests: { cpu: '50m', memory: '64Mi' } } }] },
        },
      },
    });
  }
  await sim.ready({ namespace: 'bench', name: 'web', timeoutMs: 300_000 });
  await sim.ready({ namespace: 'bench', name: 'crashy', timeoutMs: 120_000 });
  sim.faults.inject({ fault: 'crashloop', deployment: 'bench/crashy', durationSeconds: 3600 });
  // Let the crash loop run a few rounds (real time: the peers read the same API server).
  await new Promise((r) => setTimeout(r, 20_000));
  const crashPod = sim.store.list(R.pods, { namespace: 'bench' }).items.find((p) => p.metadata.name.startsWith('crashy-'))!.metadata.name;

  const dir = mkdtempSync(join(os.tmpdir(), 'sentinelops-tokens-'));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(kubeconfig, sim.kubeconfigYaml());

  const fixtures: Fixture[] = [
    {
      name: '300-pod namespace',
      calls: {
        ours: ['list_pods', { namespace: 'bench', limit: 300 }],
        'kubernetes-mcp-server (Go)': ['pods_list_in_namespace', { namespace: 'bench' }],
        'mcp-server-kubernetes (node)': ['kubectl_get', { resourceType: 'pods', namespace: 'bench' }],
      },
    },
    {
      name: 'crash-looping pod logs (previous)',
      calls: {
        ours: ['get_pod_logs', { namespace: 'bench', pod: crashPod, previous: true }],
        'kubernetes-mcp-server (Go)': ['pods_log', { namespace: 'bench', name: crashPod, previous: true }],
        'mcp-server-kubernetes (node)': ['kubectl_logs', { resourceType: 'pod', name: crashPod, namespace: 'bench', previous: true }],
      },
    },
    {
      name: 'cluster health, 50 nodes',
      calls: { ours: ['cluster_health', {}], 'kubernetes-mcp-server (Go)': undefined, 'mcp-server-kubernetes (node)': undefined },
    },
  ];

  const rows: string[] = [];
  const answer = async (name: string, client: Client) => {
    const tools = (await client.listTools()).tools;
    const total = tools.reduce((n, t) => n + schemaTokens(t), 0);
    const cells: string[] = [];
    for (const f of fixtures) {
      const call = f.calls[name];
      if (!call || !tools.some((t) => t.name === call[0])) {
        cells.push('—');
        continue;
      }
      const r = (await client.callTool({ name: call[0], arguments: call[1] }, undefined, { timeout: 120_000 })) as CallToolResult;
      cells.push(`${tokens(textOf(r))}${r.isError ? ' (error)' : ''} (\`${call[0]}\`)`);
    }
    rows.push(`| ${name === 'ours' ? 'sentinelops-mcp' : name} | ${tools.length} | ${total} | ${Math.round(total / tools.length)} | ${cells.join(' | ')} |`);
    return tools;
  };

  // Ours, in process on a runtime against the same simulator.
  const config = parseConfig({ cluster: { mode: 'kubeconfig', kubeconfig }, store: { path: join(dir, 's.db') }, log: { level: 'silent' } });
  const runtime = createRuntime(config, { logger: silentLogger() });
  const { server, cleanup } = createServer(runtime.deps);
  const client = new Client({ name: 'bench', version: '1' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  const ours = await answer('ours', client);
  const perTool = ours.map((t) => `| \`${t.name}\` | ${schemaTokens(t)} |`);
  await client.close();
  await cleanup();
  runtime.close();

  for (const s of servers(kubeconfig, dir).slice(1)) {
    const peer = new Client({ name: 'bench', version: '1' });
    try {
      await peer.connect(
        new StdioClientTransport({ command: s.command, args: s.args, env: { ...(process.env as Record<string, string>), ...s.env }, stderr: 'ignore' }),
      );
      await answer(s.name, peer);
    } catch (err) {
      rows.push(`| ${s.name} | failed: ${(err as Error).message.slice(0, 80)} |`);
    } finally {
      await peer.close().catch(() => {});
    }
  }

  console.log('Tokens = characters / 4 (no tokenizer installed).');
  console.log(`| server | tools | schema tokens (all tools) | per tool | ${fixtures.map((f) => f.name).join(' | ')} |`);
  console.log(`|---|---|---|---|${fixtures.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(r);
  console.log('\nschema tokens per tool (sentinelops-mcp):\n| tool | schema tokens |\n|---|---|');
  for (const r of perTool) console.log(r);
  await sim.stop();
}

await main();
