/**
 * The generic webhook's signature: `X-SentinelOps-Signature: t=<unix seconds>,v1=<hex>` where hex is
 * HMAC-SHA256(secret, `${t}.${body}`). The timestamp is signed with the body, so a receiver that rejects
 * signatures older than its replay window (SIGNATURE_TOLERANCE_SECONDS by default) cannot be fed an old
 * message again; each delivery attempt is signed afresh.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-sentinelops-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver does (the README shows the same steps): parse, check the age, compare in constant time. */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): { ok: true } | { ok: false; reason: string } {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return { ok: false, reason: 'missing or malformed signature header' };
  const t = Number(m[1]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: 'timestamp outside the replay window' };
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(m[2]!);
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'signature does not match' };
}
