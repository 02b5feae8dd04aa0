/**
 * Who may talk to the HTTP server: Host and Origin checks against DNS rebinding and cross-site
 * requests, and the bearer token. Pure functions over header values, tested without sockets.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Host header without the port ("[::1]:8000" → "[::1]", "example.com:80" → "example.com"). */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon > 0 ? h.slice(0, colon) : h;
}

export interface HostPolicy {
  /** the address the server binds */
  bindHost: string;
  /** extra Host values, with or without port */
  allowedHosts: readonly string[];
}

export function hostAllowed(hostHeader: string | undefined, policy: HostPolicy): boolean {
  if (!hostHeader) return false;
  const value = hostHeader.trim().toLowerCase();
  const name = hostnameOf(value);
  if (isLoopbackHost(name)) return true;
  if (policy.allowedHosts.some((h) => h.toLowerCase() === value || h.toLowerCase() === name)) return true;
  if (name === policy.bindHost.toLowerCase()) return true;
  // Bound to every interface with no list: any name may reach us, and the required token is the guard.
  return (policy.bindHost === '0.0.0.0' || policy.bindHost === '::') && policy.allowedHosts.length === 0;
}

/** Requests without Origin are not from a browser page; browser origins must be loopback or listed. */
export function originAllowed(origin: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!.trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export class HttpConfigError extends Error {
  override readonly name = 'HttpConfigError';
}

/** The configured token: http.token (or SENTINELOPS_TOKEN through the config), else the token file. */
export function resolveToken(http: Config['http']): string | undefined {
  if (http.token) return http.token;
  if (!http.tokenFile) return undefined;
  let token: string;
  try {
    token = readFileSync(http.tokenFile, 'utf8').trim();
  } catch (err) {
    throw new HttpConfigError(`cannot read http.tokenFile ${http.tokenFile}: ${(err as Error).message}`);
  }
  if (token.length < 16) throw new HttpConfigError(`the token in ${http.tokenFile} is shorter than 16 characters`);
  return token;
}

/** The token to require (if any); throws when binding beyond loopback without one. */
export function checkHttpSecurity(http: Config['http']): string | undefined {
  const token = resolveToken(http);
  if (!isLoopbackHost(http.host) && !token) {
    throw new HttpConfigError(`refusing to listen on ${http.host} without a bearer token: set SENTINELOPS_TOKEN or http.tokenFile, or bind 127.0.0.1`);
  }
  return token;
}
