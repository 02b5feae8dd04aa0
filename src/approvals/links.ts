/**
 * Signed approve/reject links for a pending plan, carried by the approval_needed notification. A person
 * reading Slack has no bearer token; the link itself is the authority for exactly one decision on one
 * plan until it expires: `sig` = HMAC-SHA256(secret, `<plan id>\n<decision>\n<exp>`), base64url. Opening
 * the link (GET) only shows a confirmation page; the decision happens when that page POSTs back, so a
 * link preview bot fetching the URL decides nothing.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/schema.js';

export type LinkDecision = 'approve' | 'reject';

const processSecret = randomBytes(32);

function secretOf(config: Pick<Config, 'agent'>): Buffer {
  const s = config.agent.approval.linkSecret;
  return s ? Buffer.from(s, 'utf8') : processSecret;
}

function mac(secret: Buffer, id: number, decision: LinkDecision, exp: number): string {
  return createHmac('sha256', secret).update(`${id}\n${decision}\n${exp}`).digest('base64url');
}

/** Path (under the server root) of the signed link, with its query. */
export function signedPath(config: Pick<Config, 'agent'>, id: number, decision: LinkDecision, expiresAtMs: number): string {
  const exp = Math.floor(expiresAtMs / 1000);
  return `/api/v1/plans/${id}/signed/${decision}?exp=${exp}&sig=${mac(secretOf(config), id, decision, exp)}`;
}

/** Absolute links when notify.baseUrl is set (a link in Slack needs a host); none otherwise. */
export function planLinks(config: Pick<Config, 'agent' | 'notify'>, id: number, expiresAtMs: number): { approveUrl?: string; rejectUrl?: string } {
  const base = config.notify.baseUrl?.replace(/\/+$/, '');
  if (!base) return {};
  return { approveUrl: base + signedPath(config, id, 'approve', expiresAtMs), rejectUrl: base + signedPath(config, id, 'reject', expiresAtMs) };
}

export type LinkCheck = { ok: true } | { ok: false; status: 403 | 410; reason: string };

export function checkLink(
  config: Pick<Config, 'agent'>,
  id: number,
  decision: LinkDecision,
  exp: string | undefined,
  sig: string | undefined,
  nowMs: number,
): LinkCheck {
  if (!exp || !/^\d{1,12}$/.test(exp) || !sig || sig.length > 100)
    return { ok: false, status: 403, reason: 'the link is incomplete (exp and sig are required)' };
  const expected = Buffer.from(mac(secretOf(config), id, decision, Number(exp)));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, status: 403, reason: 'the link signature is not valid for this plan and decision (altered, or signed by another server)' };
  if (Number(exp) * 1000 <= nowMs) return { ok: false, status: 410, reason: 'the link has expired' };
  return { ok: true };
}
