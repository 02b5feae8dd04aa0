/**
 * Notifications end to end on a real SQLite file and real HTTP receivers on 127.0.0.1: what each vendor
 * receives (validated against its documented schema), retries while a receiver is down, Retry-After on
 * 429, dead-lettering, the per-sink rate limit. Time is a virtual clock so backoffs are exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { VirtualClock } from '../../src/base/clock.js';
import { silentLogger } from '../../src/base/log.js';
import { NotifyConfigSchema } from '../../src/config/notify.js';
import { Notifier } from '../../src/notify/notifier.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/notify/sign.js';
import { Store } from '../../src/store/index.js';
import { Receiver } from './receiver.js';
import { PagerDutyEventSchema, SlackMessageSchema } from './vendor-schemas.js';

const SECRET = 'webhook-secret-0123456789';
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

let dir: string;
let store: Store;
let clock: VirtualClock;
const receivers: Receiver[] = [];
const notifiers: Notifier[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'notify-'));
  clock = new VirtualClock(Date.UTC(2026, 11, 2, 7, 0, 0));
  store = Store.open(join(dir, 'store.db'), clock);
});

afterEach(async () => {
  for (const n of notifiers.splice(0)) await n.close();
  for (const r of receivers.splice(0)) await r.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function receiver(...args: ConstructorParameters<typeof Receiver>): Promise<Receiver> {
  const r = await new Receiver(...args).start();
  receivers.push(r);
  return r;
}

function notifier(config: Omit<z.input<typeof NotifyConfigSchema>, 'sinks'> & { sinks: unknown[] }): Notifier {
  const n = new Notifier({ config: NotifyConfigSchema.parse(config), store, clock, logger: silentLogger(), random: () => 0.5 }).start();
  notifiers.push(n);
  return n;
}

/** One incident's life: opened, acted on, escalated, acted on again, resolved 4 minutes after detection. */
function incidentLife(): string {
  const inc = store.incidents.open({ type: 'crash_loop', severity: 'high', namespace: 'demo', target: 'web', title: 'web pods crash-looping' });
  clock.advance(30_000);
  store.incidents.addAction(inc.id, {
    tool: 'restart_deployment',
    arguments: { namespace: 'demo', deployment: 'web' },
    ok: true,
    reason: 'crash loop after config change',
  });
  store.incidents.update(inc.id, { outcome: 'escalated', summary: 'still crashing after restart' });
  clock.advance(60_000);
  store.incidents.addAction(inc.id, { tool: 'rollback_deployment', arguments: { namespace: 'demo', deployment: 'web' }, ok: true, reason: 'bad revision 7' });
  clock.advance(150_000);
  store.incidents.resolve(inc.id, { summary: 'ready again after rollback' });
  return inc.id;
}

