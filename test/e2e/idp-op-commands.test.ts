import { describe, expect, it } from 'vitest';
import type { JWTPayload } from 'jose';
import type { SignOptions } from '@killswitch/testing';
import { CLIENT_ID, endpoint, IDP_TENANT, withIdpHarness, states, type IdpHarness } from '../src/idp-harness.ts';

const EXT = 'urn:killswitch:termination';
let h: IdpHarness;

const ENDPOINT = () => endpoint('acme', 'op/commands');
const command = (name: string, extra: JWTPayload = {}) => h.idp.command(ENDPOINT(), CLIENT_ID, IDP_TENANT, name, extra);

async function post(token: string, headers: Record<string, string> = {}) {
  return h.ledger.raw('POST', '/idp/acme/op/commands', new URLSearchParams({ command_token: token }).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
    ...headers,
  });
}

async function send(claims: JWTPayload, options: SignOptions = {}) {
  return post(await h.idp.sign(claims, { typ: 'command+jwt', alg: 'ES256', ...options }));
}

describe('OP Commands: account commands', () => {
  withIdpHarness((harness) => (h = harness));
  it('invalidate is Global Revocation; the 200 carries sub, account_state and what was ended', async () => {
    const response = await send(command('invalidate', { sub: 'u-alice' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({ sub: 'u-alice', account_state: 'active' });
    expect(response.body[EXT]).toMatchObject({
      scope: 'global_revocation',
      ended: { sessions: 2, tokens: 5 },
      residual: { bearer: { count: 3 } },
      ipsie: { level: 'SL2', meets: true },
    });
    const result = await states(h.ledger, { tokens: ['a-at-laptop', 'a-rt-offline', 'a-at-agent', 'b-at'] });
    expect(result).toEqual({ 'a-at-laptop': false, 'a-rt-offline': false, 'a-at-agent': false, 'b-at': true });
  });

  it('suspend → reactivate → archive → restore → delete walk the lifecycle; wrong states are 409 incompatible_state', async () => {
    expect((await send(command('suspend', { sub: 'u-alice' }))).body).toMatchObject({ account_state: 'suspended' });
    expect((await states(h.ledger, { tokens: ['a-rt-offline'] }))['a-rt-offline']).toBe(false);
    const again = await send(command('invalidate', { sub: 'u-alice' }));
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'incompatible_state', account_state: 'suspended', sub: 'u-alice' });
    expect((await send(command('reactivate', { sub: 'u-alice' }))).body).toEqual({ sub: 'u-alice', account_state: 'active' });
    expect((await send(command('archive', { sub: 'u-alice' }))).body).toMatchObject({ account_state: 'archived' });
    expect((await send(command('audit', { sub: 'u-alice' }))).body).toEqual({ sub: 'u-alice', account_state: 'archived' });
    expect((await send(command('restore', { sub: 'u-alice' }))).body).toEqual({ sub: 'u-alice', account_state: 'active' });
    expect((await send(command('delete', { sub: 'u-alice' }))).body).toMatchObject({ account_state: 'unknown' });
    expect((await send(command('maintain', { sub: 'u-alice' }))).status).toBe(409);
    expect((await send(command('audit', { sub: 'u-nobody' }))).body).toEqual({ sub: 'u-nobody', account_state: 'unknown' });
  });

  it('activate creates an account; activating an existing one is 409', async () => {
    expect((await send(command('activate', { sub: 'u-dave', given_name: 'Dave' }))).body).toEqual({
      sub: 'u-dave',
      account_state: 'active',
    });
    expect((await send(command('activate', { sub: 'u-dave' }))).body).toEqual({
      error: 'incompatible_state',
      account_state: 'active',
      sub: 'u-dave',
    });
  });
});

describe('OP Commands: tenant commands', () => {
  withIdpHarness((harness) => (h = harness));
  it('metadata answers the RP metadata', async () => {
    const response = await send(command('metadata', { metadata: { domains: ['example.com'] } }));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      context: { iss: h.idp.issuer, tenant: IDP_TENANT },
      command_endpoint: ENDPOINT(),
      client_id: CLIENT_ID,
    });
    expect(response.body.commands_supported).toContain('metadata');
    expect(response.body.commands_supported).toContain('invalidate');
  });

  it('invalidate_tenant streams one account-state per account and command-complete with the count', async () => {
    const response = await post(await h.idp.sign(command('invalidate_tenant'), { typ: 'command+jwt' }), { accept: 'text/event-stream' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = response.text
      .trim()
      .split('\n\n')
      .map((block) => Object.fromEntries(block.split('\n').map((line) => [line.split(': ')[0], line.slice(line.indexOf(': ') + 2)])));
    expect(events.map((e) => e.event)).toEqual(['account-state', 'account-state', 'command-complete']);
    expect(
      events
        .slice(0, 2)
        .map((e) => JSON.parse(e.data as string).sub)
        .sort(),
    ).toEqual(['u-alice', 'u-bob']);
    const complete = JSON.parse(events[2]?.data as string);
    expect(complete.total_accounts).toBe(2);
    expect(complete[EXT].ended.tokens).toBe(6);
    expect(await states(h.ledger, { tokens: ['a-at-phone', 'b-at'] })).toEqual({ 'a-at-phone': false, 'b-at': false });
    // The other tenant's alice is untouched.
    expect((await states(h.ledger, { tokens: ['o-at'] }, 'other', 'ks_test_other_admin'))['o-at']).toBe(true);
  });

  it('suspend_tenant and delete_tenant report as the spec says', async () => {
    const suspended = await post(await h.idp.sign(command('suspend_tenant'), { typ: 'command+jwt' }));
    expect(suspended.text).toContain('"account_state":"suspended"');
    const deleted = await post(await h.idp.sign(command('delete_tenant'), { typ: 'command+jwt' }));
    expect(deleted.text.trim().split('\n\n')).toHaveLength(1);
    expect(deleted.text).toContain('"total_accounts":0');
  });
});

const valid = () => command('invalidate', { sub: 'u-alice' });
const cases: Array<[string, number, string, () => Promise<{ status: number; body: any }>]> = [
  ['unknown issuer', 401, 'unrecognized_provider', () => send({ ...valid(), iss: 'https://evil.example' })],
  [
    'another tenant’s OP',
    401,
    'unrecognized_provider',
    async () => post(await h.otherIdp.sign({ ...valid(), iss: h.otherIdp.issuer }, { typ: 'command+jwt' })),
  ],
  ['bad signature', 400, 'invalid_request', () => send(valid(), { rogue: true })],
  ['alg none', 400, 'invalid_request', () => send(valid(), { alg: 'none' })],
  ['wrong typ', 400, 'invalid_request', () => send(valid(), { typ: 'logout+jwt' })],
  ['wrong aud (client_id, as in draft 00)', 400, 'invalid_request', () => send({ ...valid(), aud: CLIENT_ID })],
  ['wrong client_id', 400, 'invalid_request', () => send({ ...valid(), client_id: 'someone-else' })],
  ['wrong tenant', 400, 'invalid_request', () => send({ ...valid(), tenant: 'tnt-other' })],
  ['missing tenant', 400, 'invalid_request', () => send({ ...valid(), tenant: undefined })],
  ['expired', 400, 'invalid_request', () => send({ ...valid(), iat: h.idp.now() - 200, exp: h.idp.now() - 100 })],
  ['too old', 400, 'invalid_request', () => send({ ...valid(), iat: h.idp.now() - 3600, exp: h.idp.now() + 60 })],
  ['future iat', 400, 'invalid_request', () => send({ ...valid(), iat: h.idp.now() + 3600 })],
  ['nonce (forbidden)', 400, 'invalid_request', () => send({ ...valid(), nonce: 'n' })],
  ['account command without sub', 400, 'invalid_request', () => send({ ...valid(), sub: undefined })],
  ['tenant command with sub', 400, 'invalid_request', () => send(command('invalidate_tenant', { sub: 'u-alice' }))],
  ['unknown command', 400, 'unsupported_command', () => send(command('unauthorize', { sub: 'u-alice' }))],
  [
    'missing command_token',
    400,
    'invalid_request',
    () => h.ledger.raw('POST', '/idp/acme/op/commands', 'other=1', { 'content-type': 'application/x-www-form-urlencoded' }),
  ],
  ['truncated token', 400, 'invalid_request', async () => post((await h.idp.sign(valid(), { typ: 'command+jwt' })).slice(0, 40))],
];

describe('OP Commands: invalid command tokens get their error and append nothing (one ledger; each must leave it unchanged)', () => {
  withIdpHarness((harness) => (h = harness), 'shared');
  for (const [name, status, error, run] of cases) {
    it(`${name} → ${status} ${error}`, async () => {
      const head = await h.head();
      const response = await run();
      expect({ status: response.status, error: response.body?.error }).toEqual({ status, error });
      expect(await h.head()).toBe(head);
    });
  }
});

describe('OP Commands: replays and content types', () => {
  withIdpHarness((harness) => (h = harness));
  it('a replayed command token is refused (400 invalid_request) and applied once', async () => {
    const token = await h.idp.sign(valid(), { typ: 'command+jwt' });
    expect((await post(token)).status).toBe(200);
    const head = await h.head();
    const replay = await post(token);
    expect({ status: replay.status, error: replay.body.error }).toEqual({ status: 400, error: 'invalid_request' });
    expect(await h.head()).toBe(head);
  });

  it('a wrong content type is refused', async () => {
    const response = await h.ledger.raw('POST', '/idp/acme/op/commands', JSON.stringify({ command_token: 'x' }), {
      'content-type': 'application/json',
    });
    expect({ status: response.status, error: response.body.error }).toEqual({ status: 400, error: 'invalid_request' });
  });
});
