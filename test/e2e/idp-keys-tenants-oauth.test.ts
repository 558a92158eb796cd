import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_ID, endpoint, RP_CLIENT, startIdpHarness, states, type IdpHarness } from '../src/idp-harness.ts';

const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
let h: IdpHarness;
afterEach(async () => h.close());

describe('key rotation', () => {
  beforeEach(async () => {
    h = await startIdpHarness({ extra: { jwksCooldownSeconds: 1 } });
  });

  it('the first message signed with a new key is accepted after one JWKS refresh; refreshes are rate-limited', async () => {
    const command = (sub: string) => h.idp.command(endpoint('acme', 'op/commands'), CLIENT_ID, 'tnt-acme', 'audit', { sub });
    const post = async (token: string) =>
      h.ledger.raw('POST', '/idp/acme/op/commands', new URLSearchParams({ command_token: token }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
      });
    expect((await post(await h.idp.sign(command('u-alice'), { typ: 'command+jwt' }))).status).toBe(200);
    const fetchesBefore = h.idp.jwksFetches.length;
    await h.idp.rotate();
    await new Promise((r) => setTimeout(r, 1100)); // rotations happen after the cooldown since the last fetch
    expect((await post(await h.idp.sign(command('u-alice'), { typ: 'command+jwt' }))).status).toBe(200);
    expect(h.idp.jwksFetches.length).toBe(fetchesBefore + 1);
    // A flood of unknown kids does not hammer the IdP's JWKS endpoint: a burst of
    // `jwksRefreshBurst` (3) refreshes, then one per cooldown (1 s here).
    const floodStarted = Date.now();
    for (let i = 0; i < 10; i++) {
      const response = await post(await h.idp.sign(command('u-alice'), { typ: 'command+jwt', rogue: true }));
      expect(response.status).toBe(400);
    }
    const refills = Math.ceil((Date.now() - floodStarted) / 1000);
    expect(h.idp.jwksFetches.length).toBeLessThanOrEqual(fetchesBefore + 3 + refills);
  });
});

describe('tenants are walls', () => {
  beforeEach(async () => {
    h = await startIdpHarness();
  });

  it("a valid message from tenant A's IdP naming a subject of tenant B changes nothing in B", async () => {
    const otherAlice = { format: 'iss_sub', iss: h.otherIdp.issuer, sub: 'u-alice' };
    // Signed by acme's IdP, addressed to acme, naming the other tenant's alice.
    const set = await h.idp.sign(h.idp.set(endpoint('acme', 'ssf'), otherAlice, `${RISC}account-disabled`), { typ: 'secevent+jwt' });
    const pushed = await h.ledger.raw('POST', '/idp/acme/ssf/events', set, {
      'content-type': 'application/secevent+jwt',
      authorization: 'Bearer push-secret-for-acme',
    });
    expect(pushed.status).toBe(202);
    // Addressed to the other tenant's endpoint: acme's IdP is not registered there.
    const set2 = await h.idp.sign(h.idp.set(endpoint('other', 'ssf'), { format: 'opaque', id: 'alice' }, `${RISC}account-disabled`), {
      typ: 'secevent+jwt',
    });
    const crossed = await h.ledger.raw('POST', '/idp/other/ssf/events', set2, { 'content-type': 'application/secevent+jwt' });
    expect({ status: crossed.status, err: crossed.body.err }).toEqual({ status: 400, err: 'invalid_issuer' });
    expect(await states(h.ledger, { tokens: ['o-at'], sessions: ['o-alice'] }, 'other', 'ks_test_other_admin')).toEqual({
      'o-at': true,
      'o-alice': true,
    });
    // And acme's own alice (same user id, different tenant) was not named either.
    expect((await states(h.ledger, { tokens: ['a-at-laptop'] }))['a-at-laptop']).toBe(true);
  });

  it('a complex subject naming another IdP tenant is not applied', async () => {
    const subject = {
      format: 'complex',
      user: { format: 'iss_sub', iss: h.idp.issuer, sub: 'u-alice' },
      tenant: { format: 'opaque', id: 'tnt-somewhere-else' },
    };
    const set = await h.idp.sign(h.idp.set(endpoint('acme', 'ssf'), subject, `${RISC}account-disabled`), { typ: 'secevent+jwt' });
    expect(
      (
        await h.ledger.raw('POST', '/idp/acme/ssf/events', set, {
          'content-type': 'application/secevent+jwt',
          authorization: 'Bearer push-secret-for-acme',
        })
      ).status,
    ).toBe(202);
    expect((await states(h.ledger, { tokens: ['a-at-laptop'] }))['a-at-laptop']).toBe(true);
  });
});