describe('sinks', () => {
  it('sends Slack Block Kit, PagerDuty Events v2 and a signed webhook for an incident, each valid by the vendor schema', async () => {
    const slack = await receiver(SlackMessageSchema);
    const pd = await receiver(PagerDutyEventSchema, { status: 202, body: '{"status":"success","message":"Event processed"}' });
    const hook = await receiver();
    const n = notifier({
      baseUrl: 'https://sentinel.example.com/',
      sinks: [
        { name: 'slack', type: 'slack', url: slack.url },
        { name: 'pd', type: 'pagerduty', url: pd.url, routingKey: ROUTING_KEY },
        { name: 'hook', type: 'webhook', url: hook.url, secret: SECRET },
      ],
    });
    const id = incidentLife();
    await n.worker.drain();

    for (const r of [slack, pd, hook]) expect(r.received.filter((x) => x.invalid)).toEqual([]);
    // opened, acted, escalated, acted, resolved: five messages per sink, each once.
    expect(slack.accepted).toHaveLength(5);
    expect(hook.accepted.map((b) => b.kind)).toEqual(['opened', 'acted', 'escalated', 'acted', 'resolved']);
    expect(pd.accepted.map((b) => b.event_action)).toEqual(['trigger', 'acknowledge', 'trigger', 'acknowledge', 'resolve']);
    expect(new Set(pd.accepted.map((b) => b.dedup_key))).toEqual(new Set([id]));
    expect(pd.accepted[0].payload.severity).toBe('error'); // high → error
    expect(pd.accepted[0].links[0].href).toBe(`https://sentinel.example.com/#incident=${id}`);

    const resolved = slack.accepted[4];
    const fields = resolved.blocks.find((b: any) => b.type === 'section').fields.map((f: any) => f.text);
    expect(fields).toContain('*MTTR*\n4m');
    expect(resolved.blocks[0].text.text).toMatch(/^Resolved: crash_loop on demo\/web after 4m/);
    const acted = slack.accepted[1].blocks.find((b: any) => b.type === 'section').text.text;
    expect(acted).toContain('Did: restart_deployment namespace=demo deployment=web');
    expect(acted).toContain('Why: crash loop after config change');
    expect(slack.accepted[0].blocks.at(-1)).toEqual({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open incident' }, url: `https://sentinel.example.com/#incident=${id}` }],
    });

    for (const r of hook.received) {
      expect(verifySignature(SECRET, r.raw, r.headers[SIGNATURE_HEADER] as string, Math.floor(clock.now() / 1000))).toEqual({ ok: true });
      expect(verifySignature('another-secret-0123456789', r.raw, r.headers[SIGNATURE_HEADER] as string, Math.floor(clock.now() / 1000)).ok).toBe(false);
      expect(r.headers['x-sentinelops-delivery']).toBe(`hook:${r.body.key}`);
    }
    expect(hook.accepted[4].incident.mttrSeconds).toBe(240);
    expect(n.outbox.counts()).toEqual({ pending: 0, delivered: 15, dead: 0 });
  });

  it('cuts long texts to Block Kit and PagerDuty limits instead of being refused', async () => {
    const slack = await receiver(SlackMessageSchema);
    const pd = await receiver(PagerDutyEventSchema, { status: 202 });
    const n = notifier({
      sinks: [
        { name: 'slack', type: 'slack', url: slack.url },
        { name: 'pd', type: 'pagerduty', url: pd.url, routingKey: ROUTING_KEY },
      ],
    });
    store.incidents.open({
      type: 'oom_killed',
      severity: 'critical',
      namespace: 'demo',
      target: 'w'.repeat(200),
      title: 'x'.repeat(3000),
      summary: 'y'.repeat(5000),
    });
    await n.worker.drain();
    expect(slack.received.map((r) => r.invalid)).toEqual([undefined]);
    expect(pd.received.map((r) => r.invalid)).toEqual([undefined]);
    expect(slack.accepted[0].blocks[0].text.text).toHaveLength(150);
  });

  it('filters by event and minimum severity per sink', async () => {
    const all = await receiver();
    const pages = await receiver();
    const n = notifier({
      sinks: [
        { name: 'all', type: 'webhook', url: all.url, secret: SECRET },
        { name: 'pages', type: 'webhook', url: pages.url, secret: SECRET, events: ['opened', 'resolved'], minSeverity: 'critical' },
      ],
    });
    incidentLife(); // high
    const crit = store.incidents.open({ type: 'node_not_ready', severity: 'critical', namespace: 'demo', target: 'node-1', title: 'node down' });
    await n.worker.drain();
    expect(all.accepted).toHaveLength(6);
    expect(pages.accepted.map((b) => b.key)).toEqual([`${crit.id}:opened`]);
  });

  it('reports a circuit breaker incident as breaker_opened', async () => {
    const hook = await receiver();
    const n = notifier({ sinks: [{ name: 'hook', type: 'webhook', url: hook.url, secret: SECRET, events: ['breaker_opened'] }] });
    store.incidents.open({ type: 'circuit_breaker', severity: 'critical', namespace: 'demo', target: 'breaker:demo', title: '70% of pods unhealthy' });
    await n.worker.drain();
    expect(hook.accepted.map((b) => b.kind)).toEqual(['breaker_opened']);
  });
});

