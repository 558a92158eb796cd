import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Enforcer, enforcerMiddleware, enforcerPlugin } from '@killswitch/enforcer';
import { buildFixtureGraph, TokenFactory, type FixtureGraph } from '@killswitch/testing';
import { startTestLedger, type TestLedger } from '../src/test-ledger.ts';
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
});
