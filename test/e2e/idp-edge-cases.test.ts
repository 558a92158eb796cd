import { afterEach, describe, expect, it } from 'vitest';
import type { JWTPayload } from 'jose';
import { SsfPoller } from '@killswitch/ledger';
import type { SignOptions } from '@killswitch/testing';
import {
  CLIENT_ID,
  endpoint,
  GTR_CLIENT,
  IDP_TENANT,
  PUSH_AUTHORIZATION,
  RP_CLIENT,
  startIdpHarness,
  states,
  type IdpHarness,
} from '../src/idp-harness.ts';

/**
 * The protocol edge cases real IdPs and fuzzers hit, one behaviour per test, over real HTTP with
 * real signed JWTs: accounts without sessions, device-scoped subjects, back-channel logout's
 * exact reach, JWKS outages, authentication before parsing, HTTP semantics, hostile headers.
 */
const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let h: IdpHarness;
afterEach(async () => h?.close());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function opCommand(command: string, extra: JWTPayload = {}, options: SignOptions = {}) {
  const token = await h.idp.sign(h.idp.command(endpoint('acme', 'op/commands'), CLIENT_ID, IDP_TENANT, command, extra), {
    typ: 'command+jwt',
    ...options,
  });
  return h.ledger.raw('POST', '/idp/acme/op/commands', form({ command_token: token }), FORM);
}

async function pushSet(subId: Record<string, unknown>, event: string, payload: Record<string, unknown> = {}, options: SignOptions = {}) {
  const token = await h.idp.sign(h.idp.set(endpoint('acme', 'ssf'), subId, event, payload), { typ: 'secevent+jwt', ...options });
  return h.ledger.raw('POST', '/idp/acme/ssf/events', token, {
    'content-type': 'application/secevent+jwt',
    authorization: PUSH_AUTHORIZATION,
  });
}

async function logout(claims: JWTPayload, options: SignOptions = {}) {
  const token = await h.idp.sign(h.idp.logout(CLIENT_ID, claims), { typ: 'logout+jwt', ...options });
  return h.ledger.raw('POST', '/idp/acme/backchannel-logout', form({ logout_token: token }), FORM);
}

async function gtr(body: unknown, options: SignOptions = {}, extra: JWTPayload = {}) {
  const credential = await h.idp.sign(h.idp.gtrCredential(endpoint('acme', 'global-token-revocation'), CLIENT_ID, extra), {
    typ: 'global-token-revocation+jwt',
    ...options,
  });
  return h.ledger.raw('POST', '/idp/acme/global-token-revocation', JSON.stringify(body), {
    'content-type': 'application/json',
    authorization: `Bearer ${credential}`,
  });
}

const claimsCheck = async (claims: Record<string, unknown>) =>
  (await h.ledger.call('POST', '/v1/tenants/acme/check', { claims })).body.active as boolean;

describe('1. accounts without a recorded session can be revoked', () => {
  it('an account OP activate created (no session) is suspended with Global Revocation: a JWT the ledger never saw is refused', async () => {
    h = await startIdpHarness();
    expect((await opCommand('activate', { sub: 'u-newhire' })).body).toEqual({ sub: 'u-newhire', account_state: 'active' });
    // The RP's auth layer minted a JWT for the new account that the ledger never heard of.
    const iat = Math.floor(Date.now() / 1000) - 5;
    expect(await claimsCheck({ sub: 'u-newhire', iat })).toBe(true);
    const suspended = await opCommand('suspend', { sub: 'u-newhire' });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ sub: 'u-newhire', account_state: 'suspended' });
    expect(suspended.body['urn:killswitch:termination']).toMatchObject({ scope: 'global_revocation' });
    expect(await claimsCheck({ sub: 'u-newhire', iat })).toBe(false);
    // A later OP command on the account answers by its state machine, never 404.
    expect((await opCommand('invalidate', { sub: 'u-newhire' })).body).toMatchObject({
      error: 'incompatible_state',
      account_state: 'suspended',
    });
  });

  it('OP Commands never answer 404: an unknown account is 409 incompatible_state with account_state unknown', async () => {
    h = await startIdpHarness();
    for (const command of ['suspend', 'invalidate', 'archive', 'delete', 'maintain']) {
      const response = await opCommand(command, { sub: 'u-nobody' });
      expect({ command, status: response.status, body: response.body }).toEqual({
        command,
        status: 409,
        body: { error: 'incompatible_state', account_state: 'unknown', sub: 'u-nobody' },
      });
    }
  });

  it('invalidate_tenant covers accounts that never had a session', async () => {
    h = await startIdpHarness();
    await opCommand('activate', { sub: 'u-sessionless' });
    const iat = Math.floor(Date.now() / 1000) - 5;
    const response = await opCommand('invalidate_tenant');
    expect(response.status).toBe(200);
    const subs = [...response.text.matchAll(/"sub":"([^"]+)"/g)].map((m) => m[1]);
    expect(subs).toContain('u-sessionless');
    expect(subs).toContain('u-alice');
    expect(await claimsCheck({ sub: 'u-sessionless', iat })).toBe(false);
  });

  it('Global Token Revocation of a user known only by a linked identifier sets their not-before', async () => {
    h = await startIdpHarness();
    const linked = await h.ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: [{ type: 'user.linked', userId: 'dave', identifiers: [{ format: 'email', email: 'dave@example.com' }] }],
    });
    expect(linked.status).toBe(200);
    const iat = Math.floor(Date.now() / 1000) - 5;
    expect((await gtr({ sub_id: { format: 'email', email: 'dave@example.com' } })).status).toBe(204);
    expect(await claimsCheck({ sub: 'dave', iat })).toBe(false);
  });
});

