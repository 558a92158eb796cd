import { accounts as accountsProjection } from '@killswitch/projections';
import { describe, expect, it } from 'vitest';
import type { JWTPayload } from 'jose';
import type { SignOptions } from '@killswitch/testing';
import { endpoint, IDP_TENANT, PUSH_AUTHORIZATION, withIdpHarness, states, type IdpHarness } from '../src/idp-harness.ts';

const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
const AUD = endpoint('acme', 'ssf');
const ALICE_TOKENS = ['a-at-laptop', 'a-rt-online', 'a-rt-offline', 'a-at-agent', 'a-at-phone'];

let h: IdpHarness;

const aliceIssSub = () => ({ format: 'iss_sub', iss: h.idp.issuer, sub: 'u-alice' });

async function push(token: string, headers: Record<string, string> = {}) {
  return h.ledger.raw('POST', '/idp/acme/ssf/events', token, {
    'content-type': 'application/secevent+jwt',
    authorization: PUSH_AUTHORIZATION,
    ...headers,
  });
}

async function pushSet(claims: JWTPayload, options: SignOptions = {}) {
  return push(await h.idp.sign(claims, { typ: 'secevent+jwt', ...options }));
}

const tokens = () => states(h.ledger, { tokens: [...ALICE_TOKENS, 'b-at'], sessions: ['a-laptop', 'a-phone', 'b-laptop'] });

