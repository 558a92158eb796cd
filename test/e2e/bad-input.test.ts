import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureGraph, TokenFactory, type FixtureGraph } from '@killswitch/testing';
import { KEYS, startTestLedger, type TestLedger } from '../src/test-ledger.ts';

let ledger: TestLedger;
let graph: FixtureGraph;

beforeAll(async () => {
  ledger = await startTestLedger();
  graph = await buildFixtureGraph(await TokenFactory.create(), Math.floor(Date.now() / 1000));
  expect((await ledger.call('POST', '/v1/tenants/acme/facts', { facts: graph.facts })).status).toBe(200);
});
afterAll(async () => ledger.destroy());

/** Sends a request that must be refused with `status` and `code`, and checks nothing was appended. */
async function refused(status: number, code: string, request: () => Promise<{ status: number; body: any }>) {
  const head = await ledger.runtime.store.headPosition();
  const response = await request();
  expect({ status: response.status, code: response.body?.error }).toEqual({ status, code });
  expect(typeof response.body.message).toBe('string');
  expect(await ledger.runtime.store.headPosition()).toBe(head);
}

const raw = (path: string, init: RequestInit) => async () => {
  const response = await fetch(`${ledger.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
};
const auth = { authorization: `Bearer ${KEYS.admin}` };

describe('authentication and tenant walls', () => {
  it('refuses a missing, malformed or unknown key with 401', async () => {
    await refused(
      401,
      'ERR_UNAUTHENTICATED',
      raw('/v1/tenants/acme/check', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tokenId":"x"}' }),
    );
    await refused(401, 'ERR_UNAUTHENTICATED', () =>
      ledger.call('POST', '/v1/tenants/acme/check', { tokenId: 'x' }, 'not-a-real-key-at-all'),
    );
    await refused(
      401,
      'ERR_UNAUTHENTICATED',
      raw('/v1/tenants/acme/check', { method: 'POST', headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
    );
  });

  it("refuses another tenant's key with 403, and a key without the route's role", async () => {
    await refused(403, 'ERR_TENANT_FORBIDDEN', () => ledger.call('POST', '/v1/tenants/acme/check', { tokenId: 'x' }, KEYS.otherAdmin));
    await refused(403, 'ERR_TENANT_FORBIDDEN', () =>
      ledger.call(
        'POST',
        '/v1/tenants/acme/terminations',
        { scope: 'global_revocation', target: { type: 'user', id: 'alice' }, reason: 'x' },
        KEYS.otherAdmin,
      ),
    );
    await refused(403, 'ERR_ROLE_FORBIDDEN', () =>
      ledger.call('POST', '/v1/tenants/acme/facts', { facts: graph.facts.slice(0, 1) }, KEYS.read),
    );
    await refused(403, 'ERR_ROLE_FORBIDDEN', () =>
      ledger.call(
        'POST',
        '/v1/tenants/acme/terminations',
        { scope: 'global_revocation', target: { type: 'user', id: 'alice' }, reason: 'x' },
        KEYS.ingest,
      ),
    );
    await refused(403, 'ERR_ROLE_FORBIDDEN', () => ledger.call('GET', '/v1/tenants/acme/audit', undefined, KEYS.read));
  });

  it("a tenant's Global Revocation of a user id never touches the same user id in another tenant", async () => {
    const other = await ledger.call(
      'POST',
      '/v1/tenants/other/facts',
      { facts: [{ type: 'session.started', sessionId: 'S1', userId: 'alice' }] },
      KEYS.otherAdmin,
    );
    expect(other.status).toBe(200);
    const killed = await ledger.call(
      'POST',
      '/v1/tenants/other/terminations',
      { scope: 'global_revocation', target: { type: 'user', id: 'alice' }, reason: 'x' },
      KEYS.otherAdmin,
    );
    expect(killed.status).toBe(201);
    expect((await ledger.call('POST', '/v1/tenants/other/check', { sessionId: 'S1' }, KEYS.otherAdmin)).body.active).toBe(false);
    expect((await ledger.call('POST', '/v1/tenants/acme/check', { sessionId: 'S1' })).body.active).toBe(true);
    const token = graph.tokens.find((t) => t.name === 'A1');
    expect((await ledger.call('POST', '/v1/tenants/acme/check', { tokenId: token?.id })).body.active).toBe(true);
    // The other tenant cannot even see acme's token.
    expect((await ledger.call('POST', '/v1/tenants/other/check', { tokenId: token?.id }, KEYS.otherAdmin)).body).toMatchObject({
      active: false,
      reason: 'unknown',
    });
  });
});

describe('malformed requests get a 4xx with a stable code and change nothing', () => {
  it('broken JSON, wrong content type, oversized and empty bodies', async () => {
    const headers = { ...auth, 'content-type': 'application/json' };
    await refused(
      400,
      'ERR_MALFORMED_BODY',
      raw('/v1/tenants/acme/facts', { method: 'POST', headers, body: '{"facts":[{"type":"session.started"' }),
    );
    await refused(
      400,
      'ERR_MALFORMED_BODY',
      raw('/v1/tenants/acme/facts', { method: 'POST', headers, body: randomBytes(64).toString('latin1') }),
    );
    await refused(
      415,
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      raw('/v1/tenants/acme/facts', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'hello' }),
    );
    const huge = JSON.stringify({
      facts: [{ type: 'session.started', sessionId: 'x', userId: 'y', userAgent: 'a'.repeat(2 * 1024 * 1024) }],
    });
    await refused(413, 'ERR_BODY_TOO_LARGE', raw('/v1/tenants/acme/facts', { method: 'POST', headers, body: huge }));
    await refused(400, 'ERR_MALFORMED_BODY', raw('/v1/tenants/acme/facts', { method: 'POST', headers, body: '' }));
  });

  it('wrong types and unknown members are refused by the schema', async () => {
    const facts = (f: unknown) => () => ledger.call('POST', '/v1/tenants/acme/facts', { facts: f });
    await refused(400, 'ERR_VALIDATION', facts('not-an-array'));
    await refused(400, 'ERR_VALIDATION', facts([]));
    await refused(400, 'ERR_VALIDATION', facts([{ type: 'session.started', sessionId: 5, userId: 'u' }]));
    await refused(400, 'ERR_VALIDATION', facts([{ type: 'session.started', sessionId: 's', userId: 'u', startedAt: '2024-01-01' }]));
    await refused(400, 'ERR_VALIDATION', facts([{ type: 'session.started', sessionId: 's', userId: 'u', isAdmin: true }]));
    await refused(400, 'ERR_VALIDATION', facts([{ type: 'nuke.everything' }]));
    await refused(400, 'ERR_VALIDATION', facts([{ type: 'session.started', sessionId: 'a'.repeat(1000), userId: 'u' }]));
    await refused(400, 'ERR_VALIDATION', () => ledger.call('POST', '/v1/tenants/acme/check', { claims: {} }));
    await refused(400, 'ERR_VALIDATION', () => ledger.call('POST', '/v1/tenants/acme/check', { tokenId: 'a', sessionId: 'b' }));
    await refused(400, 'ERR_VALIDATION', () =>
      ledger.call('POST', '/v1/tenants/acme/terminations', { scope: 'nuke', target: { type: 'user', id: 'alice' }, reason: 'x' }),
    );
  });

  it('a batch with one invalid fact appends none of it', async () => {
    await refused(422, 'ERR_UNKNOWN_REFERENCE', () =>
      ledger.call('POST', '/v1/tenants/acme/facts', {
        facts: [
          { type: 'session.started', sessionId: 'fresh', userId: 'carol' },
          {
            type: 'token.minted',
            kind: 'access',
            format: 'reference',
            tokenId: 'tx',
            sessionId: 'no-such-session',
            expiresAt: Date.now() + 1000,
          },
        ],
      }),
    );
    expect((await ledger.call('POST', '/v1/tenants/acme/check', { sessionId: 'fresh' })).body).toMatchObject({
      active: false,
      reason: 'unknown',
    });
    await refused(422, 'ERR_LINEAGE_MISMATCH', () =>
      ledger.call('POST', '/v1/tenants/acme/facts', {
        facts: [
          {
            type: 'token.minted',
            kind: 'access',
            format: 'reference',
            tokenId: 'ty',
            userId: 'bob',
            sessionId: 'S1',
            expiresAt: Date.now() + 1000,
          },
        ],
      }),
    );
    await refused(422, 'ERR_EXPIRY_REQUIRED', () =>
      ledger.call('POST', '/v1/tenants/acme/facts', {
        facts: [{ type: 'token.minted', kind: 'access', format: 'reference', tokenId: 'tz', sessionId: 'S1' }],
      }),
    );
    await refused(409, 'ERR_SESSION_CONFLICT', () =>
      ledger.call('POST', '/v1/tenants/acme/facts', { facts: [{ type: 'session.started', sessionId: 'S1', userId: 'mallory' }] }),
    );
  });

  it('terminations that name nothing or the wrong kind of target are refused', async () => {
    const terminate = (scope: string, type: string, id: string) => () =>
      ledger.call('POST', '/v1/tenants/acme/terminations', { scope, target: { type, id }, reason: 'r' });
    await refused(422, 'ERR_SCOPE_TARGET', terminate('global_revocation', 'session', 'S1'));
    await refused(422, 'ERR_SCOPE_TARGET', terminate('session_invalidation', 'token', 'x'));
    await refused(404, 'ERR_UNKNOWN_TARGET', terminate('session_scoped_revocation', 'session', 'nope'));
    await refused(404, 'ERR_UNKNOWN_TARGET', terminate('global_revocation', 'user', 'nobody'));
    await refused(404, 'ERR_UNKNOWN_TERMINATION', () => ledger.call('GET', '/v1/tenants/acme/terminations/nope'));
  });

  it('introspection answers {"active": false} for truncated, forged or unknown tokens', async () => {
    const introspect = async (token: string) => {
      const response = await fetch(`${ledger.url}/v1/tenants/acme/introspect`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
      return { status: response.status, body: await response.json() };
    };
    const a1 = graph.tokens.find((t) => t.name === 'A1')?.jwt as string;
    expect((await introspect(a1)).body).toMatchObject({ active: true, sub: 'alice', token_type: 'Bearer', client_id: 'web' });
    expect((await introspect(a1.slice(0, a1.length - 20))).body).toMatchObject({ active: true }); // signature is the RS's job; the jti is intact
    expect((await introspect(a1.slice(0, 30))).body).toEqual({ active: false });
    expect((await introspect('eyJhbGciOiJub25lIn0.e30.')).body).toEqual({ active: false });
    expect((await introspect('unknown-reference')).body).toEqual({ active: false });
    const dpop = await introspect(graph.tokens.find((t) => t.name === 'A1d')?.jwt as string);
    expect(dpop.body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: expect.any(String) } });
    await refused(
      400,
      'ERR_VALIDATION',
      raw('/v1/tenants/acme/introspect', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'nothing=here',
      }),
    );
  });

  it('survives a barrage of garbage on every route without a 5xx', async () => {
    const routes = [
      '/v1/tenants/acme/facts',
      '/v1/tenants/acme/terminations',
      '/v1/tenants/acme/check',
      '/v1/tenants/acme/introspect',
      '/v1/tenants/acme/users/alice/sign-out-others',
    ];
    const bodies = [
      () => randomBytes(Math.floor(Math.random() * 512)).toString('latin1'),
      () => JSON.stringify({ facts: [{ type: 'token.minted', kind: 'access', format: 'jwt', claims: { jti: null, exp: 'soon' } }] }),
      () => JSON.stringify({ claims: { sub: ['a'], iat: -1 } }),
      () => JSON.stringify([1, 2, 3]),
      () => 'null',
      () => JSON.stringify({ scope: 'global_revocation', target: { type: 'user' }, reason: 7 }),
      () => JSON.stringify({ tokenId: { $ne: null } }),
    ];
    const types = ['application/json', 'application/x-www-form-urlencoded', 'application/octet-stream'];
    const head = await ledger.runtime.store.headPosition();
    for (let i = 0; i < 210; i++) {
      const response = await fetch(`${ledger.url}${routes[i % routes.length]}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': types[i % types.length] as string },
        body: (bodies[i % bodies.length] as () => string)(),
      });
      expect(response.status, `request ${i}`).toBeLessThan(500);
      await response.arrayBuffer();
    }
    expect(await ledger.runtime.store.headPosition()).toBe(head);
  });
});
