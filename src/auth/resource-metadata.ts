/**
 * RFC 9728 protected resource metadata and the RFC 6750 `WWW-Authenticate` challenges that point to it, as
 * the MCP authorization spec asks: a client that gets 401 reads `resource_metadata`, finds the authorization
 * server there, and asks it for a token whose audience is `resource`.
 */
import { SCOPES } from './scopes.js';

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: string[];
  resource_name: string;
}

export const METADATA_PATH = '/.well-known/oauth-protected-resource';

export function protectedResourceMetadata(resource: string, issuer: string): ProtectedResourceMetadata {
  return {
    resource,
    authorization_servers: [issuer],
    scopes_supported: [...SCOPES],
    // Tokens in a query string or form body end up in logs and histories: the header only.
    bearer_methods_supported: ['header'],
    resource_name: 'SentinelOps MCP',
  };
}

/** RFC 9728 §3.1: the well-known path with the resource's own path appended (`/mcp` → `/.well-known/oauth-protected-resource/mcp`). */
export function metadataUrlOf(resource: string): string {
  const u = new URL(resource);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  return `${u.origin}${METADATA_PATH}${path}`;
}

export interface Challenge {
  resourceMetadata: string;
  error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request';
  description?: string;
  scope?: string;
}

/** `Bearer error="…", error_description="…", scope="…", resource_metadata="…"` (quoted-string safe). */
export function challengeHeader(c: Challenge): string {
  const q = (v: string) => `"${v.replace(/["\\]/g, "'")}"`;
  const params: string[] = [];
  if (c.error) params.push(`error=${q(c.error)}`);
  if (c.description) params.push(`error_description=${q(c.description)}`);
  if (c.scope) params.push(`scope=${q(c.scope)}`);
  params.push(`resource_metadata=${q(c.resourceMetadata)}`);
  return `Bearer ${params.join(', ')}`;
}
