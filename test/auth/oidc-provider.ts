/**
 * A real OpenID provider (oidc-provider, the certified Node.js implementation) on 127.0.0.1 for the identity
 * tests, and an MCP client's side of the authorization-code + PKCE flow against it, driven over HTTP: the
 * authorization request with a resource indicator (RFC 8707), the provider's login and consent interactions
 * (answered by this test's own interaction handler, as a login page would), the redirect with the code, and
 * the token request with the verifier. Access tokens are JWTs (RFC 9068) whose audience is the resource.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'mcp-test-client';
export const REDIRECT_URI = 'http://127.0.0.1/callback';
export const KID = 'test-key-1';

export interface TestProvider {
  issuer: string;
  /** the provider's signing key (private), to mint tokens the tests tamper with */
  privateJwk: JWK;
  /** runs the full flow as `user` and returns the access token for `resource` */
  accessToken(opts: { user: string; scope: string; resource: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startProvider(groupsOf: Record<string, string[]> = {}): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: KID, alg: 'RS256', use: 'sig' };
  let provider: Provider | undefined;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) void interaction(provider!, req, res);
    else provider!.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        // A public client (an MCP client on a laptop has no secret): PKCE is mandatory for it.
        token_endpoint_auth_method: 'none',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [privateJwk] },
    scopes: ['openid', 'read', 'operate', 'chaos', 'admin'],
    // Set, so the provider does not print a notice per artifact kind.
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    extraTokenClaims: async (_ctx: unknown, token: { accountId?: string }) => (token.accountId ? { groups: groupsOf[token.accountId] ?? [] } : {}),
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo: async (_ctx: unknown, resourceIndicator: string) => ({
          scope: 'read operate chaos admin',
          audience: resourceIndicator,
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });

  return {
    issuer,
    privateJwk,
    accessToken: (opts) => authorizationCodeFlow(issuer, opts),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The login page and consent screen, answered at once: the user named by login_hint, every scope asked for. */
async function interaction(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const details = await provider.interactionDetails(req, res);
    const accountId = details.session?.accountId ?? String(details.params.login_hint);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
}

/** What an MCP client does (RFC 6749 §4.1 + RFC 7636 + RFC 8707), with a cookie jar standing in for the browser. */
async function authorizationCodeFlow(issuer: string, opts: { user: string; scope: string; resource: string }): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('hex');
  const authorize = new URL('/auth', issuer);
  authorize.search = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: `openid ${opts.scope}`,
    resource: opts.resource,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    login_hint: opts.user,
  }).toString();

  const jar = new Map<string, string>();
  let url = authorize.href;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the authorization flow stopped at ${url} with HTTP ${res.status}: ${await res.text()}`);
    const next = new URL(location, url);
    if (next.href.startsWith(REDIRECT_URI)) {
      if (next.searchParams.get('state') !== state) throw new Error('state mismatch');
      const code = next.searchParams.get('code');
      if (!code) throw new Error(`no code in the redirect: ${next.search}`);
      const token = await fetch(new URL('/token', issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, code_verifier: verifier }),
      });
      const body = (await token.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token request failed: ${body.error}: ${body.error_description}`);
      return body.access_token;
    }
    url = next.href;
  }
  throw new Error('too many redirects in the authorization flow');
}