describe('RFC 7009 and refresh-token reuse (RFC 9700)', () => {
  beforeEach(async () => {
    h = await startIdpHarness();
  });
  const revoke = (token: string, auth: string | null, extra: Record<string, string> = {}) =>
    h.ledger.raw('POST', '/v1/tenants/acme/oauth/revoke', new URLSearchParams({ token, ...extra }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      ...(auth ? { authorization: auth } : {}),
    });
  const basic = `Basic ${Buffer.from(`${RP_CLIENT.id}:${RP_CLIENT.secret}`).toString('base64')}`;

  it('revoking a refresh token revokes its family and the access tokens of the grant; the session stays', async () => {
    const response = await revoke('a-rt-online', basic, { token_type_hint: 'refresh_token' });
    expect(response.status).toBe(200);
    expect(await states(h.ledger, { tokens: ['a-rt-online', 'a-at-laptop', 'a-rt-offline'], sessions: ['a-laptop'] })).toEqual({
      'a-rt-online': false,
      'a-at-laptop': false,
      'a-rt-offline': true,
      'a-laptop': true,
    });
  });

  it('an access token revokes only itself; unknown tokens answer 200; client_secret_post works', async () => {
    expect((await revoke('a-at-phone', null, { client_id: RP_CLIENT.id, client_secret: RP_CLIENT.secret })).status).toBe(200);
    expect(await states(h.ledger, { tokens: ['a-at-phone'], sessions: ['a-phone'] })).toEqual({ 'a-at-phone': false, 'a-phone': true });
    const head = await h.head();
    expect((await revoke('no-such-token', basic)).status).toBe(200);
    expect(await h.head()).toBe(head);
  });

  it('client authentication failures are 401 invalid_client and change nothing', async () => {
    const head = await h.head();
    const wrong = await revoke('a-rt-online', `Basic ${Buffer.from('web:guess').toString('base64')}`);
    expect({ status: wrong.status, error: wrong.body.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect((await revoke('a-rt-online', null)).status).toBe(401);
    expect(await h.head()).toBe(head);
  });

  it('presenting a rotated refresh token again revokes the family’s session (reuse detected)', async () => {
    const rotate = await h.ledger.call('POST', '/v1/tenants/acme/facts', { facts: [{ type: 'token.rotated', tokenId: 'a-rt-online' }] });
    expect(rotate.status).toBe(200);
    const reuse = await h.ledger.call('POST', '/v1/tenants/acme/oauth/refresh-presented', { tokenId: 'a-rt-online' });
    expect(reuse.body).toMatchObject({ active: false, reuseDetected: true });
    expect(await states(h.ledger, { tokens: ['a-at-laptop', 'a-rt-offline', 'a-at-agent', 'a-at-phone'], sessions: ['a-laptop'] })).toEqual(
      {
        'a-at-laptop': false,
        'a-rt-offline': false,
        'a-at-agent': false,
        'a-at-phone': true,
        'a-laptop': false,
      },
    );
    const fresh = await h.ledger.call('POST', '/v1/tenants/acme/oauth/refresh-presented', { tokenId: 'b-at' });
    expect(fresh.body).toMatchObject({ active: true, reuseDetected: false });
  });
});
