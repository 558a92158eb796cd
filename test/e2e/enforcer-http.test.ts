import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Enforcer, enforcerMiddleware, enforcerPlugin } from '@killswitch/enforcer';
import { buildFixtureGraph, TokenFactory, type FixtureGraph } from '@killswitch/testing';
import { KEYS, startTestLedger, type TestLedger } from '../src/test-ledger.ts';
import { waitUntil } from '../src/kafka-harness.ts';

/** No Kafka configured: the enforcer follows the ledger's HTTP feed; its middleware and plugin reject revoked tokens. */
describe('enforcer SDK without Kafka (HTTP feed)', () => {
  let ledger: TestLedger;
  let enforcer: Enforcer;
  let graph: FixtureGraph;
  beforeAll(async () => {
    ledger = await startTestLedger();
    graph = await buildFixtureGraph(await TokenFactory.create(), Math.floor(Date.now() / 1000));
    await ledger.call('POST', '/v1/tenants/acme/facts', { facts: graph.facts });
    enforcer = new Enforcer({ tenant: 'acme', ledgerUrl: ledger.url, apiKey: 'ks_test_acme_read', brokers: [], httpPollMs: 20 });
    await enforcer.start();
  });
  afterAll(async () => {
    await enforcer.stop();
    await ledger.destroy();
  });

  it('bootstraps, follows new revocations, and the middleware and fastify plugin reject revoked tokens', async () => {
    const jwt = (name: string) => graph.tokens.find((t) => t.name === name)?.jwt as string;
    const server = createServer((req, res) => enforcerMiddleware(enforcer.replica)(req, res, () => res.end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const plain = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const app = Fastify();
    await app.register(enforcerPlugin(enforcer.replica) as never);
    app.get('/', async () => 'ok');
    const call = async (token: string) => ({
      plain: (await fetch(plain, { headers: { authorization: `Bearer ${token}` } })).status,
      fastify: (await app.inject({ url: '/', headers: { authorization: `Bearer ${token}` } })).statusCode,
    });
    expect(await call(jwt('AT1'))).toEqual({ plain: 200, fastify: 200 });
    await ledger.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'session_scoped_revocation',
      target: { type: 'agent', id: 'AG1' },
      reason: 'abnormal agent',
    });
    await waitUntil(
      () => !enforcer.replica.check({ sub: 'alice', agent_id: 'AG1', iat: Math.floor(Date.now() / 1000) - 60 }).active,
      10_000,
      'revocation followed over HTTP',
    );
    expect(await call(jwt('AT1'))).toEqual({ plain: 401, fastify: 401 });
    expect(await call(jwt('AT1a'))).toEqual({ plain: 401, fastify: 401 });
    expect(await call(jwt('A1'))).toEqual({ plain: 200, fastify: 200 });
    expect((await fetch(plain)).status).toBe(401);
    await app.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reports reuse after revocation: presentations of revoked credentials reach the termination’s status within 2 s, with count and IP', async () => {
    const killed = await ledger.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'session_scoped_revocation',
      target: { type: 'session', id: 'S2' },
      reason: 'stolen cookie',
    });
    expect(killed.status).toBe(201);
    const id = killed.body.terminationId as string;
    const server = createServer((req, res) => enforcerMiddleware(enforcer.replica)(req, res, () => res.end('ok')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const revoked = graph.tokens.find((t) => t.name === 'A2')?.jwt as string;
    await waitUntil(
      async () => (await fetch(url, { headers: { authorization: `Bearer ${revoked}` } })).status === 401,
      10_000,
      'revoked at the enforcer',
    );
    const presented = Date.now();
    for (let i = 0; i < 2; i++)
      expect((await fetch(url, { headers: { authorization: `Bearer ${revoked}`, 'user-agent': 'attacker-cli/1.0' } })).status).toBe(401);
    await new Promise((resolve) => server.close(resolve));
    const attempts = async () => (await ledger.call('GET', `/v1/tenants/acme/terminations/${id}`)).body.attemptsAfterRevocation;
    await waitUntil(async () => (await attempts()).count >= 3, 2_000, 'attempts reported within 2 s');
    const seen = await attempts();
    expect(seen).toMatchObject({ count: 3, lastIp: '127.0.0.1', lastUserAgent: 'attacker-cli/1.0', credentials: 1 });
    expect(seen.sources).toEqual([{ source: enforcer.id, count: 3 }]);
    expect(seen.lastAt).toBeGreaterThanOrEqual(presented);

    // The ledger's own check records its refusals too (source `ledger`), and coverage shows the attempts since.
    const jti = graph.tokens.find((t) => t.name === 'A2')?.id as string;
    expect((await ledger.call('POST', '/v1/tenants/acme/check', { tokenId: jti })).body).toMatchObject({
      active: false,
      terminationId: id,
    });
    await waitUntil(async () => (await attempts()).count === 4, 2_000, 'the ledger check recorded');
    expect((await attempts()).sources).toEqual(expect.arrayContaining([{ source: 'ledger', count: 1 }]));
    expect((await ledger.call('GET', `/v1/tenants/acme/terminations/${id}/coverage`)).body.attemptsSince).toMatchObject({ count: 4 });
    // And per node: the blast radius of the session shows its token's refused presentations, with sources.
    const radius = (await ledger.call('GET', '/v1/tenants/acme/blast-radius/session/S2')).body;
    expect(radius.attemptsAfterRevocation).toEqual([
      {
        type: 'TOKEN',
        id: jti,
        count: 4,
        lastAt: expect.any(Number),
        sources: expect.arrayContaining([
          { source: enforcer.id, count: 3 },
          { source: 'ledger', count: 1 },
        ]),
      },
    ]);
    // As of any moment, from the durable history: the same now, none when the termination was applied.
    const now = await ledger.runtime.store.headPosition();
    expect((await ledger.call('GET', `/v1/tenants/acme/blast-radius/session/S2?position=${now}`)).body.attemptsAfterRevocation).toEqual(
      radius.attemptsAfterRevocation,
    );
    expect(
      (await ledger.call('GET', `/v1/tenants/acme/blast-radius/session/S2?position=${killed.body.position}`)).body.attemptsAfterRevocation,
    ).toEqual([]);
    // A report naming another tenant's termination, or none, records nothing.
    const report = (tenantPath: string, key: string, terminationId: string) =>
      ledger.call(
        'POST',
        `/v1/tenants/${tenantPath}/presentations`,
        { source: 'x', presentations: [{ terminationId, credentialType: 'TOKEN', credentialId: 't', count: 1, firstAt: 1, lastAt: 2 }] },
        key,
      );
    expect((await report('other', KEYS.otherAdmin, id)).body).toEqual({ recorded: 0, ignored: 1 });
    expect((await report('acme', KEYS.read, 'no-such-termination')).body).toEqual({ recorded: 0, ignored: 1 });
    expect(
      (await ledger.call('POST', '/v1/tenants/acme/presentations', { source: 'x', presentations: [{ terminationId: id }] }, KEYS.read))
        .status,
    ).toBe(400);
    expect((await attempts()).count).toBe(4);
  });

  it('the feed says where it stands: `latest` is the tenant’s latest feed event, `limit=0` reads nothing, and a page past it is empty', async () => {
    type Page = { events: unknown[]; next: number; head: number; latest: number; done: boolean };
    const feed = async (query: string) =>
      (await ledger.call('GET', `/v1/tenants/acme/revocation-feed?${query}`, undefined, 'ks_test_acme_read')).body as Page;
    const all = await feed('after=0&limit=10000');
    expect(all.done).toBe(true);
    const positions = await feed('after=0&limit=0');
    expect(positions.events).toEqual([]);
    expect(positions.latest).toBeGreaterThan(0);
    expect(positions.done).toBe(false);
    // Nothing of acme's feed after `latest`: an empty page that says so, whatever else the store holds.
    await ledger.call(
      'POST',
      '/v1/tenants/other/facts',
      { facts: [{ type: 'session.started', sessionId: 'g-s1', userId: 'g-u1', startedAt: Date.now() }] },
      KEYS.otherAdmin,
    );
    const past = await feed(`after=${positions.latest}`);
    expect(past.events).toEqual([]);
    expect(past.done).toBe(true);
    expect(past.latest).toBe(positions.latest);
    expect(past.next).toBeGreaterThanOrEqual(positions.latest);
    // A new feed event of acme moves `latest`, and the page after the old one holds it.
    const started = await ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: [{ type: 'session.started', sessionId: 'feed-s1', userId: 'alice', startedAt: Date.now() }],
    });
    expect(started.status).toBe(200);
    const moved = await feed(`after=${positions.latest}&limit=0`);
    expect(moved.latest).toBeGreaterThan(positions.latest);
    expect((await feed(`after=${positions.latest}`)).events.length).toBeGreaterThan(0);
  });
});
