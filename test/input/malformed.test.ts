/**
 * Malformed input for every tool, generated from the JSON schema each tool advertises in tools/list:
 * a non-object `arguments`, unknown keys, missing required arguments, a wrong type for every argument,
 * 1 MB strings, and control characters (NUL, a bidirectional override, CRLF). Over a real SDK client
 * and server on the simulator (chaos enabled, no cooldown, so nothing but validation stands between a
 * bad call and a change), each call must answer isError with a short readable message naming the
 * argument, leave exactly one refusal in the audit log, and change nothing in the cluster.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, textOf, type Harness } from '../server/harness.js';
import { ALL_TOOLS } from '../../tools/index.js';

const NS = 'demo';
const DEP = 'nginx-demo';
const MB = 'x'.repeat(1024 * 1024);
/** the arguments documented as multi-line text; every other string argument must be one line */
const MULTI_LINE = new Set(['query_prometheus.query', 'log_incident.summary']);

type Schema = { type?: string; enum?: unknown[]; properties?: Record<string, Schema>; required?: string[] };

let h: Harness;
let tools: Tool[];
let pod: string;
let clusterBefore: string;
let auditBefore: number;
let refusals = 0;

/** Everything a call could change, by resourceVersion: deployments, pods, replica sets, chaos experiments. */
async function clusterState(): Promise<string> {
  const deployments = (await h.deps.cluster.listDeployments(undefined)).items.map((d) => `${d.metadata?.name}@${d.metadata?.resourceVersion}`);
  const pods = (await h.deps.cluster.listPods(undefined)).items.map((p) => `${p.metadata?.name}@${p.metadata?.resourceVersion}`);
  const replicaSets = (await h.deps.cluster.listReplicaSets(NS)).map((r) => `${r.metadata?.name}@${r.metadata?.resourceVersion}`);
  const chaos = h.deps.store.chaos.recent(1000).map((e) => `${e.id}:${e.state}`);
  const incidents = h.deps.store.incidents.list({}).map((i) => `${i.id}:${i.outcome}:${i.actions.length}`);
  return JSON.stringify({ deployments: deployments.sort(), pods: pods.sort(), replicaSets: replicaSets.sort(), chaos, incidents });
}

/** Valid values for the required arguments, so the malformed one is the only thing wrong. */
function requiredArgs(tool: Tool): Record<string, unknown> {
  // ids: an experiment id, an audit row or plan number (undo_action, decide_plan), else an incident id.
  const numericId = (tool.inputSchema as Schema).properties?.id?.type === 'integer' || (tool.inputSchema as Schema).properties?.id?.type === 'number';
  const id = tool.name === 'chaos_cleanup' ? 'chaos-1' : numericId ? 1 : 'inc-1';
  const valid: Record<string, unknown> = {
    deployment: DEP,
    replicas: 1,
    pod,
    query: 'up',
    id,
    reason: 'a test',
    arguments: { namespace: 'demo', deployment: DEP, replicas: 1 },
  };
  const out: Record<string, unknown> = {};
  const props = (tool.inputSchema as Schema).properties ?? {};
  for (const name of (tool.inputSchema as Schema).required ?? []) out[name] = valid[name] ?? props[name]?.enum?.[0];
  return out;
}

function wrongType(s: Schema): unknown {
  if (s.enum) return 'not-one-of-them';
  switch (s.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'three';
    case 'boolean':
      return 'yes';
    case 'object':
      return 'an object, not text';
    default:
      return Symbol.for('unreachable');
  }
}

/** A call through the real client; a protocol error (-32602/-32603) fails the test instead of counting as a refusal. */
async function refuse(tool: string, args: unknown): Promise<string> {
  const r = await h.client.request({ method: 'tools/call', params: { name: tool, arguments: args as Record<string, unknown> } }, CallToolResultSchema);
  const text = textOf(r);
  expect(r.isError, `${tool} ${JSON.stringify(args)?.slice(0, 100)} → ${text.slice(0, 200)}`).toBe(true);
  refusals++;
  // Readable: one short sentence, no zod issue dump, no echo of a huge input.
  expect(text.length).toBeLessThan(1500);
  expect(text).not.toMatch(/"code":|"expected":|MCP error|this is a bug/i);
  expect(text).toMatch(/Nothing was changed\.$/);
  return text;
}

beforeAll(async () => {
  h = await startHarness({ safety: { cooldownSeconds: 0, protectedNamespaces: ['kube-system'] }, chaos: { enabled: true } });
  await eventually(async () => {
    const d = await h.deps.cluster.readDeployment(NS, DEP);
    return d.status?.readyReplicas === d.spec?.replicas;
  }, 20_000);
  pod = (await h.deps.cluster.listPods(NS)).items[0]!.metadata!.name!;
  tools = (await h.client.listTools()).tools;
  // The simulator settles pods' status after start; compare from a state that no longer moves by itself.
  let previous = '';
  clusterBefore = await eventually(
    async () => {
      const now = await clusterState();
      const stable = now === previous;
      previous = now;
      return stable && now;
    },
    20_000,
    500,
  );
  auditBefore = h.deps.store.audit.list({ limit: 100_000 }).length;
}, 60_000);
afterAll(() => h?.close());

