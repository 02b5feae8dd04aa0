/**
 * The dashboard's plans panel in Chromium: a pending plan appears with its risk and change; Approve runs it (the
 * cluster changes, audited), Reject leaves the cluster alone; both leave the panel empty.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, programPrerequisite } from '../helpers/prerequisite.js';
import { mountRest, type RestServer, startRestBase } from '../rest/harness.js';
import { type ConnectedClient, connectClient, type SimBackedDeps } from '../server/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const chromiumPrerequisite = programPrerequisite('Chromium', CHROMIUM, 'apt-get install chromium');

let base: SimBackedDeps;
let server: RestServer;
let agent: ConnectedClient;
let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  if (chromiumPrerequisite.missing) return;
  base = await startRestBase({ agent: { mode: 'approve' } });
  server = await mountRest(base);
  agent = await connectClient(server.deps, 'agent');
  profile = mkdtempSync(join(tmpdir(), 'sentinelops-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    viewport: { width: 1440, height: 1000 },
  });
  page = context.pages()[0] ?? (await context.newPage());
}, 90_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await agent?.close();
  await server?.close();
  await base?.close();
});

const restartedAt = async () =>
  (await base.deps.cluster.readDeployment('demo', 'nginx-demo')).spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
const propose = () =>
  agent.ok<{ planId: number }>('propose_plan', {
    tool: 'restart_deployment',
    arguments: { namespace: 'demo', deployment: 'nginx-demo' },
    reason: 'CrashLoop: restart it',
    mode: 'approve',
  });

describeWith(chromiumPrerequisite, 'plans panel in Chromium', () => {
  it('rejects one plan and approves the next with the buttons', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const first = await propose();
    await page.goto(`${server.url}/`);
    const rows = page.getByTestId('plan-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    expect(await rows.first().getAttribute('data-plan')).toBe(String(first.planId));
    expect(await rows.first().locator('.pill').textContent()).toBe('medium');
    expect(await rows.first().locator('td.name').textContent()).toMatch(/restart deployment demo\/nginx-demo/);
    const before = await restartedAt();

    await page.click('[data-testid=plan-reject]');
    const result = page.getByTestId('plans-result');
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toBe(`plan #${first.planId} rejected; nothing was changed`);
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(0);
    expect(await restartedAt()).toBe(before);

    const second = await propose();
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    await page.click('[data-testid=plan-approve]');
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^plan #${second.planId} approved and run: done: restart`));
    expect(await restartedAt()).not.toBe(before);
    expect(base.deps.store.audit.list({ tool: 'restart_deployment', limit: 1 })[0]).toMatchObject({ caller: 'rest', ok: true, dryRun: false });
    expect(errors).toEqual([]);
  }, 60_000);
});