describe('2. device-scoped SSF subjects end only that device', () => {
  const alice = () => ({ format: 'iss_sub', iss: h.idp.issuer, sub: 'u-alice' });
  const notCompliant = { previous_status: 'compliant', current_status: 'not-compliant', event_timestamp: 0 };

  async function linkDevices() {
    const linked = await h.ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: [
        { type: 'device.linked', deviceId: 'laptop', userId: 'alice', identifiers: [{ format: 'uri', uri: 'urn:idp:device:L-1' }] },
        // A login that told the IdP's own device id.
        {
          type: 'session.started',
          sessionId: 'a-tablet',
          userId: 'alice',
          deviceId: 'tablet',
          idpDeviceId: 'dev-T-9',
          idpIssuer: h.idp.issuer,
          idpSubject: 'u-alice',
        },
      ],
    });
    expect(linked.status).toBe(200);
  }
  const sessions = () => states(h.ledger, { tokens: ['a-at-laptop', 'a-at-phone'], sessions: ['a-laptop', 'a-phone', 'a-tablet'] });

  it('device-compliance-change naming a user and a device (uri, linked) ends only that device’s sessions', async () => {
    h = await startIdpHarness();
    await linkDevices();
    const subject = { format: 'complex', user: alice(), device: { format: 'uri', uri: 'urn:idp:device:L-1' } };
    expect((await pushSet(subject, `${CAEP}device-compliance-change`, notCompliant)).status).toBe(202);
    expect(await sessions()).toEqual({ 'a-at-laptop': false, 'a-at-phone': true, 'a-laptop': false, 'a-phone': true, 'a-tablet': true });
  });

  it('the IdP device id a session recorded at login resolves an opaque device subject', async () => {
    h = await startIdpHarness();
    await linkDevices();
    const subject = { format: 'complex', user: alice(), device: { format: 'opaque', id: 'dev-T-9' } };
    expect((await pushSet(subject, `${CAEP}session-revoked`)).status).toBe(202);
    expect(await sessions()).toEqual({ 'a-at-laptop': true, 'a-at-phone': true, 'a-laptop': true, 'a-phone': true, 'a-tablet': false });
  });

  it('an unknown device, in any format, changes nothing (202)', async () => {
    h = await startIdpHarness();
    await linkDevices();
    for (const device of [
      { format: 'uri', uri: 'urn:idp:device:unknown' },
      { format: 'opaque', id: 'dev-unknown' },
      { format: 'did', url: 'did:example:device-1' },
      { format: 'email', email: 'device@example.com' },
    ]) {
      expect((await pushSet({ format: 'complex', user: alice(), device }, `${CAEP}device-compliance-change`, notCompliant)).status).toBe(
        202,
      );
    }
    expect(await sessions()).toEqual({ 'a-at-laptop': true, 'a-at-phone': true, 'a-laptop': true, 'a-phone': true, 'a-tablet': true });
    const terminations = (await h.ledger.call('GET', '/v1/tenants/acme/audit')).body.entries.filter(
      (e: { type: string }) => e.type === 'TerminationRequested',
    );
    expect(terminations).toEqual([]);
  });

  it('a device of another user named with this user changes nothing', async () => {
    h = await startIdpHarness();
    await linkDevices();
    const bob = { format: 'iss_sub', iss: h.idp.issuer, sub: 'u-bob' };
    const subject = { format: 'complex', user: bob, device: { format: 'uri', uri: 'urn:idp:device:L-1' } };
    expect((await pushSet(subject, `${CAEP}device-compliance-change`, notCompliant)).status).toBe(202);
    expect((await sessions())['a-laptop']).toBe(true);
  });
});

