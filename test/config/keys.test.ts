/**
 * Config declared once: environment variables and flags come from the schema's key metadata (CONFIG_KEYS), and
 * every command's usage is generated from them. The environment list must keep every name users already set.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ENV_VARS, loadConfig } from '../../src/config/load.js';
import { usageText } from '../../src/commands/cli-flags.js';
import { AGENT } from '../../src/commands/agent.js';
import { SERVE } from '../../src/commands/serve.js';
import { DEMO } from '../../src/commands/demo.js';

/** The names accepted before the list was generated (seed names and SENTINELOPS_*), plus LOG_LEVEL and KUBECONFIG. */
const KNOWN_ENV = {
  K8S_NAMESPACE: 'cluster.defaultNamespace',
  PROMETHEUS_URL: 'metrics.prometheusUrl',
  CPU_HIGH_THRESHOLD: 'agent.thresholds.cpuHigh',
  CPU_LOW_THRESHOLD: 'agent.thresholds.cpuLow',
  MEMORY_HIGH_THRESHOLD: 'agent.thresholds.memoryHigh',
  MIN_REPLICAS: 'safety.minReplicas',
  MAX_REPLICAS: 'safety.maxReplicas',
  DECISION_LOOP_INTERVAL: 'agent.intervalSeconds',
  SENTINELOPS_CLUSTER: 'cluster.mode',
  SENTINELOPS_KUBECONFIG: 'cluster.kubeconfig',
  KUBECONFIG: 'cluster.kubeconfig',
  SENTINELOPS_CONTEXT: 'cluster.context',
  SENTINELOPS_NAMESPACE: 'cluster.defaultNamespace',
  SENTINELOPS_READ_ONLY: 'safety.readOnly',
  SENTINELOPS_NON_DESTRUCTIVE: 'safety.nonDestructive',
  SENTINELOPS_DRY_RUN: 'safety.dryRun',
  SENTINELOPS_ALLOWED_NAMESPACES: 'safety.allowedNamespaces',
  SENTINELOPS_PROTECTED_NAMESPACES: 'safety.protectedNamespaces',
  SENTINELOPS_MIN_REPLICAS: 'safety.minReplicas',
  SENTINELOPS_MAX_REPLICAS: 'safety.maxReplicas',
  SENTINELOPS_COOLDOWN_SECONDS: 'safety.cooldownSeconds',
  SENTINELOPS_CONFIRM_DESTRUCTIVE: 'safety.confirmDestructive',
  SENTINELOPS_DB: 'store.path',
  SENTINELOPS_HTTP_HOST: 'http.host',
  SENTINELOPS_HTTP_PORT: 'http.port',
  SENTINELOPS_TOKEN: 'http.token',
  SENTINELOPS_TOKEN_FILE: 'http.tokenFile',
  SENTINELOPS_ALLOWED_ORIGINS: 'http.allowedOrigins',
  SENTINELOPS_ALLOWED_HOSTS: 'http.allowedHosts',
  SENTINELOPS_METRICS_SOURCE: 'metrics.source',
  SENTINELOPS_PROMETHEUS_URL: 'metrics.prometheusUrl',
  SENTINELOPS_PROMETHEUS_TOKEN: 'metrics.prometheusBearerToken',
  SENTINELOPS_COST_CPU_HOURLY: 'cost.cpuHourly',
  SENTINELOPS_COST_GB_HOURLY: 'cost.gbHourly',
  SENTINELOPS_CHAOS_ENABLED: 'chaos.enabled',
  SENTINELOPS_CHAOS_ALLOWED_NAMESPACES: 'chaos.allowedNamespaces',
  SENTINELOPS_COST_BASELINE_REPLICAS: 'cost.baselineReplicas',
  SENTINELOPS_AGENT_INTERVAL: 'agent.intervalSeconds',
  SENTINELOPS_AGENT_DRY_RUN: 'agent.dryRun',
  SENTINELOPS_LOG_LEVEL: 'log.level',
  LOG_LEVEL: 'log.level',
  SENTINELOPS_LOG_FILE: 'log.file',
};

describe('configuration keys from the schema', () => {
  it('maps every known environment variable to the same key as before', () => {
    for (const [name, path] of Object.entries(KNOWN_ENV)) expect(ENV_VARS[name]?.path, name).toBe(path);
  });

  it('reads types and defaults off the schema', () => {
    const port = CONFIG_KEYS.find((k) => k.path === 'http.port');
    expect(port).toMatchObject({ kind: 'number', default: 8000, flag: 'port', env: ['SENTINELOPS_HTTP_PORT'] });
    expect(CONFIG_KEYS.find((k) => k.path === 'safety.allowedNamespaces')).toMatchObject({ kind: 'list', default: [] });
    expect(CONFIG_KEYS.find((k) => k.path === 'log.level')).toMatchObject({ kind: 'string', choices: expect.arrayContaining(['warn', 'silent']) });
    expect(CONFIG_KEYS.find((k) => k.path === 'agent.leaderElection.enabled')).toMatchObject({ kind: 'boolean', flagSets: false });
  });

  it('coerces a generated variable by the key type and names it in errors', () => {
    expect(loadConfig({ env: { SENTINELOPS_HTTP_PORT: '9100', SENTINELOPS_READ_ONLY: 'yes', LOG_LEVEL: 'debug' } })).toMatchObject({
      http: { port: 9100 },
      safety: { readOnly: true },
      log: { level: 'debug' },
    });
    expect(() => loadConfig({ env: { SENTINELOPS_HTTP_PORT: 'x' } })).toThrow('environment variable SENTINELOPS_HTTP_PORT: expected a number, got "x"');
  });

  it("layers a command's defaults below the file, the environment and flags", () => {
    const defaults = { log: { level: 'warn' }, agent: { intervalSeconds: 15 } };
    expect(loadConfig({ env: {}, defaults }).log.level).toBe('warn');
    expect(loadConfig({ env: { SENTINELOPS_LOG_LEVEL: 'error' }, defaults }).log.level).toBe('error');
    expect(loadConfig({ env: {}, defaults, overrides: { agent: { intervalSeconds: 5 } } }).agent.intervalSeconds).toBe(5);
  });

  it("generates each command's usage from the keys it offers", () => {
    for (const spec of [SERVE, AGENT, DEMO]) {
      const usage = usageText(spec);
      for (const path of spec.config ?? []) {
        const key = CONFIG_KEYS.find((k) => k.path === path)!;
        expect(usage, `${spec.synopsis}: ${path}`).toContain(`--${key.flag}`);
        for (const env of key.env ?? []) expect(usage, `${spec.synopsis}: ${env}`).toContain(env);
      }
    }
    expect(usageText(DEMO)).toContain('--interval <seconds>  seconds between agent cycles (default 15;');
  });
});
