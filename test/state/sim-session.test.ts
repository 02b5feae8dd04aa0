/** serve --cluster sim without an explicit store path gets a store of its own; an explicit path is honoured. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simSession } from '../../src/commands/serve.js';
import { loadConfig } from '../../src/config/load.js';

const load = (overrides: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
  const config = loadConfig({ env, overrides });
  return simSession(config, () => loadConfig({ env, overrides, defaults: { store: { path: '\u0000unset' } } }));
};

describe('per-session simulator store', () => {
  it('sim without a store path: a fresh temporary file per session, removed at exit; the kubeconfig stays beside the default store', () => {
    const a = load({ cluster: { mode: 'sim' } })!;
    const b = load({ cluster: { mode: 'sim' } })!;
    expect(a.storePath).not.toBe(b.storePath);
    expect(a.storePath).not.toContain('.sentinelops');
    expect(a.kubeconfig).toMatch(/\.sentinelops\/sim-kubeconfig\.yaml$/);
    mkdirSync(dirname(a.storePath), { recursive: true });
    a.remove();
    b.remove();
    expect(existsSync(dirname(a.storePath))).toBe(false);
  });

  it('an explicit path (flag, environment) is used as given; other cluster modes are untouched', () => {
    expect(load({ cluster: { mode: 'sim' }, store: { path: '/tmp/mine.db' } })).toBeUndefined();
    expect(load({ cluster: { mode: 'sim' } }, { SENTINELOPS_DB: '/tmp/env.db' })).toBeUndefined();
    expect(load({ cluster: { mode: 'kubeconfig' } })).toBeUndefined();
  });
});