describe('delivery', () => {
  it('retries while the receiver is down, with exponential backoff, and delivers once it is back', async () => {
    const hook = await receiver();
    const port = hook.port;
    await hook.stop();
    const n = notifier({ backoffBaseSeconds: 2, sinks: [{ name: 'hook', type: 'webhook', url: hook.url, secret: SECRET }] });
    store.incidents.open({ type: 'crash_loop', severity: 'high', namespace: 'demo', target: 'web', title: 'down' });
    await n.worker.drain();
    let [row] = n.outbox.list();
    expect(row).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null });
    expect(row!.lastError).toMatch(/ECONNREFUSED/);
    // random() = 0.5: half the step plus a quarter of it → 1.5 s after the 1st failure, 3 s after the 2nd.
    expect(row!.nextAttemptAt - clock.now()).toBe(1500);
    clock.advance(1500);
    await n.worker.drain();
    [row] = n.outbox.list();
    expect(row).toMatchObject({ state: 'pending', attempts: 2 });
    expect(row!.nextAttemptAt - clock.now()).toBe(3000);

    await hook.start(port);
    clock.advance(2999);
    await n.worker.drain();
    expect(hook.received).toHaveLength(0); // not due yet
    clock.advance(1);
    await n.worker.drain();
    expect(hook.accepted).toHaveLength(1);
    expect(n.outbox.list()[0]).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 200 });
    clock.advance(3_600_000);
    await n.worker.drain();
    expect(hook.received).toHaveLength(1);
  });

  it('waits as long as a 429 Retry-After says, not its own backoff', async () => {
    const hook = await receiver();
    hook.plan.push({ status: 429, headers: { 'retry-after': '120' }, body: 'slow down' });
    const n = notifier({ sinks: [{ name: 'hook', type: 'webhook', url: hook.url, secret: SECRET }] });
    store.incidents.open({ type: 'crash_loop', severity: 'high', namespace: 'demo', target: 'web', title: 'down' });
    await n.worker.drain();
    expect(n.outbox.list()[0]).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 429 });
    expect(n.outbox.list()[0]!.nextAttemptAt - clock.now()).toBe(120_000);
    clock.advance(119_000);
    await n.worker.drain();
    expect(hook.received).toHaveLength(1);
    clock.advance(1000);
    await n.worker.drain();
    expect(hook.received).toHaveLength(2);
    expect(n.outbox.list()[0]).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('dead-letters after maxAttempts failures, and at once when the receiver refuses the message itself', async () => {
    const failing = await receiver(undefined, { status: 503, body: 'maintenance' });
    const refusing = await receiver(undefined, { status: 404, body: 'no_service' });
    const n = notifier({
      maxAttempts: 3,
      sinks: [
        { name: 'failing', type: 'webhook', url: failing.url, secret: SECRET },
        { name: 'refusing', type: 'webhook', url: refusing.url, secret: SECRET },
      ],
    });
    store.incidents.open({ type: 'crash_loop', severity: 'high', namespace: 'demo', target: 'web', title: 'down' });
    for (let i = 0; i < 5; i++) {
      await n.worker.drain();
      clock.advance(3_600_000);
    }
    expect(failing.received).toHaveLength(3);
    expect(refusing.received).toHaveLength(1);
    const rows = Object.fromEntries(n.outbox.list().map((r) => [r.sink, r]));
    expect(rows.failing).toMatchObject({ state: 'dead', attempts: 3, lastStatus: 503, lastError: 'HTTP 503: maintenance' });
    expect(rows.refusing).toMatchObject({ state: 'dead', attempts: 1, lastStatus: 404 });
    expect(n.outbox.counts()).toEqual({ pending: 0, delivered: 0, dead: 2 });
  });

  it('holds messages beyond the per-sink rate limit without counting an attempt', async () => {
    const hook = await receiver();
    const n = notifier({ sinks: [{ name: 'hook', type: 'webhook', url: hook.url, secret: SECRET, ratePerMinute: 2 }] });
    for (const t of ['a', 'b', 'c']) store.incidents.open({ type: 'crash_loop', severity: 'high', namespace: 'demo', target: t, title: t });
    await n.worker.drain();
    expect(hook.received).toHaveLength(2);
    const waiting = n.outbox.list({ state: 'pending' });
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ attempts: 0, nextAttemptAt: clock.now() + 60_000 });
    clock.advance(60_000);
    await n.worker.drain();
    expect(hook.received.map((r) => r.body.incident.target)).toEqual(['a', 'b', 'c']);
  });

  it('queues nothing twice for one event: a second enqueue of the same key is a no-op', async () => {
    const hook = await receiver();
    const n = notifier({ sinks: [{ name: 'hook', type: 'webhook', url: hook.url, secret: SECRET }] });
    const inc = store.incidents.open({ type: 'crash_loop', severity: 'high', namespace: 'demo', target: 'web', title: 'down' });
    store.incidents.addAction(inc.id, { tool: 'restart_deployment', arguments: {}, ok: true, reason: 'r' });
    // Updates after the action (no new action) must not announce that action again.
    store.incidents.update(inc.id, { summary: 'still watching' });
    store.incidents.update(inc.id, { summary: 'still watching 2' });
    await n.worker.drain();
    expect(hook.accepted.map((b) => b.key)).toEqual([`${inc.id}:opened`, `${inc.id}:acted:1`]);
  });
});
