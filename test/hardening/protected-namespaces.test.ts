/**
 * Issue 19 item 9: configured protected namespaces add to the built-in ones; removing a built-in takes
 * safety.unprotectNamespaces, and the runtime warns about it at start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/app/runtime.js';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js';
import { call, mountRest } from '../rest/harness.js';
import { startHarness, type Harness } from '../server/harness.js';

const BUILTIN = ['kube-system', 'kube-public', 'kube-node-lease'];

describe('configuration', () => {
  it('SENTINELOPS_PROTECTED_NAMESPACES=staging protects staging and keeps the built-ins', () => {
    const config = loadConfig({ env: { SENTINELOPS_PROTECTED_NAMESPACES: 'staging' } });
    expect([...config.safety.protectedNamespaces].sort()).toEqual([...BUILTIN, 'staging'].sort());
  });

  it('a config file list adds too, and parsing the result again changes nothing', () => {
    const config = parseConfig({ safety: { protectedNamespaces: ['staging', 'kube-system'] } });
    expect([...config.safety.protectedNamespaces].sort()).toEqual([...BUILTIN, 'staging'].sort());
    expect(parseConfig(config).safety.protectedNamespaces).toEqual(config.safety.protectedNamespaces);
  });

  it('safety.unprotectNamespaces removes a built-in explicitly; a namespace both protected and unprotected is refused', () => {
    const config = parseConfig({ safety: { unprotectNamespaces: ['kube-node-lease'] } });
    expect(config.safety.protectedNamespaces).toEqual(['kube-system', 'kube-public']);
    expect(parseConfig(config).safety.protectedNamespaces).toEqual(['kube-system', 'kube-public']);
    expect(() => parseConfig({ safety: { protectedNamespaces: ['staging'], unprotectNamespaces: ['staging'] } })).toThrow(ConfigError);
  });

  it('the runtime logs a warning at start when a built-in is unprotected, and none otherwise', () => {
    const start = (safety: Record<string, unknown>) => {
      const lines: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (s: string) => void lines.push(s) });
      const dir = mkdtempSync(join(tmpdir(), 'sentinelops-unprotect-'));
      const config = parseConfig({ cluster: { mode: 'sim' }, store: { path: join(dir, 'x.db') }, safety });
      createRuntime(config, { logger, simKubeconfigYaml: SIM_KUBECONFIG }).close();
      return lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    };
    const warned = start({ unprotectNamespaces: ['kube-system'] });
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40, msg: expect.stringMatching(/unprotectNamespaces removes built-in protected namespace\(s\) kube-system/) });
    expect(start({ protectedNamespaces: ['staging'] })).toEqual([]);
  });
});

// createRuntime reads a kubeconfig; nothing is requested from this server in the test above.
const SIM_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: sim, cluster: { server: "http://127.0.0.1:9" } }]
users: [{ name: sim, user: {} }]
contexts: [{ name: sim, context: { cluster: sim, user: sim } }]
current-context: sim
`;

describe('with safety.protectedNamespaces [staging], kube-system stays untouchable', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ safety: { protectedNamespaces: ['staging'], cooldownSeconds: 0 }, http: { port: 0 } });
    await h.deps.cluster.core.createNamespace({ body: { metadata: { name: 'kube-system' } } }).catch(() => undefined);
    const labels = { app: 'coredns' };
    await h.deps.cluster.apps.createNamespacedDeployment({
      namespace: 'kube-system',
      body: {
        metadata: { name: 'coredns', namespace: 'kube-system', labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'coredns', image: 'coredns:1.11' }] } },
        },
      },
    });
  }, 30_000);
  afterAll(() => h?.close());

  const replicas = async () => (await h.deps.cluster.readDeployment('kube-system', 'coredns')).spec?.replicas;

  it('MCP: scaling kube-system/coredns is refused and changes nothing; staging is refused too', async () => {
    expect(await h.fails('scale_deployment', { namespace: 'kube-system', deployment: 'coredns', replicas: 3 })).toMatch(/namespace kube-system is protected/);
    expect(await h.fails('restart_deployment', { namespace: 'staging', deployment: 'web' })).toMatch(/namespace staging is protected/);
    expect(await replicas()).toBe(2);
  });

  it('REST: POST /scale on kube-system/coredns is 403 and changes nothing', async () => {
    const rest = await mountRest({ sim: h.sim, deps: h.deps, config: h.config, close: async () => {} });
    try {
      const r = await call(rest.url, 'POST', '/api/v1/scale', { body: { namespace: 'kube-system', deployment: 'coredns', replicas: 3 } });
      expect(r.status).toBe(403);
      expect(r.json).toMatchObject({ code: 'refused', error: expect.stringMatching(/namespace kube-system is protected/) });
      expect(await replicas()).toBe(2);
    } finally {
      await rest.close();
    }
  });
});
