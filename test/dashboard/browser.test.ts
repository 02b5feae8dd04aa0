/**
 * The dashboard in Debian's Chromium (headless, driven by playwright-core) against the simulator, with a
 * token required and the agent running: the token is typed once, deployments and uPlot charts render,
 * the crash button crashes a pod, and the incident the agent opens appears and resolves on the page.
 * Screenshots go to test-artifacts/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AgentRunner, runnerOptionsFromConfig } from '../../src/agent/runner.js';
import type { ToolClient } from '../../src/agent/tool-client.js';
import { connectInProcess } from '../../src/app/agent-link.js';
import { silentLogger } from '../../src/base/log.js';
import type { SimBackedDeps } from '../server/harness.js';
import { call, mountRest, startRestBase, TOKEN, type RestServer } from '../rest/harness.js';
import { describeWith, programPrerequisite } from '../helpers/prerequisite.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';
// .ci/run installs it; elsewhere the suite says why it skips.
const chromiumPrerequisite = programPrerequisite('Chromium', CHROMIUM, 'apt-get install chromium');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let base: SimBackedDeps;
let client: ToolClient;
let runner: AgentRunner;
let server: RestServer;
let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  if (chromiumPrerequisite.missing) return;
  base = await startRestBase({ chaos: { enabled: true }, agent: { intervalSeconds: 2, leaderElection: { enabled: false } } });
  client = await connectInProcess(base.deps);
  runner = new AgentRunner({ client, clock: base.deps.clock, logger: silentLogger(), ...runnerOptionsFromConfig(base.config), summary: null });
  runner.start();
  // The server the browser talks to shares the agent, as `serve --agent` does.
  base.deps = { ...base.deps, agent: runner };
  server = await mountRest(base, { http: { token: TOKEN } }, { feedIntervalMs: 1000 });
  profile = mkdtempSync(join(tmpdir(), 'sentinelops-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 1000 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(ARTIFACTS, { recursive: true });
}, 90_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await server?.close();
  await runner?.stop();
  await client?.close();
  await base?.close();
});

describeWith(chromiumPrerequisite, 'dashboard in Chromium', () => {
  const pageErrors: string[] = [];

  it('asks for the token once, then shows deployments, nodes and charts', async () => {
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/`);
    const dialog = page.locator('#token-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[type=submit]');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => sessionStorage.getItem('sentinelops.token'))).toBe(TOKEN);

    const row = page.locator('[data-deployment="demo/nginx-demo"]');
    await row.waitFor({ timeout: 15_000 });
    // ready/desired, all ready: the agent runs in this test and may already have right-sized the idle demo (3 → 2)
    await expect.poll(() => row.locator('td').nth(1).textContent(), { timeout: 15_000 }).toMatch(/^([23])\/\1\b/);
    await expect.poll(() => page.locator('#nodes li').count()).toBe(3);
    await expect.poll(() => page.locator('#live').getAttribute('class')).toContain('on');
    // uPlot draws on canvases: one per chart, with the deployment in each legend
    await expect.poll(() => page.locator('#chart-cpu canvas').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.locator('#chart-replicas canvas').count()).toBe(1);
    await expect.poll(() => page.locator('#chart-cpu .u-legend').textContent()).toContain('nginx-demo');
    await expect.poll(() => page.locator('#agent-state').textContent(), { timeout: 15_000 }).toBe('watching');
    expect(await page.locator('#kpi-nodes').textContent()).toBe('3/3');
    expect(await page.locator('#kpi-cost').textContent()).toMatch(/^\$\d/);
  });

  it('crashes a pod from the chaos panel and shows the incident open, then resolved', async () => {
    await page.locator('#chaos').waitFor({ state: 'visible' });
    await page.selectOption('#chaos-target', 'demo/nginx-demo');
    await page.click('[data-testid="chaos-crash"]');
    await expect.poll(() => page.locator('#chaos-result').textContent(), { timeout: 10_000 }).toMatch(/crash: done: crash pod demo\/nginx-demo-/);

    // the crash reaches the cluster: a pod of nginx-demo restarted
    const pods = await call(server.url, 'GET', '/api/v1/pods', { token: TOKEN, query: { namespace: 'demo' } });
    expect(pods.json.items.some((p: { restarts: number }) => p.restarts > 0)).toBe(true);

    const incident = page.locator('#incidents li.incident').first();
    await incident.waitFor({ timeout: 20_000 });
    expect(await incident.textContent()).toMatch(/demo\/nginx-demo/);
    await expect.poll(() => incident.getAttribute('data-outcome'), { timeout: 30_000 }).toBe('resolved');
    expect(await incident.textContent()).toMatch(/MTTR \d/);
    await expect.poll(() => page.locator('[data-testid="success-rate"]').textContent()).toMatch(/^\d+%$/);
    await expect.poll(() => page.locator('[data-testid="mttr"]').textContent()).toMatch(/\d+(\.\d)? (s|min)/);
    await expect.poll(() => page.locator('[data-testid="agent-cycles"] li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
