import { describe, expect, it } from 'vitest';
import type { JWTPayload } from 'jose';
import type { SignOptions } from '@killswitch/testing';
import { CLIENT_ID, endpoint, GTR_CLIENT, withIdpHarness, states, type IdpHarness } from '../src/idp-harness.ts';

let h: IdpHarness;

const GTR = () => endpoint('acme', 'global-token-revocation');
const ALL = ['a-at-laptop', 'a-rt-online', 'a-rt-offline', 'a-at-agent', 'a-at-phone', 'b-at'];

async function gtr(body: unknown, authorization: string | null, contentType = 'application/json') {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (authorization !== null) headers.authorization = authorization;
  return h.ledger.raw('POST', '/idp/acme/global-token-revocation', typeof body === 'string' ? body : JSON.stringify(body), headers);
}
const bearer = async (extra: JWTPayload = {}, options: SignOptions = {}) =>
  `Bearer ${await h.idp.sign(h.idp.gtrCredential(GTR(), CLIENT_ID, extra), { typ: 'global-token-revocation+jwt', ...options })}`;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('Global Token Revocation', () => {
  withIdpHarness((harness) => (h = harness));
  it('a signed bearer JWT (Okta profile) and an iss_sub subject: 204, everything of the user revoked incl. offline grants', async () => {
    const response = await gtr({ sub_id: { format: 'iss_sub', iss: h.idp.issuer, sub: 'u-alice' } }, await bearer());
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(await states(h.ledger, { tokens: ALL })).toEqual({
      'a-at-laptop': false,
      'a-rt-online': false,
      'a-rt-offline': false,
      'a-at-agent': false,
      'a-at-phone': false,
      'b-at': true,
    });
  });

  it('client credentials, an email subject and the legacy `subject` member', async () => {
    expect((await gtr({ subject: { format: 'email', email: 'bob@example.com' } }, basic(GTR_CLIENT.id, GTR_CLIENT.secret))).status).toBe(
      204,
    );
    expect(await states(h.ledger, { tokens: ['b-at', 'a-at-phone'] })).toEqual({ 'b-at': false, 'a-at-phone': true });
    // Repeating the request is idempotent.
    expect((await gtr({ subject: { format: 'email', email: 'bob@example.com' } }, basic(GTR_CLIENT.id, GTR_CLIENT.secret))).status).toBe(
      204,
    );
  });

  it('an opaque subject is the RP’s own user id; a user of another tenant is not found', async () => {
    expect((await gtr({ sub_id: { format: 'opaque', id: 'alice' } }, await bearer())).status).toBe(204);
    const head = await h.head();
    // u-alice exists in tenant "other" under that IdP's issuer, never under acme's.
    expect((await gtr({ sub_id: { format: 'iss_sub', iss: h.otherIdp.issuer, sub: 'u-alice' } }, await bearer())).status).toBe(404);
    expect(await h.head()).toBe(head);
  });
});

describe('Global Token Revocation: refused requests (one ledger; each must leave it unchanged)', () => {
  withIdpHarness((harness) => (h = harness), 'shared');
  const cases: Array<[string, number, () => Promise<{ status: number }>]> = [
    ['no Authorization', 401, async () => gtr({ sub_id: { format: 'opaque', id: 'alice' } }, null)],
    ['wrong client secret', 401, async () => gtr({ sub_id: { format: 'opaque', id: 'alice' } }, basic(GTR_CLIENT.id, 'guess'))],
    ['bad signature', 401, async () => gtr({ sub_id: { format: 'opaque', id: 'alice' } }, await bearer({}, { rogue: true }))],
    ['alg none', 401, async () => gtr({ sub_id: { format: 'opaque', id: 'alice' } }, await bearer({}, { alg: 'none' }))],
    ['wrong typ', 401, async () => gtr({ sub_id: { format: 'opaque', id: 'alice' } }, await bearer({}, { typ: 'JWT' }))],
    [
      'wrong aud',
      401,
      async () => gtr({ sub_id: { format: 'opaque', id: 'alice' } }, await bearer({ aud: endpoint('other', 'global-token-revocation') })),
    ],
    ['wrong sub (another app)', 401, async () => gtr({ sub_id: { format: 'opaque', id: 'alice' } }, await bearer({ sub: 'another-app' }))],
    [
      'expired',
      401,
      async () => gtr({ sub_id: { format: 'opaque', id: 'alice' } }, await bearer({ exp: h.idp.now() - 120, iat: h.idp.now() - 200 })),
    ],
    ['not yet valid', 401, async () => gtr({ sub_id: { format: 'opaque', id: 'alice' } }, await bearer({ nbf: h.idp.now() + 600 }))],
    ['missing jti', 401, async () => gtr({ sub_id: { format: 'opaque', id: 'alice' } }, await bearer({ jti: undefined }))],
    [
      'another tenant’s IdP',
      401,
      async () =>
        gtr(
          { sub_id: { format: 'opaque', id: 'alice' } },
          `Bearer ${await h.otherIdp.sign(h.otherIdp.gtrCredential(GTR(), CLIENT_ID), { typ: 'global-token-revocation+jwt' })}`,
        ),
    ],
    ['missing sub_id', 400, async () => gtr({ user: 'alice' }, await bearer())],
    ['unsupported format', 400, async () => gtr({ sub_id: { format: 'shoe_size', size: 44 } }, await bearer())],
    ['malformed JSON', 400, async () => gtr('{"sub_id":', await bearer())],
    ['wrong content type (authenticated)', 400, async () => gtr('sub_id=alice', await bearer(), 'application/x-www-form-urlencoded')],
    ['oversized body', 413, async () => gtr({ sub_id: { format: 'opaque', id: 'a'.repeat(100_000) } }, await bearer())],
    ['unknown user', 404, async () => gtr({ sub_id: { format: 'email', email: 'nobody@example.com' } }, await bearer())],
  ];
  for (const [name, status, run] of cases) {
    it(`${name} → ${status}`, async () => {
      const head = await h.head();
      expect((await run()).status).toBe(status);
      expect(await h.head()).toBe(head);
      expect((await states(h.ledger, { tokens: ['a-rt-offline'] }))['a-rt-offline']).toBe(true);
    });
  }
});

