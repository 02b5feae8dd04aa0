/** --toolsets: which tools tools/list shows, on top of the profiles, in the catalog's fixed order. */
import { describe, expect, it } from 'vitest';
import { filterTools } from '../../src/catalog/filter-tools.js';
import { parseConfig } from '../../src/config/load.js';
import { TOOLSET_NAMES } from '../../src/config/schema.js';
import { ALL_TOOLS, TOOLSETS } from '../../tools/index.js';
import { runCli } from '../cli/run-cli.js';
import { connectClient, startSimDeps } from '../server/harness.js';

const names = (safety: Record<string, unknown>, toolsets?: string[]) =>
  filterTools(ALL_TOOLS, parseConfig({ safety, ...(toolsets ? { tools: { toolsets } } : {}) })).map((t) => t.name);

describe('toolsets', () => {
  it('every tool is in exactly one toolset, and the catalog order is the toolsets order', () => {
    const listed = TOOLSET_NAMES.flatMap((s) => TOOLSETS[s].map((t) => t.name));
    expect(new Set(listed).size).toBe(listed.length);
    expect(ALL_TOOLS.map((t) => t.name)).toEqual(listed);
    for (const t of ALL_TOOLS) expect(TOOLSET_NAMES).toContain(t.toolset);
  });

  it('selects whole toolsets and combines with read-only and non-destructive', () => {
    expect(names({}, ['core'])).toEqual(TOOLSETS.core.map((t) => t.name));
    expect(names({}, ['healing', 'core'])).toEqual([...TOOLSETS.core, ...TOOLSETS.healing].map((t) => t.name));
    expect(names({ readOnly: true }, ['core', 'healing'])).toEqual([...TOOLSETS.core.map((t) => t.name), 'list_plans']);
    expect(names({ nonDestructive: true }, ['healing'])).toEqual(['scale_deployment', 'list_plans']);
    expect(names({})).toEqual(ALL_TOOLS.map((t) => t.name));
  });

  it('an unknown toolset is a clear error at start', async () => {
    expect(() => parseConfig({ tools: { toolsets: ['core', 'gitops'] } })).toThrow(/toolsets.*core.*healing/s);
    const r = await runCli(['--toolsets', 'core,gitops', '--cluster', 'sim'], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tools\.toolsets/);
    expect(r.stderr).toMatch(/gitops/);
  }, 90_000);

  it('a tool outside the enabled toolsets is not listed, and calling it names the toolset to add', async () => {
    const base = await startSimDeps({ tools: { toolsets: ['core'] } });
    const c = await connectClient(base.deps, 'toolsets-test');
    try {
      const listed = (await c.client.listTools()).tools.map((t) => t.name);
      expect(listed).toEqual(TOOLSETS.core.map((t) => t.name));
      expect(await c.fails('scale_deployment', { namespace: 'demo', deployment: 'nginx-demo', replicas: 3 })).toMatch(/toolset "healing" is not enabled/);
    } finally {
      await c.close();
      await base.close();
    }
  }, 60_000);
});
