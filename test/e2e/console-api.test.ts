import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureGraph, TokenFactory } from '@killswitch/testing';
import { KEYS, startTestLedger, type TestLedger } from '../src/test-ledger.ts';

let ledger: TestLedger;
beforeAll(async () => {
  ledger = await startTestLedger();
  const graph = await buildFixtureGraph(await TokenFactory.create(), Math.floor(Date.now() / 1000));
  const linked = { type: 'user.linked', userId: 'alice', identifiers: [{ format: 'email', email: 'Alice@Example.com' }] };
  expect((await ledger.call('POST', '/v1/tenants/acme/facts', { facts: [...graph.facts, linked] })).status).toBe(200);
  await ledger.call(
    'POST',
    '/v1/tenants/other/facts',
    { facts: [{ type: 'session.started', sessionId: 'S-other', userId: 'alice-other' }] },
    KEYS.otherAdmin,
  );
});
afterAll(async () => ledger.destroy());

describe('the API behind the console', () => {
  it('whoami tells the key’s tenant and roles, and nothing without a valid key', async () => {
    expect((await ledger.call('GET', '/v1/whoami', undefined, KEYS.read)).body).toEqual({
      tenant: 'acme',
      keyName: 'read',
      roles: ['read'],
    });
    expect((await ledger.call('GET', '/v1/whoami', undefined, 'ks_no_such_key')).status).toBe(401);
  });

  it('search finds a user by id and email, and a session, token and device by id, within the tenant only', async () => {
    const search = async (q: string, key: string = KEYS.read, tenant = 'acme') =>
      (await ledger.call('GET', `/v1/tenants/${tenant}/search?q=${encodeURIComponent(q)}`, undefined, key)).body;
    expect((await search('alice')).results).toEqual([{ type: 'user', id: 'alice', userIds: ['alice'], matched: 'user id' }]);
    expect((await search('alice@example.com')).results).toEqual([{ type: 'user', id: 'alice', userIds: ['alice'], matched: 'email' }]);
    expect((await search('S1d')).results).toEqual([{ type: 'session', id: 'S1d', userIds: ['alice'], matched: 'session id' }]);
    expect((await search('ref-R1')).results).toMatchObject([{ type: 'token', id: 'ref-R1', userIds: ['alice'] }]);
    expect((await search('laptop')).results).toMatchObject([{ type: 'device', id: 'laptop', userIds: ['alice'] }]);
    // Tenants are walls: the other tenant's key finds nothing of acme's, and may not search acme.
    expect((await search('alice', KEYS.otherAdmin, 'other')).results).toEqual([]);
    expect((await search('S-other')).results).toEqual([]);
    expect((await ledger.call('GET', '/v1/tenants/acme/search?q=alice', undefined, KEYS.otherAdmin)).status).toBe(403);
    expect((await ledger.call('GET', '/v1/tenants/acme/search', undefined, KEYS.read)).status).toBe(400);
    expect((await ledger.call('GET', `/v1/tenants/acme/search?q=${'x'.repeat(600)}`, undefined, KEYS.read)).status).toBe(400);
  });

  it('lists users and nodes by id prefix with cursor pagination; a forged cursor is 400 ERR_CURSOR', async () => {
    const first = (await ledger.call('GET', '/v1/tenants/acme/users?limit=1', undefined, KEYS.read)).body;
    expect(first.users).toEqual([{ userId: 'alice' }]);
    const second = (await ledger.call('GET', `/v1/tenants/acme/users?limit=1&cursor=${first.next}`, undefined, KEYS.read)).body;
    expect(second.users).toEqual([{ userId: 'bob' }]);
    const sessions = (await ledger.call('GET', '/v1/tenants/acme/nodes/session?prefix=S1', undefined, KEYS.read)).body;
    expect(sessions).toEqual({
      nodes: [
        { type: 'session', id: 'S1', userId: 'alice', expiresAt: null },
        { type: 'session', id: 'S1d', userId: 'alice', expiresAt: null },
      ],
      next: null,
    });
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { nodes: Array<{ id: string }>; next: string | null } = (
        await ledger.call('GET', `/v1/tenants/acme/nodes/token?limit=3${cursor ? `&cursor=${cursor}` : ''}`, undefined, KEYS.read)
      ).body;
      pages.push(...page.nodes.map((n) => n.id));
      cursor = page.next;
    } while (cursor);
    expect(pages).toEqual([...pages].sort());
    expect(new Set(pages).size).toBe(pages.length);
    expect(pages.length).toBeGreaterThan(8);
    const bad = await ledger.call('GET', '/v1/tenants/acme/nodes/token?cursor=bm90LWEtY3Vyc29y', undefined, KEYS.read);
    expect([bad.status, bad.body.error]).toEqual([400, 'ERR_CURSOR']);
    expect((await ledger.call('GET', '/v1/tenants/acme/nodes/user', undefined, KEYS.read)).status).toBe(400);
    expect((await ledger.call('GET', '/v1/tenants/other/users', undefined, KEYS.otherAdmin)).body.users).toEqual([
      { userId: 'alice-other' },
    ]);
  });

  it('a blast radius names each node’s nearest parent, for the graph', async () => {
    const radius = (await ledger.call('GET', '/v1/tenants/acme/blast-radius/user/alice', undefined, KEYS.read)).body;
    const edges = new Set(radius.edges.map((e: { from: string; to: string }) => `${e.from}>${e.to}`));
    expect(edges).toContain('USER:alice>SESSION:S1');
    expect(edges).toContain('SESSION:S1>SESSION:S1d');
    expect(edges).toContain('AGENT:AG1>AGENT:AG1a');
    expect(edges).toContain('SESSION:S1>GRANT:G1');
    // Every listed node but the subject has exactly one parent edge.
    const listed = [
      ...radius.descendants.sessions,
      ...radius.descendants.grants,
      ...radius.descendants.agents,
      ...radius.descendants.tokens.list,
    ];
    expect(radius.edges).toHaveLength(listed.length);
  });
});