describe('Global Token Revocation: replays', () => {
  withIdpHarness((harness) => (h = harness));
  it('a replayed bearer JWT is refused (401) and applied once', async () => {
    const credential = await bearer();
    expect((await gtr({ sub_id: { format: 'opaque', id: 'bob' } }, credential)).status).toBe(204);
    const head = await h.head();
    expect((await gtr({ sub_id: { format: 'opaque', id: 'bob' } }, credential)).status).toBe(401);
    expect(await h.head()).toBe(head);
  });
});

async function logout(token: string, contentType = 'application/x-www-form-urlencoded') {
  return h.ledger.raw('POST', '/idp/acme/backchannel-logout', new URLSearchParams({ logout_token: token }).toString(), {
    'content-type': contentType,
  });
}
const logoutToken = (claims: JWTPayload, options: SignOptions = {}) =>
  h.idp.sign(h.idp.logout(CLIENT_ID, claims), { typ: 'logout+jwt', ...options });

describe('OIDC Back-Channel Logout', () => {
  withIdpHarness((harness) => (h = harness));
  it('with sid: Session Invalidation of that RP session; its online refresh tokens go, offline ones and access tokens stay', async () => {
    const response = await logout(await logoutToken({ sub: 'u-alice', sid: 'sid-A' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await states(h.ledger, { sessions: ['a-laptop', 'a-phone'], tokens: ['a-rt-online', 'a-rt-offline', 'a-at-agent'] })).toEqual({
      'a-laptop': false,
      'a-phone': true,
      'a-rt-online': false,
      'a-rt-offline': true,
      'a-at-agent': true,
    });
  });

  it('with sub only: every session of the user at this RP', async () => {
    expect((await logout(await logoutToken({ sub: 'u-alice' }, { alg: 'ES256', typ: null }))).status).toBe(200);
    expect(await states(h.ledger, { sessions: ['a-laptop', 'a-phone', 'b-laptop'] })).toEqual({
      'a-laptop': false,
      'a-phone': false,
      'b-laptop': true,
    });
  });

  it('an unknown session is a successful logout', async () => {
    expect((await logout(await logoutToken({ sid: 'sid-unknown' }))).status).toBe(200);
  });
});

describe('OIDC Back-Channel Logout: refused logout tokens (one ledger; each must leave it unchanged)', () => {
  withIdpHarness((harness) => (h = harness), 'shared');
  const event = { 'http://schemas.openid.net/event/backchannel-logout': {} };
  const cases: Array<[string, () => Promise<{ status: number; body: any }>]> = [
    ['bad signature', async () => logout(await logoutToken({ sid: 'sid-A' }, { rogue: true }))],
    ['alg none', async () => logout(await logoutToken({ sid: 'sid-A' }, { alg: 'none' }))],
    ['explicit wrong typ', async () => logout(await logoutToken({ sid: 'sid-A' }, { typ: 'secevent+jwt' }))],
    ['wrong aud', async () => logout(await logoutToken({ sid: 'sid-A', aud: 'another-client' }))],
    ['unknown iss', async () => logout(await logoutToken({ sid: 'sid-A', iss: 'https://evil.example' }))],
    ['expired', async () => logout(await logoutToken({ sid: 'sid-A', iat: h.idp.now() - 300, exp: h.idp.now() - 200 }))],
    ['missing exp (errata set 1)', async () => logout(await logoutToken({ sid: 'sid-A', exp: undefined }))],
    ['missing sub and sid', async () => logout(await logoutToken({}))],
    ['nonce (forbidden)', async () => logout(await logoutToken({ sid: 'sid-A', nonce: 'n' }))],
    [
      'events without the logout member',
      async () => logout(await logoutToken({ sid: 'sid-A', events: { 'https://example.com/other': {} } })),
    ],
    [
      'logout event not an object',
      async () => logout(await logoutToken({ sid: 'sid-A', events: { 'http://schemas.openid.net/event/backchannel-logout': 'yes' } })),
    ],
    [
      'missing logout_token',
      async () => h.ledger.raw('POST', '/idp/acme/backchannel-logout', 'x=1', { 'content-type': 'application/x-www-form-urlencoded' }),
    ],
    ['truncated JWT', async () => logout((await logoutToken({ sid: 'sid-A', events: event })).slice(0, 50))],
  ];
  for (const [name, run] of cases) {
    it(`${name} → 400 invalid_request`, async () => {
      const head = await h.head();
      const response = await run();
      expect({ status: response.status, error: response.body?.error }).toEqual({ status: 400, error: 'invalid_request' });
      expect(await h.head()).toBe(head);
    });
  }
});

describe('OIDC Back-Channel Logout: replays', () => {
  withIdpHarness((harness) => (h = harness));
  it('a replayed logout token is refused and applied once; a wrong content type is 400 invalid_request', async () => {
    const token = await logoutToken({ sid: 'sid-A' });
    expect((await logout(token)).status).toBe(200);
    const head = await h.head();
    expect((await logout(token)).status).toBe(400);
    expect(await h.head()).toBe(head);
    expect((await logout(token, 'application/json')).status).toBe(400);
  });
});
