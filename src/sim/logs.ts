/**
 * Synthetic container logs, derived from the pod's status and the seed alone (nothing is stored): an
 * nginx-style start banner and access log for nginx images, a generic app log otherwise, and a crash
 * line at the end of an instance that exited with an error. `previous` gives the last terminated
 * instance. Without tailLines/sinceSeconds only the newest 1,000 lines are produced, to keep a
 * week-old container's log request cheap.
 */
import type { Clock } from '../base/clock.js';
import { isoSeconds } from './controllers/context.js';
import { noise } from '../base/random.js';
import { R } from './resources.js';
import type { ObjectStore } from './store.js';
import type { PodLogOptions } from './api/providers.js';

const DEFAULT_MAX_LINES = 1000;
const PATHS = [
  '/',
  '/index.html',
  '/api/v1/items',
  '/api/v1/items/42',
  '/healthz',
  '/static/app.js',
  '/static/style.css',
  '/favicon.ico',
  '/login',
  '/api/v1/orders',
];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.5.0', 'kube-probe/1.31', 'Go-http-client/1.1', 'python-requests/2.32.3'];

interface Instance {
  startedAt: number;
  /** Exclusive end: finishedAt for a terminated instance, now for a running one. */
  end: number;
  exit?: { exitCode: number; reason: string };
}

export function createLogProvider(store: ObjectStore, clock: Clock, seed: number) {
  return function podLogs(namespace: string, name: string, opts: PodLogOptions): string | undefined {
    const pod = store.get(R.pods, namespace, name);
    if (!pod) return undefined;
    const specs = (pod.spec?.containers ?? []) as { name: string; image?: string }[];
    const container = opts.container ?? specs[0]?.name;
    const spec = specs.find((c) => c.name === container);
    if (!spec) return undefined;
    const status = ((pod.status?.containerStatuses ?? []) as Record<string, any>[]).find((c) => c.name === container);
    const now = clock.now();
    let inst: Instance | undefined;
    if (opts.previous) {
      const t = status?.lastState?.terminated;
      if (!t) return undefined;
      inst = { startedAt: Date.parse(t.startedAt), end: Date.parse(t.finishedAt), exit: { exitCode: t.exitCode, reason: t.reason } };
    } else if (status?.state?.running) {
      inst = { startedAt: Date.parse(status.state.running.startedAt), end: now };
    } else if (status?.state?.terminated) {
      const t = status.state.terminated;
      inst = { startedAt: Date.parse(t.startedAt), end: Date.parse(t.finishedAt), exit: { exitCode: t.exitCode, reason: t.reason } };
    } else if (status?.lastState?.terminated) {
      // Waiting to restart (CrashLoopBackOff): like kubectl, show what the last instance wrote.
      const t = status.lastState.terminated;
      inst = { startedAt: Date.parse(t.startedAt), end: Date.parse(t.finishedAt), exit: { exitCode: t.exitCode, reason: t.reason } };
    }
    if (!inst) return '';
    const lines = instanceLines(seed, pod.metadata.uid ?? name, container!, spec.image ?? '', inst, opts, now);
    return lines.length ? `${lines.join('\n')}\n` : '';
  };
}

function instanceLines(seed: number, uid: string, container: string, image: string, inst: Instance, opts: PodLogOptions, now: number): string[] {
  const nginx = /(^|\/)nginx(:|@|$)/.test(image);
  const key = `${uid}/${container}/${inst.startedAt}`;
  const interval = 2000 + Math.floor(noise(seed, key, 'interval') * 4000);
  const out: { t: number; text: string }[] = [];
  const banner = nginx
    ? nginxBanner(inst.startedAt)
    : [`${isoSeconds(inst.startedAt)} INFO starting ${container}`, `${isoSeconds(inst.startedAt)} INFO listening on :8080`];
  for (const text of banner) out.push({ t: inst.startedAt, text });

  const first = inst.startedAt + interval;
  const total = Math.max(0, Math.floor((inst.end - 1 - first) / interval) + 1);
  let from = 0;
  const since = opts.sinceSeconds !== undefined ? now - opts.sinceSeconds * 1000 : undefined;
  if (since !== undefined && since > first) from = Math.ceil((since - first) / interval);
  const cap = opts.tailLines ?? (since === undefined ? DEFAULT_MAX_LINES : Infinity);
  from = Math.max(from, total - cap - 2);
  for (let i = Math.max(0, from); i < total; i++) {
    const t = first + i * interval;
    out.push({ t, text: nginx ? accessLine(seed, key, i, t) : appLine(seed, key, i, t) });
  }
  if (inst.exit && inst.exit.reason !== 'Completed' && inst.exit.reason !== 'OOMKilled' && inst.exit.exitCode !== 0) {
    out.push({
      t: inst.end,
      text: nginx
        ? `${nginxTime(inst.end)} [emerg] 1#1: worker process exited unexpectedly, shutting down (exit code ${inst.exit.exitCode})`
        : `${isoSeconds(inst.end)} FATAL unrecoverable error, exiting with code ${inst.exit.exitCode}`,
    });
  }
  let lines = out;
  if (since !== undefined) lines = lines.filter((l) => l.t >= since);
  if (opts.tailLines !== undefined) lines = opts.tailLines <= 0 ? [] : lines.slice(-opts.tailLines);
  else if (since === undefined) lines = lines.slice(-DEFAULT_MAX_LINES);
  return lines.map((l) => (opts.timestamps ? `${new Date(l.t).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ${l.text}` : l.text));
}

function nginxTime(t: number): string {
  return isoSeconds(t).replace('T', ' ').replace('Z', '').replace(/-/g, '/');
}

function nginxBanner(t: number): string[] {
  const ts = nginxTime(t);
  return [
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
    '/docker-entrypoint.sh: Configuration complete; ready for start up',
    `${ts} [notice] 1#1: using the "epoll" event method`,
    `${ts} [notice] 1#1: nginx/1.27.0`,
    `${ts} [notice] 1#1: start worker processes`,
  ];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function accessLine(seed: number, key: string, i: number, t: number): string {
  const r = (label: string): number => noise(seed, key, i, label);
  const d = new Date(t);
  const stamp = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
  const ip = `10.244.${Math.floor(r('a') * 8)}.${2 + Math.floor(r('b') * 250)}`;
  const path = PATHS[Math.floor(r('p') * PATHS.length)]!;
  const roll = r('s');
  const status = roll < 0.9 ? 200 : roll < 0.95 ? 304 : roll < 0.985 ? 404 : 500;
  const bytes = status === 200 ? 200 + Math.floor(r('n') * 9000) : status === 304 ? 0 : 153;
  const agent = AGENTS[Math.floor(r('u') * AGENTS.length)]!;
  return `${ip} - - [${stamp}] "GET ${path} HTTP/1.1" ${status} ${bytes} "-" "${agent}" "-"`;
}

function appLine(seed: number, key: string, i: number, t: number): string {
  const r = (label: string): number => noise(seed, key, i, label);
  const path = PATHS[Math.floor(r('p') * PATHS.length)]!;
  const status = r('s') < 0.97 ? 200 : 500;
  const ms = 2 + Math.floor(r('d') * 120);
  return `${isoSeconds(t)} ${status === 200 ? 'INFO' : 'ERROR'} GET ${path} ${status} ${ms}ms`;
}
