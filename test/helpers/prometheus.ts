/**
 * Runs a real Prometheus (Debian's /usr/bin/prometheus) or Alertmanager (/usr/bin/prometheus-alertmanager)
 * for a test: its own config, a temporary data directory and a free loopback port, so it never touches a
 * system instance on :9090/:9093. `stop()` kills exactly the child it started and removes the directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { programPrerequisite } from './prerequisite.js';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export const prometheusPrerequisite = programPrerequisite('Prometheus', PROMETHEUS_BIN, "install Debian's prometheus package, or set PROMETHEUS_BIN");
export const alertmanagerPrerequisite = programPrerequisite(
  'Alertmanager',
  ALERTMANAGER_BIN,
  "install Debian's prometheus-alertmanager package, or set ALERTMANAGER_BIN",
);

export interface ScrapeTarget {
  /** host:port */
  address: string;
  metricsPath?: string;
  job?: string;
}

export interface TestPrometheus {
  url: string;
  port: number;
  /** Resolves when `promql` returns at least `minSeries` series with a value (polls every 250 ms). */
  waitFor(promql: string, opts?: { minSeries?: number; timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
  /** stderr of the process so far, for failure messages. */
  log(): string;
}

export async function startPrometheus(opts: { targets: ScrapeTarget[]; scrapeIntervalSeconds?: number }): Promise<TestPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'sentinelops-prom-'));
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  const jobs = opts.targets.map((t, i) =>
    [
      `  - job_name: ${JSON.stringify(t.job ?? `target-${i}`)}`,
      `    scrape_interval: ${interval}`,
      `    scrape_timeout: ${interval}`,
      `    metrics_path: ${JSON.stringify(t.metricsPath ?? '/metrics')}`,
      // The simulator's series already carry namespace/pod labels, as kube-state-metrics' do behind honor_labels.
      `    honor_labels: true`,
      `    static_configs:`,
      `      - targets: [${JSON.stringify(t.address)}]`,
    ].join('\n'),
  );
  const config = `global:\n  scrape_interval: ${interval}\n  evaluation_interval: ${interval}\nscrape_configs:\n${jobs.join('\n')}\n`;
  await writeFile(join(dir, 'prometheus.yml'), config);
  const { url, port, child, log } = await startDaemon(dir, PROMETHEUS_BIN, (p) => [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${p}`,
    '--storage.tsdb.retention.time=1h',
    '--log.level=warn',
  ]);
  return handle(url, port, child, dir, log);
}

export interface TestAlertmanager {
  url: string;
  /** Posts alerts to Alertmanager's API, as Prometheus would. */
  push(alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string }>): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

/** An Alertmanager whose only receiver is the given webhook, grouping per alert with 1 s waits. */
export async function startAlertmanager(opts: { webhookUrl: string; bearerToken?: string }): Promise<TestAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'sentinelops-am-'));
  const auth = opts.bearerToken ? `\n        http_config:\n          authorization:\n            credentials: ${JSON.stringify(opts.bearerToken)}` : '';
  const config = [
    'route:',
    '  receiver: sentinelops',
    "  group_by: ['alertname', 'namespace']",
    '  group_wait: 1s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: sentinelops',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(opts.webhookUrl)}`,
    `        send_resolved: true${auth}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'alertmanager.yml'), config);
  const { url, child, log } = await startDaemon(dir, ALERTMANAGER_BIN, (p) => [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${p}`,
    // No HA gossip: it would listen on 0.0.0.0:9094.
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
  return {
    url,
    log,
    async push(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`Alertmanager refused the alerts: HTTP ${res.status} ${await res.text()}`);
    },
    async stop() {
      await kill(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `bin` on a free loopback port and waits for /-/ready; a port taken meanwhile is retried. */
async function startDaemon(dir: string, bin: string, args: (port: number) => string[]) {
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(bin, args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const url = `http://127.0.0.1:${port}`;
    if (await waitReady(url, child, 20_000)) return { url, port, child, log: () => log };
    lastLog = log;
    await kill(child);
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`${bin} did not become ready:\n${lastLog}`);
}

function handle(url: string, port: number, child: ChildProcess, dir: string, log: () => string): TestPrometheus {
  return {
    url,
    port,
    log,
    async waitFor(promql, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 20_000);
      let last = '';
      while (Date.now() < deadline) {
        const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`).catch(() => undefined);
        if (res?.ok) {
          const body = (await res.json()) as { data: { result: unknown[] } };
          last = JSON.stringify(body.data.result).slice(0, 300);
          if (body.data.result.length >= (o.minSeries ?? 1)) return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`Prometheus never returned ${o.minSeries ?? 1} series for ${promql}; last: ${last}\n${log()}`);
    },
    async stop() {
      await kill(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