describe('every tool refuses malformed input clearly', () => {
  it('lists all the tools with strict object schemas', () => {
    expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
    for (const t of tools) expect(t.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('a non-object `arguments`', async () => {
    for (const t of tools) {
      for (const bad of ['restart it', 42, [1, 2], true, null]) {
        expect(await refuse(t.name, bad)).toMatch(
          new RegExp(`^${t.name} takes its arguments as a JSON object \\(got (a string|a number|an array|a boolean|null)\\); accepted: `),
        );
      }
    }
  });

  it('an unknown key, named with the accepted ones (a misspelt dry-run flag above all)', async () => {
    for (const t of tools) {
      const accepted = Object.keys((t.inputSchema as Schema).properties ?? {});
      for (const key of ['dry_run', 'dryrun', 'DryRun', 'dry-run', '__proto__']) {
        // An own key even for "__proto__", as JSON.parse makes it when the call arrives over the wire.
        const withKey = Object.defineProperty({ ...requiredArgs(t) }, key, { value: true, enumerable: true });
        expect(await refuse(t.name, withKey)).toBe(
          `unknown argument "${key}" for ${t.name}; accepted: ${accepted.length ? accepted.join(', ') : '(none)'}. Nothing was changed.`,
        );
      }
      expect(await refuse(t.name, { ...requiredArgs(t), a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 })).toMatch(
        /^unknown arguments "a", "b", "c", "d", "e" and 2 more for /,
      );
    }
  });

  it('missing required arguments', async () => {
    for (const t of tools) {
      const required = (t.inputSchema as Schema).required ?? [];
      if (!required.length) continue;
      const text = await refuse(t.name, {});
      for (const name of required) expect(text).toContain(`${name}: Required`);
    }
  });

  it('a wrong type for every argument', async () => {
    for (const t of tools) {
      for (const [name, schema] of Object.entries((t.inputSchema as Schema).properties ?? {})) {
        expect(await refuse(t.name, { ...requiredArgs(t), [name]: wrongType(schema) })).toMatch(new RegExp(`^invalid arguments for ${t.name}: ${name}: `));
      }
    }
  });

  it('a 1 MB string in every string argument, never echoed back', async () => {
    for (const t of tools) {
      for (const [name, schema] of Object.entries((t.inputSchema as Schema).properties ?? {})) {
        if (schema.type !== 'string') continue;
        expect(await refuse(t.name, { ...requiredArgs(t), [name]: MB })).toContain(name);
      }
      // A 1 MB unknown key is named, cut short.
      expect(await refuse(t.name, { ...requiredArgs(t), [MB]: 1 })).toMatch(/^unknown argument "x{60}… \(1048576 characters\)" for /);
    }
  });

  it('control characters in every string argument', async () => {
    for (const t of tools) {
      for (const [name, schema] of Object.entries((t.inputSchema as Schema).properties ?? {})) {
        if (schema.type !== 'string' || schema.enum) continue;
        const base = `${requiredArgs(t)[name] ?? NS}`;
        expect(await refuse(t.name, { ...requiredArgs(t), [name]: `${base}\u0000` })).toBe(
          `argument "${name}" contains a control character (U+0000). Nothing was changed.`,
        );
        expect(await refuse(t.name, { ...requiredArgs(t), [name]: `${base}\u202e` })).toBe(
          `argument "${name}" contains a bidirectional-override character (U+202E). Nothing was changed.`,
        );
        if (!MULTI_LINE.has(`${t.name}.${name}`)) {
          expect(await refuse(t.name, { ...requiredArgs(t), [name]: `${base}\r\nx` })).toBe(
            `argument "${name}" must be one line (it contains a line break or tab). Nothing was changed.`,
          );
        }
      }
    }
  });

  it('changed nothing in the cluster, and left one bounded refusal row per call (and no other row)', async () => {
    expect(refusals).toBeGreaterThan(500);
    expect(await clusterState()).toBe(clusterBefore);
    const rows = h.deps.store.audit.list({ limit: 100_000 }).slice(0, -auditBefore || undefined);
    expect(rows).toHaveLength(refusals);
    expect(rows.filter((r) => r.ok)).toEqual([]);
    for (const r of rows) {
      expect(JSON.stringify(r.arguments).length).toBeLessThan(5_000);
      expect(r.error!.length).toBeLessThan(1500);
    }
  });
});
