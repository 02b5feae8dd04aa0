/**
 * The dashboard's notifications panel in Chromium (as browser.test.ts drives it): messages the server
 * delivered and dead-lettered appear with their state, and the counts match the outbox; the undo form
 * reverses a change by its auditId and shows the server's reason when it cannot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, programPrerequisite } from '../helpers/prerequisite.js';
import { Receiver } from '../notify/receiver.js';
import { call, mountRest, startRestBase, type RestServer } from '../rest/harness.js';
import type { SimBackedDeps } from '../server/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const chromiumPrerequisite = programPrerequisite('Chromium', CHROMIUM, 'apt-get install chromium');

let base: SimBackedDeps;
let server: RestServer;
let context: BrowserContext;
let page: Page;
let profile: string;
const good = new Receiver();
const gone = new Receiver(undefined, { status: 404, body: 'no_service' });

beforeAll(async () => {
  if (chromiumPrerequisite.missing) return;
  await good.start();
  await gone.start();
  base = await startRestBase({
    notify: {
      sinks: [
        { name: 'team', type: 'webhook', url: good.url, secret: 'webhook-secret-0123456789' },
        { name: 'old', type: 'webhook', url: gone.url, secret: 'webhook-secret-0123456789', events: ['opened'] },
      ],
    },
  });
  server = await mountRest(base);
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
  await server?.close();
  await base?.close();
  await good.stop();
  await gone.stop();
});

describeWith(chromiumPrerequisite, 'notifications panel in Chromium', () => {
  it('shows delivered and dead-lettered messages with their counts', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const r = await call(server.url, 'POST', '/api/v1/incidents', {
      body: { type: 'crash_loop', severity: 'high', namespace: 'demo', target: 'web', title: 'web crash-looping' },
    });
    const id = r.json.incident.id;
    await page.goto(`${server.url}/`);
    const counts = page.getByTestId('notify-counts');
    await expect.poll(() => counts.textContent(), { timeout: 20_000 }).toBe('1 delivered · 0 pending · 1 dead');
    const rows = page.getByTestId('notification-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    expect(await page.locator('[data-testid=notification-row][data-state=delivered] td:nth-child(2)').textContent()).toBe('team');
    expect(await page.locator('[data-testid=notification-row][data-state=dead] td:nth-child(5)').textContent()).toBe('HTTP 404: no_service');
    expect(await page.locator('#notify-sinks').textContent()).toBe('sinks: team (webhook), old (webhook)');
    expect(await page.locator('[data-testid=notification-row][data-state=delivered] td:nth-child(3)').getAttribute('title')).toBe(`${id}:opened`);
    expect(errors).toEqual([]);
  }, 60_000);

  it('undoes a change from its auditId, and shows why when undo is impossible', async () => {
    const before = (await base.deps.cluster.readDeployment('demo', 'nginx-demo')).spec?.replicas;
    const scaled = await call(server.url, 'POST', '/api/v1/scale', { body: { namespace: 'demo', deployment: 'nginx-demo', replicas: 5 } });
    await page.fill('[data-testid=undo-id]', String(scaled.json.auditId));
    await page.click('#undo-plan');
    const result = page.getByTestId('undo-result');
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toMatch(/^dry run: would scale deployment demo\/nginx-demo from 5 to/);
    await page.click('[data-testid=undo-button]');
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toMatch(/^done: scale deployment demo\/nginx-demo from 5 to/);
    expect((await base.deps.cluster.readDeployment('demo', 'nginx-demo')).spec?.replicas).toBe(before);
    const deleted = await call(server.url, 'POST', '/api/v1/delete_pod', { body: { namespace: 'demo', deployment: 'nginx-demo' } });
    await page.fill('[data-testid=undo-id]', String(deleted.json.auditId));
    await page.click('[data-testid=undo-button]');
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toMatch(/a deleted pod cannot be restored/);
    expect(await result.getAttribute('class')).toBe('small error');
  }, 60_000);
});
