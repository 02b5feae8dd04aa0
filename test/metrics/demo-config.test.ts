/**
 * demo/prometheus-deploy.yaml carries demo/prometheus.yml verbatim, and both hold what the `prometheus`
 * metrics source and the seed's quick start rely on. (Debian's promtool is built without Kubernetes
 * service discovery, so it cannot check this config; the YAML structure is checked here instead.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const root = new URL('../../', import.meta.url);
const configText = readFileSync(new URL('demo/prometheus.yml', root), 'utf8');
const docs = parseAllDocuments(readFileSync(new URL('demo/prometheus-deploy.yaml', root), 'utf8')).map((d) => {
  expect(d.errors).toEqual([]);
  return d.toJS() as { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: unknown };
});
const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);

describe('demo Prometheus manifests', () => {
  it('the ConfigMap holds demo/prometheus.yml exactly', () => {
    const cm = find('ConfigMap', 'prometheus-config') as { data: Record<string, string> } | undefined;
    expect(cm?.data['prometheus.yml']).toBe(configText);
  });

  it('scrapes cAdvisor through the API server proxy and kube-state-metrics with honor_labels', () => {
    const cfg = parse(configText) as { scrape_configs: Array<{ job_name: string; honor_labels?: boolean; relabel_configs?: Array<{ replacement?: string }> }> };
    const jobs = Object.fromEntries(cfg.scrape_configs.map((j) => [j.job_name, j]));
    expect(Object.keys(jobs)).toEqual(['kubernetes-cadvisor', 'kube-state-metrics']);
    expect(jobs['kubernetes-cadvisor']!.relabel_configs!.map((r) => r.replacement)).toContain('/api/v1/nodes/$1/proxy/metrics/cadvisor');
    expect(jobs['kube-state-metrics']!.honor_labels).toBe(true);
  });

  it('matches the seed quick start: pods labelled app=prometheus in monitoring, service prometheus:9090', () => {
    const dep = find('Deployment', 'prometheus') as unknown as {
      metadata: { namespace: string };
      spec: { template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string } } };
    };
    expect(dep.metadata.namespace).toBe('monitoring');
    expect(dep.spec.template.metadata.labels.app).toBe('prometheus');
    const svc = find('Service', 'prometheus') as unknown as { spec: { ports: Array<{ port: number }> } };
    expect(svc.spec.ports[0]!.port).toBe(9090);
    const role = find('ClusterRole', 'sentinelops-prometheus') as unknown as { rules: Array<{ resources?: string[] }> };
    expect(role.rules.flatMap((r) => r.resources ?? [])).toContain('nodes/proxy');
    expect(find('Service', 'kube-state-metrics')).toBeDefined();
  });
});