describe('3. back-channel logout leaves access tokens alone', () => {
  it('revokes the session’s online refresh token but not its grant’s access token; offline_access survives', async () => {
    h = await startIdpHarness();
    expect((await logout({ sid: 'sid-A' })).status).toBe(200);
    expect(
      await states(h.ledger, { tokens: ['a-at-laptop', 'a-rt-online', 'a-rt-offline', 'a-at-agent'], sessions: ['a-laptop'] }),
    ).toEqual({
      'a-at-laptop': true, // an access token of the online grant: survives Session Invalidation
      'a-rt-online': false,
      'a-rt-offline': true,
      'a-at-agent': true,
      'a-laptop': false,
    });
    const introspected = await h.ledger.raw('POST', '/v1/tenants/acme/introspect', form({ token: 'a-at-laptop' }), {
      ...FORM,
      authorization: 'Bearer ks_test_acme_admin',
    });
    expect(introspected.body.active).toBe(true);
  });
});

describe('4. a JWKS outage never loses a message', () => {
  for (const outage of ['status-503', 'hang'] as const) {
    it(`SSF push: unknown kid while the JWKS ${outage === 'hang' ? 'times out' : 'answers 503'} → 503 Retry-After; the same SET applies once the keys are back`, async () => {
      h = await startIdpHarness({ extra: { jwksTimeoutSeconds: 1 } });
      // The keys are fetched once (a valid message), then the IdP rotates them while its JWKS endpoint is down.
      expect((await pushSet({ format: 'opaque', id: 'bob' }, `${CAEP}token-claims-change`, { claims: { role: 'x' } })).status).toBe(202);
      h.idp.jwksOutage = outage;
      await h.idp.rotate();
      const head = await h.head();
      const token = await h.idp.sign(h.idp.set(endpoint('acme', 'ssf'), { format: 'opaque', id: 'alice' }, `${RISC}account-disabled`), {
        typ: 'secevent+jwt',
      });
      const send = () =>
        h.ledger.raw('POST', '/idp/acme/ssf/events', token, {
          'content-type': 'application/secevent+jwt',
          authorization: PUSH_AUTHORIZATION,
        });
      const refused = await send();
      expect({ status: refused.status, retryAfter: Number(refused.headers.get('retry-after')) > 0 }).toEqual({
        status: 503,
        retryAfter: true,
      });
      expect(await h.head()).toBe(head);
      h.idp.jwksOutage = null;
      expect((await send()).status).toBe(202);
      expect((await states(h.ledger, { tokens: ['a-at-laptop'] }))['a-at-laptop']).toBe(false);
    });
  }

  it('OP Commands, Back-Channel Logout and Global Token Revocation answer 503 with Retry-After too', async () => {
    h = await startIdpHarness();
    h.idp.jwksOutage = 'status-503';
    const head = await h.head();
    for (const response of [
      await opCommand('invalidate', { sub: 'u-alice' }),
      await logout({ sid: 'sid-A' }),
      await gtr({ sub_id: { format: 'opaque', id: 'alice' } }),
    ]) {
      expect({ status: response.status, error: response.body.error, retryAfter: response.headers.get('retry-after') !== null }).toEqual({
        status: 503,
        error: 'temporarily_unavailable',
        retryAfter: true,
      });
    }
    expect(await h.head()).toBe(head);
  });

  it('the SSF poll client neither acknowledges nor reports an error for a SET it could not verify, so it comes again', async () => {
    h = await startIdpHarness();
    const poller = new SsfPoller({
      tenant: 'acme',
      endpointUrl: `${h.idp.url}/ssf/poll`,
      authorization: 'Bearer transmitter-management-token',
      maxEvents: 10,
      intervalMs: 10,
      receiver: h.ledger.runtime.receiver,
    });
    h.idp.jwksOutage = 'status-503';
    const token = await h.idp.sign(h.idp.set(endpoint('acme', 'ssf'), { format: 'opaque', id: 'alice' }, `${RISC}account-disabled`), {
      typ: 'secevent+jwt',
    });
    const jti = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).jti as string;
    h.idp.enqueue(jti, token);
    await poller.pollOnce();
    await poller.pollOnce();
    const sent = h.idp.pollRequests.slice(-1)[0];
    expect({ ack: sent?.ack ?? [], setErrs: Object.keys(sent?.setErrs ?? {}) }).toEqual({ ack: [], setErrs: [] });
    expect(h.idp.pollQueue.has(jti)).toBe(true);
    h.idp.jwksOutage = null;
    await poller.pollOnce();
    await poller.pollOnce();
    expect(h.idp.pollRequests.slice(-1)[0]?.ack).toEqual([jti]);
    expect((await states(h.ledger, { tokens: ['a-at-laptop'] }))['a-at-laptop']).toBe(false);
  });
});

