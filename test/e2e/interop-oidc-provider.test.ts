import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { startTestLedger, type TestLedger } from '../src/test-ledger.ts';

/**
 * Interoperability with an implementation nobody here wrote: the certified `oidc-provider`
 * runs as a real OpenID Provider with back-channel logout. A user logs in twice (two
 * browsers); the RP records both sessions in the ledger; the user ends one session at the
 * provider; the provider's own logout token must reach our endpoint and end that session only.
 */
const CLIENT = { id: 'rp-client-1', secret: 'rp-client-secret-rp-client-secret' };
const REDIRECT = 'http://127.0.0.1:9/cb';

let ledger: TestLedger;
let server: Server;
let issuer: string;
let provider: InstanceType<typeof Provider>;

/** A browser: a cookie jar and manual redirects. */
class Browser {
  private readonly cookies = new Map<string, string>();
  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = (pair as string).split('=');
      this.cookies.set(name as string, value.join('='));
    }
    return response;
  }
}

/** Drives the provider's own interaction pages (login, then consent) until the code comes back. */
async function login(browser: Browser, user: string): Promise<{ idToken: string; sid: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = `${issuer}/auth?${new URLSearchParams({ client_id: CLIENT.id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 's', nonce: 'n' })}`;
  let response = await browser.go(authorize);
  for (let step = 0; step < 12; step++) {
    const location = response.headers.get('location');
    if (location?.startsWith(REDIRECT)) {
      const code = new URL(location).searchParams.get('code') as string;
      const token = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }),
      });
      const { id_token: idToken } = (await token.json()) as { id_token: string };
      return { idToken, sid: decodeJwt(idToken).sid as string };
    }
    if (location) {
      response = await browser.go(new URL(location, issuer).toString());
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on the provider's page: ${html.slice(0, 200)}`);
    const fields = new URLSearchParams();
    for (const [input] of html.matchAll(/<input[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(input)?.[1];
      if (name) fields.set(name, /value="([^"]*)"/.exec(input)?.[1] ?? '');
    }
    if (fields.has('login')) fields.set('login', user);
    if (fields.has('password')) fields.set('password', 'any');
    response = await browser.go(new URL(action, issuer).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields,
    });
  }
  throw new Error('login did not complete');
}

/** RP-initiated logout at the provider, confirming its logout prompt. */
async function logoutAtProvider(browser: Browser, idToken: string): Promise<void> {
  let response = await browser.go(`${issuer}/session/end?${new URLSearchParams({ id_token_hint: idToken, client_id: CLIENT.id })}`);
  const html = await response.text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  if (!xsrf) throw new Error('no logout confirmation form');
  response = await browser.go(`${issuer}/session/end/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }),
  });
  expect(response.status).toBeLessThan(400);
}

beforeAll(async () => {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ledger = await startTestLedger({
    tenantExtras: { acme: { idps: [{ issuer, jwksUri: `${issuer}/jwks`, algorithms: ['RS256'], clientId: CLIENT.id }] } },
  });
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [REDIRECT],
        post_logout_redirect_uris: [],
        backchannel_logout_uri: `${ledger.url}/idp/acme/backchannel-logout`,
        backchannel_logout_session_required: true,
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'interop-1', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['interop-cookie-key-interop-cookie-key'] },
    features: { backchannelLogout: { enabled: true }, devInteractions: { enabled: true } },
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    // The provider refuses loopback targets (SSRF protection); this test's RP lives on loopback.
    fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) => {
      const { dispatcher: _ssrfGuard, ...rest } = options;
      return fetch(url, rest);
    },
  } as never);
  provider.on('server_error', (_ctx: unknown, error: Error) => console.error('provider error:', error));
  provider.on('backchannel.error', (...args: unknown[]) => console.error('backchannel error:', args[1]));
  handler = provider.callback() as never;
}, 60_000);

afterAll(async () => {
  await ledger?.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

describe('interoperability: oidc-provider back-channel logout', () => {
  it("the provider's own logout token invalidates the matching session, and only it", async () => {
    const laptop = new Browser();
    const phone = new Browser();
    const first = await login(laptop, 'alice');
    const second = await login(phone, 'alice');
    expect(first.sid).not.toBe(second.sid);
    const now = Date.now();
    const recorded = await ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: [
        {
          type: 'session.started',
          sessionId: 'rp-laptop',
          userId: 'alice',
          idpIssuer: issuer,
          idpSubject: 'alice',
          idpSid: first.sid,
          startedAt: now,
        },
        {
          type: 'session.started',
          sessionId: 'rp-phone',
          userId: 'alice',
          idpIssuer: issuer,
          idpSubject: 'alice',
          idpSid: second.sid,
          startedAt: now,
        },
        { type: 'grant.issued', grantId: 'laptop-refresh', sessionId: 'rp-laptop', clientId: CLIENT.id, issuedAt: now },
        {
          type: 'token.minted',
          kind: 'refresh',
          format: 'reference',
          tokenId: 'rt-laptop',
          grantId: 'laptop-refresh',
          issuedAt: now,
          expiresAt: now + 86_400_000,
        },
      ],
    });
    expect(recorded.status).toBe(200);

    await logoutAtProvider(laptop, first.idToken);

    const check = async (sessionId: string) => (await ledger.call('POST', '/v1/tenants/acme/check', { sessionId })).body.active as boolean;
    const started = Date.now();
    while ((await check('rp-laptop')) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(await check('rp-laptop')).toBe(false);
    expect(await check('rp-phone')).toBe(true);
    expect((await ledger.call('POST', '/v1/tenants/acme/check', { tokenId: 'rt-laptop' })).body.active).toBe(false); // non-offline refresh token of the session
    const audit = await ledger.call('GET', '/v1/tenants/acme/audit');
    expect(audit.body.entries).toHaveLength(1);
    expect(audit.body.entries[0]).toMatchObject({
      source: 'BACKCHANNEL_LOGOUT',
      scope: 'SESSION_INVALIDATION',
      issuer,
      target: { type: 'SESSION', id: 'rp-laptop' },
    });
  }, 60_000);
});
