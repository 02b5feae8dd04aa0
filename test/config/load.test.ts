import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'sentinelops-config-'));

describe('config', () => {
  it('has the documented defaults with no sources', () => {
    const c = loadConfig({ env: {} });
    expect(c.safety.protectedNamespaces).toEqual(['kube-system', 'kube-public', 'kube-node-lease']);
    expect(c.safety).toMatchObject({ readOnly: false, minReplicas: 2, maxReplicas: 10, cooldownSeconds: 60, dryRun: false });
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 8000 });
    expect(c.cost).toMatchObject({ cpuHourly: 0.031611, gbHourly: 0.004237 });
    expect(c.chaos).toMatchObject({ enabled: false, allowedNamespaces: ['demo'] });
    expect(c.agent).toMatchObject({ intervalSeconds: 60, tolerance: 0.1, scaleDownStabilizationSeconds: 300 });
    expect(c.agent.thresholds).toEqual({ cpuHigh: 80, cpuLow: 30, memoryHigh: 85 });
    expect(c.store.path).toMatch(/\.sentinelops\/sentinelops\.db$/);
    expect(c.store.path.startsWith('~')).toBe(false);
  });

  it("accepts the seed's environment names", () => {
    const c = loadConfig({
      env: {
        K8S_NAMESPACE: 'prod',
        PROMETHEUS_URL: 'http://prom:9090',
        CPU_HIGH_THRESHOLD: '75',
        CPU_LOW_THRESHOLD: '20',
        MEMORY_HIGH_THRESHOLD: '90',
        MIN_REPLICAS: '1',
        MAX_REPLICAS: '20',
        DECISION_LOOP_INTERVAL: '30',
      },
    });
    expect(c.cluster.defaultNamespace).toBe('prod');
    expect(c.metrics.prometheusUrl).toBe('http://prom:9090');
    expect(c.agent.thresholds).toEqual({ cpuHigh: 75, cpuLow: 20, memoryHigh: 90 });
    expect(c.safety).toMatchObject({ minReplicas: 1, maxReplicas: 20 });
    expect(c.agent.intervalSeconds).toBe(30);
  });

  it('layers file < env < flags', () => {
    const dir = tmp();
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'safety:\n  cooldownSeconds: 5\n  maxReplicas: 7\nhttp:\n  port: 9000\n');
    const c = loadConfig({ env: { SENTINELOPS_HTTP_PORT: '9100', SENTINELOPS_READ_ONLY: 'true' }, configFile: file, overrides: { http: { port: 9200 } } });
    expect(c.safety.cooldownSeconds).toBe(5);
    expect(c.safety.maxReplicas).toBe(7);
    expect(c.safety.readOnly).toBe(true);
    expect(c.http.port).toBe(9200);
  });

  it('reads JSON files and SENTINELOPS_CONFIG', () => {
    const file = join(tmp(), 'c.json');
    writeFileSync(file, JSON.stringify({ chaos: { enabled: true } }));
    expect(loadConfig({ env: { SENTINELOPS_CONFIG: file } }).chaos.enabled).toBe(true);
  });

  it('names the bad key and its source', () => {
    const file = join(tmp(), 'bad.yaml');
    writeFileSync(file, 'safety:\n  maxReplicas: "lots"\n  typo: 1\n');
    expect(() => loadConfig({ env: {}, configFile: file })).toThrow(/safety\.maxReplicas.*from file/);
    expect(() => loadConfig({ env: {}, configFile: file })).toThrow(/unknown key\(s\) "typo"/);
    expect(() => loadConfig({ env: { CPU_HIGH_THRESHOLD: 'high' } })).toThrow(/CPU_HIGH_THRESHOLD: expected a number/);
    expect(() => loadConfig({ env: { SENTINELOPS_READ_ONLY: 'maybe' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { MIN_REPLICAS: '5', MAX_REPLICAS: '3' } })).toThrow(/safety\.minReplicas: minReplicas must not exceed maxReplicas/);
  });

  it('rejects a wrong cluster mode with the allowed values', () => {
    expect(() => parseConfig({ cluster: { mode: 'minikube' } })).toThrow(/cluster\.mode: Invalid enum value.*'kubeconfig' \| 'in-cluster' \| 'sim'/);
  });

  it('reports an unreadable config file clearly', () => {
    expect(() => loadConfig({ env: {}, configFile: '/nonexistent/x.yaml' })).toThrow(/cannot read config file \/nonexistent\/x\.yaml/);
  });
});