describe('5. authenticate before reading the body', () => {
  it('Global Token Revocation: an unauthenticated request with a malformed body is 401, not 400', async () => {
    h = await startIdpHarness();
    for (const [body, type] of [
      ['{"sub_id":', 'application/json'],
      ['not json at all', 'text/plain'],
      ['sub_id=alice', 'application/x-www-form-urlencoded'],
    ]) {
      const response = await h.ledger.raw('POST', '/idp/acme/global-token-revocation', body, { 'content-type': type as string });
      expect({ status: response.status, error: response.body.error }).toEqual({ status: 401, error: 'invalid_client' });
      const wrong = await h.ledger.raw('POST', '/idp/acme/global-token-revocation', body, {
        'content-type': type as string,
        authorization: basic(GTR_CLIENT.id, 'guess'),
      });
      expect(wrong.status).toBe(401);
    }
  });

  it('RFC 7009: wrong client credentials with a malformed request are 401 invalid_client', async () => {
    h = await startIdpHarness();
    const response = await h.ledger.raw('POST', '/v1/tenants/acme/oauth/revoke', 'garbage&&&', {
      'content-type': 'application/json',
      authorization: basic(RP_CLIENT.id, 'guess'),
    });
    expect({ status: response.status, error: response.body.error }).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('SSF push: a wrong Authorization header with a garbage body is authentication_failed', async () => {
    h = await startIdpHarness();
    const response = await h.ledger.raw('POST', '/idp/acme/ssf/events', '%%%not-a-set', {
      'content-type': 'text/html',
      authorization: 'Bearer guess',
    });
    expect({ status: response.status, err: response.body.err }).toEqual({ status: 400, err: 'authentication_failed' });
  });
});

describe('6. HTTP semantics on the protocol endpoints', () => {
  const endpoints: Array<[string, 'ssf' | 'oauth']> = [
    ['/idp/acme/ssf/events', 'ssf'],
    ['/idp/acme/op/commands', 'oauth'],
    ['/idp/acme/global-token-revocation', 'oauth'],
    ['/idp/acme/backchannel-logout', 'oauth'],
    ['/v1/tenants/acme/oauth/revoke', 'oauth'],
  ];
  it('a wrong method answers 405 with Allow: POST and the protocol’s error body', async () => {
    h = await startIdpHarness();
    for (const [path, style] of endpoints) {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const response = await h.ledger.raw(method, path, method === 'GET' ? undefined : 'x', { 'content-type': 'text/plain' });
        const code = style === 'ssf' ? response.body.err : response.body.error;
        expect({ path, method, status: response.status, allow: response.headers.get('allow'), code }).toEqual({
          path,
          method,
          status: 405,
          allow: 'POST',
          code: 'invalid_request',
        });
      }
    }
  });

  it('a wrong content type answers 400 in the protocol’s own error shape', async () => {
    h = await startIdpHarness();
    const op = await h.ledger.raw('POST', '/idp/acme/op/commands', '{"command_token":"x"}', { 'content-type': 'application/json' });
    expect({ status: op.status, body: op.body }).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const bcl = await h.ledger.raw('POST', '/idp/acme/backchannel-logout', 'logout_token=x', { 'content-type': 'text/plain' });
    expect({ status: bcl.status, body: bcl.body }).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const token = await h.idp.sign(h.idp.set(endpoint('acme', 'ssf'), { format: 'opaque', id: 'alice' }, `${RISC}account-disabled`), {
      typ: 'secevent+jwt',
    });
    const ssf = await h.ledger.raw('POST', '/idp/acme/ssf/events', token, {
      'content-type': 'application/json',
      authorization: PUSH_AUTHORIZATION,
    });
    expect(ssf.status).toBe(400);
    expect(ssf.body).toEqual({ err: 'invalid_request', description: expect.any(String) });
  });

  it('a form field sent twice is an invalid request (RFC 6749 §3.2)', async () => {
    h = await startIdpHarness();
    const token = await h.idp.sign(h.idp.command(endpoint('acme', 'op/commands'), CLIENT_ID, IDP_TENANT, 'audit', { sub: 'u-alice' }), {
      typ: 'command+jwt',
    });
    const response = await h.ledger.raw('POST', '/idp/acme/op/commands', `command_token=${token}&command_token=${token}`, FORM);
    expect({ status: response.status, error: response.body.error }).toEqual({ status: 400, error: 'invalid_request' });
  });
});

describe('7. hostile JOSE headers are refused, never a 500', () => {
  const hostile: Array<[string, Record<string, unknown>]> = [
    ['typ null', { typ: null }],
    ['typ a number', { typ: 42 }],
    ['typ an object', { typ: { a: 1 } }],
    ['typ an array', { typ: ['command+jwt'] }],
    ['kid a number', { kid: 7 }],
    ['x5u a number', { x5u: 5 }],
  ];
  for (const [name, header] of hostile) {
    it(`${name}: every IdP endpoint answers its protocol error and appends nothing`, async () => {
      h = await startIdpHarness();
      const head = await h.head();
      const op = await opCommand('invalidate', { sub: 'u-alice' }, { header });
      expect({ status: op.status, error: op.body.error }).toEqual({ status: 400, error: 'invalid_request' });
      const bcl = await logout({ sid: 'sid-A' }, { header });
      expect({ status: bcl.status, error: bcl.body.error }).toEqual({ status: 400, error: 'invalid_request' });
      const revocation = await gtr({ sub_id: { format: 'opaque', id: 'alice' } }, { header });
      expect({ status: revocation.status, error: revocation.body.error }).toEqual({ status: 401, error: 'invalid_client' });
      const set = await pushSet({ format: 'opaque', id: 'alice' }, `${RISC}account-disabled`, {}, { header });
      expect(set.status).toBe(400);
      expect(await h.head()).toBe(head);
    });
  }

  it('fractional NumericDates (SSF toe, event_timestamp, logout iat, minted claims) are accepted; out-of-range ones are refused, never a 500', async () => {
    h = await startIdpHarness();
    const now = h.idp.now();
    const toe = await h.idp.sign(
      {
        ...h.idp.set(endpoint('acme', 'ssf'), { format: 'opaque', id: 'bob' }, `${CAEP}token-claims-change`, { claims: { r: 1 } }),
        toe: -5e-324,
      },
      { typ: 'secevent+jwt' },
    );
    const pushed = (token: string) =>
      h.ledger.raw('POST', '/idp/acme/ssf/events', token, {
        'content-type': 'application/secevent+jwt',
        authorization: PUSH_AUTHORIZATION,
      });
    expect((await pushed(toe)).status).toBe(202);
    expect((await pushSet({ format: 'opaque', id: 'bob' }, `${CAEP}session-revoked`, { event_timestamp: now - 0.5 })).status).toBe(202);
    const huge = await pushSet({ format: 'opaque', id: 'bob' }, `${CAEP}session-revoked`, { event_timestamp: 1e308 });
    expect({ status: huge.status, err: huge.body.err }).toEqual({ status: 400, err: 'invalid_request' });
    expect((await logout({ sub: 'u-bob', iat: now - 0.25 })).status).toBe(200);
    const minted = await h.ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: [
        {
          type: 'token.minted',
          kind: 'access',
          format: 'jwt',
          claims: { jti: 'frac', sub: 'alice', sid: 'a-phone', iat: now + 0.123, exp: now + 600.5 },
        },
      ],
    });
    expect(minted.status).toBe(200);
  });
});
