/**
 * The Helm chart with the helm binary built from Go modules (test/cluster/build.sh helm): lint and render for the
 * default values and every profile; the rendered RBAC equals the permission table of src/k8s/permissions.ts
 * profile by profile, narrowed to Roles when namespaces are allowed; the pod runs locked down; the configuration
 * file it mounts is valid for the process (the real config schema); broken value combinations are refused with a
 * reason; and deploy/manifests/ is exactly what deploy/render-manifests.sh renders.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, expect, it } from 'vitest';
import { describeWith } from '../helpers/prerequisite.js';
import { parseConfig } from '../../src/config/load.js';
import { LEASE_NAME, PROFILES, profileRules, type PolicyRule, type Profile } from '../../src/k8s/permissions.js';
import { CHART, HELM, helm, helmBuilt, parseManifests, render, ROOT, valuesFile, VARIANTS, type K8sObject } from './helpers.js';

type Rule = PolicyRule;
const rulesOf = (o: K8sObject) => (o.rules as Rule[]) ?? [];
const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const ofProfile = (objs: K8sObject[], p: Profile) => objs.filter((o) => o.metadata.labels?.['sentinelops.dev/profile'] === p);
const withLease = (rules: Rule[], lease: string) =>
  rules.map((r) => (r.resourceNames ? { ...r, resourceNames: r.resourceNames.map((n) => (n === LEASE_NAME ? lease : n)) } : r));
const sortRules = (rules: Rule[]) => [...rules].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describeWith(helmBuilt, 'Helm chart (helm lint, helm template)', () => {
  const rendered = new Map<string, K8sObject[]>();
  beforeAll(() => {
    for (const [name, values] of Object.entries(VARIANTS)) rendered.set(name, parseManifests(render(values)));
  });

  it.each(Object.keys(VARIANTS))('helm lint --strict passes for %s', (name) => {
    const r = helm(['lint', '--strict', CHART, '-f', valuesFile(VARIANTS[name]!)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('default values: the MCP server over HTTP with the read-only and operator profiles as ClusterRoles', () => {
    const objs = rendered.get('default')!;
    expect(objs.map((o) => o.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRole',
        'ClusterRoleBinding',
        'ClusterRoleBinding',
        'ConfigMap',
        'Deployment',
        'NetworkPolicy',
        'PersistentVolumeClaim',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
    const [ro] = ofProfile(byKind(objs, 'ClusterRole'), 'read-only');
    const rules = profileRules('read-only');
    expect(sortRules(rulesOf(ro!))).toEqual(sortRules([...rules.cluster, ...rules.namespaced]));
    const [op] = ofProfile(byKind(objs, 'ClusterRole'), 'operator');
    expect(sortRules(rulesOf(op!))).toEqual(sortRules([...profileRules('operator').cluster, ...profileRules('operator').namespaced]));
    expect(byKind(objs, 'Role')).toEqual([]);
  });

  it('every variant grants exactly the table rules of the profiles it enables, and nothing else', () => {
    const expected: Record<string, Profile[]> = {
      default: ['read-only', 'operator'],
      'read-only': ['read-only'],
      agent: ['read-only', 'operator', 'agent'],
      both: ['read-only', 'operator', 'agent'],
      chaos: ['read-only', 'operator', 'chaos'],
      narrowed: ['read-only', 'operator', 'agent', 'chaos'],
      'service-monitor': ['read-only', 'operator'],
    };
    for (const [name, objs] of rendered) {
      const roles = [...byKind(objs, 'ClusterRole'), ...byKind(objs, 'Role')];
      const granted = PROFILES.filter((p) => ofProfile(roles, p).length > 0);
      expect(granted, name).toEqual(expected[name]);
      for (const p of granted) {
        const want = profileRules(p);
        const got = ofProfile(roles, p);
        // Each distinct rule set in the chart is one of the profile's scopes (or cluster+namespaced merged).
        const union = sortRules(
          withLease(
            got.flatMap((r) => rulesOf(r)),
            'sentinelops-agent',
          ),
        );
        const all = [...want.cluster, ...want.namespaced, ...withLease(want.lease, 'sentinelops-agent')];
        for (const r of union) expect(all, `${name}/${p}: ${JSON.stringify(r)}`).toContainEqual(r);
        for (const r of all) expect(union, `${name}/${p} lacks ${JSON.stringify(r)}`).toContainEqual(r);
      }
      for (const r of roles.flatMap(rulesOf)) {
        expect(r.resources ?? []).not.toContain('secrets');
        expect([...(r.resources ?? []), ...r.verbs, ...(r.apiGroups ?? [])]).not.toContain('*');
      }
    }
  });

  it('read-only: no verb but get, list or watch anywhere', () => {
    const objs = rendered.get('read-only')!;
    const verbs = new Set([...byKind(objs, 'ClusterRole'), ...byKind(objs, 'Role')].flatMap(rulesOf).flatMap((r) => r.verbs));
    expect([...verbs].every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
    const config = parseConfig(parseYaml((byKind(objs, 'ConfigMap')[0]!.data as Record<string, string>)['config.yaml']!));
    expect(config.safety.readOnly).toBe(true);
  });

  it('allowed namespaces: namespaced rules become Roles in each; only nodes, the namespace list and /version stay cluster-wide', () => {
    const objs = rendered.get('narrowed')!;
    const clusterRoles = byKind(objs, 'ClusterRole');
    expect(clusterRoles.map((r) => r.metadata.name).sort()).toEqual(['sentinelops-agent', 'sentinelops-read-only']);
    for (const r of clusterRoles.flatMap(rulesOf)) {
      // nodes (cluster_health, list_nodes) and the namespace list for scale-down consent (denial tolerated).
      if (r.resources) expect(['nodes', 'namespaces']).toEqual(expect.arrayContaining(r.resources));
      else expect(r.nonResourceURLs).toEqual(['/version']);
    }
    const roles = byKind(objs, 'Role');
    const where = (p: string) =>
      roles
        .filter((r) => r.metadata.name === `sentinelops-${p}`)
        .map((r) => r.metadata.namespace)
        .sort();
    expect(where('read-only')).toEqual(['team-a', 'team-b']);
    expect(where('operator')).toEqual(['team-a', 'team-b']);
    expect(where('agent')).toEqual(['team-a', 'team-b']);
    expect(where('chaos')).toEqual(['team-a']);
    const lease = roles.find((r) => r.metadata.name === 'sentinelops-agent-lease')!;
    expect(lease.metadata.namespace).toBe('sentinelops');
    expect(rulesOf(lease)).toEqual(withLease(profileRules('agent').lease, 'sentinelops-agent'));
    // Every Role is bound to the chart's ServiceAccount in its own namespace.
    const bindings = byKind(objs, 'RoleBinding');
    expect(bindings).toHaveLength(roles.length);
    for (const b of bindings) {
      expect(b.roleRef).toMatchObject({ kind: 'Role', name: b.metadata.name });
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'sentinelops', namespace: 'sentinelops' }]);
    }
  });

  it('the pod runs locked down: non-root, read-only root filesystem, no privilege escalation, RuntimeDefault seccomp, no capabilities', () => {
    for (const [name, objs] of rendered) {
      const pod = (byKind(objs, 'Deployment')[0]!.spec as { template: { spec: Record<string, any> } }).template.spec;
      expect(pod.securityContext, name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of pod.containers) {
        expect(c.securityContext, name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.resources.requests, name).toBeDefined();
        expect(JSON.stringify(c.env ?? [])).not.toMatch(/secretKeyRef/);
      }
    }
  });

  it('HTTP modes probe /healthz and /readyz and mount the token Secret; the agent alone serves nothing', () => {
    for (const name of ['default', 'both']) {
      const objs = rendered.get(name)!;
      const c = (byKind(objs, 'Deployment')[0]!.spec as any).template.spec.containers[0];
      expect(c.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
      expect(c.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
      expect(c.args).toEqual(name === 'both' ? ['serve', '--http', '--agent', '--cluster', 'in-cluster'] : ['serve', '--http', '--cluster', 'in-cluster']);
      expect(byKind(objs, 'Service')).toHaveLength(1);
    }
    const agent = rendered.get('agent')!;
    const c = (byKind(agent, 'Deployment')[0]!.spec as any).template.spec.containers[0];
    expect(c.args[0]).toBe('agent');
    expect(c.livenessProbe).toBeUndefined();
    expect(byKind(agent, 'Service')).toEqual([]);
    expect((byKind(agent, 'Deployment')[0]!.spec as any).replicas).toBe(2);
    expect(byKind(agent, 'PersistentVolumeClaim')).toEqual([]);
  });

  it('the mounted config.yaml is valid for the process and carries the values', () => {
    for (const [name, objs] of rendered) {
      const text = (byKind(objs, 'ConfigMap')[0]!.data as Record<string, string>)['config.yaml']!;
      const config = parseConfig(parseYaml(text));
      expect(config.cluster.mode, name).toBe('in-cluster');
      expect(config.store.path).toBe('/data/sentinelops.db');
      expect(config.agent.leaderElection).toMatchObject({ leaseName: 'sentinelops-agent', leaseNamespace: 'sentinelops' });
    }
    const narrowed = parseConfig(parseYaml((byKind(rendered.get('narrowed')!, 'ConfigMap')[0]!.data as Record<string, string>)['config.yaml']!));
    expect(narrowed.safety.allowedNamespaces).toEqual(['team-a', 'team-b']);
    expect(narrowed.agent.namespaces).toEqual(['team-a', 'team-b']);
    expect(narrowed.chaos).toMatchObject({ enabled: true, allowedNamespaces: ['team-a'], backend: 'kubernetes' });
    expect(narrowed.http).toMatchObject({ host: '0.0.0.0', tokenFile: '/var/run/sentinelops/auth/token' });
    expect(narrowed.http.allowedHosts).toEqual([]);
  });

  it('NetworkPolicy: ingress only to the HTTP port from the configured namespaces; egress to the API server and DNS', () => {
    const np = byKind(rendered.get('default')!, 'NetworkPolicy')[0]!.spec as any;
    expect(np.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'sentinelops' } } }], ports: [{ port: 'http', protocol: 'TCP' }] },
    ]);
    expect(np.egress.flatMap((e: any) => e.ports.map((p: any) => p.port))).toEqual([6443, 443, 53, 53]);
    const agentNp = byKind(rendered.get('agent')!, 'NetworkPolicy')[0]!.spec as any;
    expect(agentNp.ingress).toEqual([]);
    expect(byKind(rendered.get('service-monitor')!, 'ServiceMonitor')).toHaveLength(1);
  });

  it('store.backend=kubernetes: HA agent replicas, the store Role in the release namespace, the backend in the config', () => {
    const objs = parseManifests(
      render({ mode: 'agent', replicas: 2, store: { backend: 'kubernetes', persistence: { enabled: false }, retention: { days: 7, maxResolved: 50 } } }),
    );
    const config = parseConfig(parseYaml((byKind(objs, 'ConfigMap')[0]!.data as Record<string, string>)['config.yaml']!));
    expect(config.store).toMatchObject({ backend: 'kubernetes', namespace: 'sentinelops', retention: { days: 7, maxResolved: 50 } });
    const role = byKind(objs, 'Role').find((r) => (r as any).rules?.some((x: any) => x.apiGroups?.includes('sentinelops.dev'))) as any;
    expect(role?.metadata.namespace).toBe('sentinelops');
    expect(role.rules.flatMap((r: any) => r.resources)).toEqual(
      expect.arrayContaining(['incidents', 'incidents/status', 'auditrecords', 'cooldowns', 'agentstates']),
    );
    expect(byKind(objs, 'RoleBinding').some((b) => (b as any).roleRef.name === role.metadata.name)).toBe(true);
    expect((byKind(objs, 'Deployment')[0]!.spec as any).replicas).toBe(2);
  });

  it.each([
    [{ replicas: 2 }, /SQLite on a ReadWriteOnce PVC serves one replica/],
    [{ store: { backend: 'etcd' } }, /store.backend must be sqlite or kubernetes/],
    [{ mode: 'sidecar' }, /mode must be mcp-http, agent or both/],
    [{ auth: { existingSecret: '' } }, /auth.existingSecret is required/],
    [{ readOnly: true, chaos: { enabled: true } }, /chaos.enabled needs readOnly=false/],
    [
      { mode: 'agent', replicas: 2, store: { persistence: { enabled: false } }, agent: { leaderElection: { enabled: false } } },
      /needs agent.leaderElection.enabled=true/,
    ],
  ])('refuses %j with a reason', (values, message) => {
    expect(() => render(values)).toThrow(message);
  });

  it('deploy/manifests is what deploy/render-manifests.sh renders from the chart', () => {
    const out = mkdtempSync(join(tmpdir(), 'sentinelops-manifests-'));
    execFileSync('bash', [join(ROOT, 'deploy/render-manifests.sh'), out], { env: { ...process.env, SENTINELOPS_HELM: HELM }, stdio: 'pipe' });
    const tree = (dir: string) =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
        .sort();
    const committed = join(ROOT, 'deploy/manifests');
    expect(tree(committed)).toEqual(tree(out));
    for (const f of tree(out))
      expect(readFileSync(join(committed, f), 'utf8'), `${f} is stale: bash deploy/render-manifests.sh`).toBe(readFileSync(join(out, f), 'utf8'));
    expect(parseManifests(readFileSync(join(committed, 'operator/sentinelops.yaml'), 'utf8')).length).toBeGreaterThan(5);
  });
});