describe('SSF push: valid events apply the default scope', () => {
  withIdpHarness((harness) => (h = harness));
  it('CAEP session-revoked naming one IdP session (complex subject, RS256) revokes the RP session derived from it', async () => {
    const set = h.idp.set(
      AUD,
      { format: 'complex', user: aliceIssSub(), session: { format: 'opaque', id: 'sid-A' }, tenant: { format: 'opaque', id: IDP_TENANT } },
      `${CAEP}session-revoked`,
      {
        initiating_entity: 'admin',
        reason_admin: { en: 'Helpdesk ticket 4411: lost laptop' },
        event_timestamp: h.idp.now() - 5,
      },
    );
    const response = await pushSet(set);
    expect(response.status).toBe(202);
    expect(response.text).toBe('');
    expect(await tokens()).toEqual({
      'a-at-laptop': false,
      'a-rt-online': false,
      'a-rt-offline': false,
      'a-at-agent': false,
      'a-at-phone': true,
      'b-at': true,
      'a-laptop': false,
      'a-phone': true,
      'b-laptop': true,
    });
    const audit = await h.ledger.call('GET', '/v1/tenants/acme/audit');
    expect(audit.body.entries[0]).toMatchObject({
      source: 'SSF',
      scope: 'SESSION_SCOPED_REVOCATION',
      reason: 'Helpdesk ticket 4411: lost laptop',
      issuer: h.idp.issuer,
      messageId: set.jti,
    });
    expect(audit.body.entries[0].messageDigest).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('CAEP session-revoked naming only the user (email, ES256) revokes every session of the user', async () => {
    const response = await pushSet(h.idp.set(AUD, { format: 'email', email: 'alice@example.com' }, `${CAEP}session-revoked`), {
      alg: 'ES256',
    });
    expect(response.status).toBe(202);
    const result = await tokens();
    for (const id of ALICE_TOKENS) expect(result[id], id).toBe(false);
    expect(result['b-at']).toBe(true);
  });

  it('CAEP credential-change (revoke) forces re-authentication: sessions end, tokens survive', async () => {
    const response = await pushSet(
      h.idp.set(AUD, aliceIssSub(), `${CAEP}credential-change`, { credential_type: 'password', change_type: 'revoke' }),
    );
    expect(response.status).toBe(202);
    const result = await tokens();
    expect([result['a-laptop'], result['a-phone'], result['b-laptop']]).toEqual([false, false, true]);
    for (const id of ALICE_TOKENS) expect(result[id], id).toBe(true);
  });

  it('CAEP assurance-level-change (decrease) invalidates sessions; an increase changes nothing', async () => {
    const head = await h.head();
    await pushSet(
      h.idp.set(AUD, aliceIssSub(), `${CAEP}assurance-level-change`, {
        namespace: 'NIST-AAL',
        current_level: 'nist-aal2',
        previous_level: 'nist-aal1',
        change_direction: 'increase',
      }),
    );
    expect((await tokens())['a-laptop']).toBe(true);
    expect(await h.head()).toBe(head + 1); // only the message record
    await pushSet(
      h.idp.set(AUD, aliceIssSub(), `${CAEP}assurance-level-change`, {
        namespace: 'NIST-AAL',
        current_level: 'nist-aal1',
        previous_level: 'nist-aal2',
        change_direction: 'decrease',
      }),
    );
    expect((await tokens())['a-laptop']).toBe(false);
  });

  it('CAEP device-compliance-change to not-compliant revokes that device only', async () => {
    const subject = { format: 'complex', user: aliceIssSub(), device: { format: 'opaque', id: 'phone' } };
    await pushSet(
      h.idp.set(AUD, subject, `${CAEP}device-compliance-change`, { previous_status: 'compliant', current_status: 'not-compliant' }),
    );
    const result = await tokens();
    expect([result['a-at-phone'], result['a-phone'], result['a-at-laptop'], result['a-laptop']]).toEqual([false, false, true, true]);
  });

  it('RISC account-disabled (phone_number) and credential-compromise (aliases) are Global Revocation', async () => {
    await pushSet(
      h.idp.set(AUD, { format: 'phone_number', phone_number: '+12065550100' }, `${RISC}account-disabled`, { reason: 'hijacking' }),
    );
    for (const [id, active] of Object.entries(await tokens())) expect(active, id).toBe(id.startsWith('b-'));
    const response = await pushSet(
      h.idp.set(
        AUD,
        {
          format: 'aliases',
          identifiers: [
            { format: 'email', email: 'nobody@example.com' },
            { format: 'iss_sub', iss: h.idp.issuer, sub: 'u-bob' },
          ],
        },
        `${RISC}credential-compromise`,
        { credential_type: 'password' },
      ),
    );
    expect(response.status).toBe(202);
    expect((await tokens())['b-at']).toBe(false);
  });

  it('RISC sessions-revoked (deprecated) revokes every session of the user', async () => {
    await pushSet(h.idp.set(AUD, { format: 'account', uri: 'acct:alice@example.com' }, `${RISC}sessions-revoked`));
    expect((await tokens())['a-at-phone']).toBe(false);
  });
});

describe('SSF push: a tenant policy', () => {
  const scopePolicy = { 'caep.credential-change': 'GLOBAL_REVOCATION', 'caep.session-revoked': 'NONE' };
  withIdpHarness((harness) => (h = harness), 'each', { scopePolicy });
  it('can override the default scope (credential-change → Global Revocation)', async () => {
    await pushSet(h.idp.set(AUD, aliceIssSub(), `${CAEP}session-revoked`));
    expect((await tokens())['a-at-laptop']).toBe(true);
    await pushSet(h.idp.set(AUD, aliceIssSub(), `${CAEP}credential-change`, { credential_type: 'password', change_type: 'delete' }));
    expect((await tokens())['a-rt-offline']).toBe(false);
  });
});

describe('SSF push: what ends nothing', () => {
  withIdpHarness((harness) => (h = harness));
  it('unknown event types, unknown users and informational events are acknowledged and end nothing', async () => {
    const before = await tokens();
    for (const set of [
      h.idp.set(AUD, aliceIssSub(), 'https://example.com/event-type/something-new', {}),
      h.idp.set(AUD, { format: 'email', email: 'stranger@example.com' }, `${CAEP}session-revoked`),
      h.idp.set(AUD, aliceIssSub(), `${CAEP}token-claims-change`, { claims: { role: 'viewer' } }),
      h.idp.set(AUD, aliceIssSub(), `${CAEP}session-established`, {}),
    ]) {
      expect((await pushSet(set)).status).toBe(202);
    }
    expect(await tokens()).toEqual(before);
    expect((await h.ledger.call('GET', '/v1/tenants/acme/audit')).body.total).toBe(0);
  });

  it('a replayed SET is recognised and applied once', async () => {
    const token = await h.idp.sign(h.idp.set(AUD, aliceIssSub(), `${RISC}account-purged`), { typ: 'secevent+jwt' });
    expect((await push(token)).status).toBe(202);
    const head = await h.head();
    expect((await push(token)).status).toBe(202);
    expect(await h.head()).toBe(head);
    // Once the in-memory replay window has let it go, the durable accounts still know it.
    await h.ledger.runtime.readModels.caughtUp(head);
    for (const accounts of h.ledger.runtime.host.state(accountsProjection).tenants.values()) accounts.messages.clear();
    expect((await push(token)).status).toBe(202);
    expect(await h.head()).toBe(head);
  });
});

describe('SSF push: invalid SETs get 400 {err, description} and append nothing', () => {
  withIdpHarness((harness) => (h = harness), 'shared');
  const valid = () => h.idp.set(AUD, aliceIssSub(), `${RISC}account-disabled`);
  const cases: Array<[string, number, string, () => Promise<{ status: number; body: any }>]> = [
    ['bad signature (unpublished key under a published kid)', 400, 'invalid_key', async () => push(await forgeWithKnownKid())],
    ['alg none', 400, 'invalid_key', async () => pushSet(valid(), { alg: 'none' })],
    ['HMAC against a published key', 400, 'invalid_key', async () => pushSet(valid(), { alg: 'HS256' })],
    ['unknown kid', 400, 'invalid_key', async () => pushSet(valid(), { rogue: true })],
    ['wrong typ', 400, 'invalid_request', async () => pushSet(valid(), { typ: 'JWT' })],
    ['missing typ', 400, 'invalid_request', async () => pushSet(valid(), { typ: null })],
    [
      'wrong iss (another tenant’s IdP)',
      400,
      'invalid_issuer',
      async () => push(await h.otherIdp.sign({ ...valid(), iss: h.otherIdp.issuer }, { typ: 'secevent+jwt' })),
    ],
    ['unregistered iss', 400, 'invalid_issuer', async () => pushSet({ ...valid(), iss: 'https://evil.example' })],
    ['wrong aud', 400, 'invalid_audience', async () => pushSet({ ...valid(), aud: endpoint('other', 'ssf') })],
    ['too old', 400, 'invalid_request', async () => pushSet({ ...valid(), iat: h.idp.now() - 3600 })],
    ['future iat', 400, 'invalid_request', async () => pushSet({ ...valid(), iat: h.idp.now() + 3600 })],
    ['forbidden exp', 400, 'invalid_request', async () => pushSet({ ...valid(), exp: h.idp.now() + 60 })],
    ['forbidden sub', 400, 'invalid_request', async () => pushSet({ ...valid(), sub: 'u-alice' })],
    ['missing jti', 400, 'invalid_request', async () => pushSet({ ...valid(), jti: undefined })],
    ['missing sub_id', 400, 'invalid_request', async () => pushSet({ ...valid(), sub_id: undefined })],
    [
      'two events in one SET',
      400,
      'invalid_request',
      async () => pushSet({ ...valid(), events: { [`${RISC}account-disabled`]: {}, [`${RISC}account-purged`]: {} } }),
    ],
    ['unknown subject format', 400, 'invalid_request', async () => pushSet({ ...valid(), sub_id: { format: 'shoe_size', size: 44 } })],
    [
      'event payload missing a required member',
      400,
      'invalid_request',
      async () => pushSet(h.idp.set(AUD, aliceIssSub(), `${CAEP}credential-change`, { credential_type: 'password' })),
    ],
    ['malformed body', 400, 'invalid_request', async () => push('not.a.jwt')],
    ['truncated JWT', 400, 'invalid_key', async () => push((await h.idp.sign(valid(), { typ: 'secevent+jwt' })).slice(0, -10))],
    [
      'missing Authorization',
      400,
      'authentication_failed',
      async () => push(await h.idp.sign(valid(), { typ: 'secevent+jwt' }), { authorization: '' }),
    ],
    [
      'incorrect Authorization',
      400,
      'authentication_failed',
      async () => push(await h.idp.sign(valid(), { typ: 'secevent+jwt' }), { authorization: 'Bearer guess' }),
    ],
    [
      'wrong content type',
      400,
      'invalid_request',
      async () => push(await h.idp.sign(valid(), { typ: 'secevent+jwt' }), { 'content-type': 'application/json' }),
    ],
    ['oversized body', 413, 'invalid_request', async () => push('a'.repeat(100 * 1024))],
  ];

  async function forgeWithKnownKid(): Promise<string> {
    // Signed by a key the IdP never published, under the kid of one it did.
    const published = await h.idp.sign({}, { alg: 'RS256' });
    const kid = JSON.parse(Buffer.from(published.split('.')[0] as string, 'base64url').toString()).kid as string;
    return h.idp.sign(valid(), { rogue: true, kid, typ: 'secevent+jwt' });
  }

  for (const [name, status, err, send] of cases) {
    it(`${name} → ${status} ${err}`, async () => {
      const head = await h.head();
      const response = await send();
      expect({ status: response.status, err: response.body?.err }).toEqual({ status, err });
      expect(typeof response.body.description).toBe('string');
      expect(await h.head()).toBe(head);
    });
  }
});
