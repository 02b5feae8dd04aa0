/**
 * The permission table (src/k8s/permissions.ts) against the code it describes: every tool in ALL_TOOLS has an
 * entry and no entry names a tool that does not exist; a tool's profile agrees with its annotations; the rules
 * never grant Secrets, wildcards or privilege verbs; and the chart's generated rules file is current.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPONENT_PERMISSIONS, PROFILES, profileRules, TOOL_PERMISSIONS, type PolicyRule } from '../../src/k8s/permissions.js';
import { ALL_TOOLS } from '../../tools/index.js';
import { RULES_TEMPLATE, rulesTemplate } from '../../scripts/rbac.js';

const allRules = (): PolicyRule[] => PROFILES.flatMap((p) => Object.values(profileRules(p)).flat());

describe('permission table', () => {
  it('has an entry for every tool the server can expose, and none for a tool that does not exist', () => {
    const tools = ALL_TOOLS.map((t) => t.name).sort();
    const missing = tools.filter((t) => !(t in TOOL_PERMISSIONS));
    expect(missing, `tools without an entry in src/k8s/permissions.ts: ${missing.join(', ')}`).toEqual([]);
    expect(Object.keys(TOOL_PERMISSIONS).sort()).toEqual(tools);
  });

  it('puts read-only tools in the read-only profile (or chaos) and mutating tools in operator or chaos', () => {
    for (const t of ALL_TOOLS) {
      const { profile } = TOOL_PERMISSIONS[t.name]!;
      if (t.name.startsWith('chaos_')) expect(profile, t.name).toBe('chaos');
      else expect(profile, t.name).toBe(t.annotations.readOnlyHint ? 'read-only' : 'operator');
    }
  });

  it('grants the read-only profile nothing but get, list and watch', () => {
    const verbs = new Set(
      Object.values(profileRules('read-only'))
        .flat()
        .flatMap((r) => r.verbs),
    );
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
  });

  it('never grants Secrets, wildcards, or escalate/bind/impersonate', () => {
    const rules = allRules();
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.resources ?? []).not.toContain('secrets');
      for (const field of [r.apiGroups, r.resources, r.verbs, r.nonResourceURLs, r.resourceNames]) expect(field ?? []).not.toContain('*');
      for (const v of ['escalate', 'bind', 'impersonate']) expect(r.verbs).not.toContain(v);
    }
    const uses = [...Object.values(TOOL_PERMISSIONS), ...Object.values(COMPONENT_PERMISSIONS)];
    expect(uses.flatMap((u) => u.access.map((a) => a.resource))).not.toContain('secrets');
  });

  it('merges the uses of a profile into one rule per resource with the union of verbs in canonical order', () => {
    const operator = profileRules('operator').namespaced;
    expect(operator).toContainEqual({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] });
    expect(operator).toContainEqual({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] });
    // The Lease: create by type, get/update only on the named lease.
    expect(profileRules('agent').lease).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['<lease-name>'] },
    ]);
    // Chaos creates pods; no other profile does.
    const creators = PROFILES.filter((p) =>
      Object.values(profileRules(p))
        .flat()
        .some((r) => r.verbs.includes('create') && r.resources?.includes('pods')),
    );
    expect(creators).toEqual(['chaos']);
  });

  it('the chart rules file is generated from the table (npx tsx scripts/rbac.ts)', () => {
    expect(readFileSync(RULES_TEMPLATE, 'utf8')).toBe(rulesTemplate());
  });
});
