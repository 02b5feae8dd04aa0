/**
 * /healthz and /readyz. Liveness answers from memory alone: no store, no cluster, no await on anything
 * that can stall (a SQLite lock held by another process must not make the process look dead).
 * Readiness runs each named check with a deadline and reports every one, so /readyz never hangs.
 */
import { Hono } from 'hono';

/** A check resolves (or returns) when fine and throws with the reason when not. */
export type ReadinessCheck = () => void | Promise<void>;

export interface CheckResult {
  ok: boolean;
  /** the reason when not ok */
  error?: string;
  ms: number;
}

export async function runCheck(check: ReadinessCheck, timeoutMs: number, now: () => number = Date.now): Promise<CheckResult> {
  const start = now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(check), deadline]);
    return { ok: true, ms: now() - start };
  } catch (err) {
    return { ok: false, error: (err as Error)?.message ?? String(err), ms: now() - start };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(opts: { checks: Record<string, ReadinessCheck>; timeoutMs: number }): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' }));
  app.get('/readyz', async (c) => {
    const names = Object.keys(opts.checks);
    const results = await Promise.all(names.map((n) => runCheck(opts.checks[n]!, opts.timeoutMs)));
    const checks = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
    const ok = results.every((r) => r.ok);
    return c.json({ status: ok ? 'ready' : 'not ready', checks }, ok ? 200 : 503, { 'Cache-Control': 'no-store' });
  });
  return app;
}
