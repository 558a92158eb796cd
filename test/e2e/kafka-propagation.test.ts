import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type Relay } from '@killswitch/relay';
import { endpoint, PUSH_AUTHORIZATION, startIdpHarness, type IdpHarness } from '../src/idp-harness.ts';
import { kafkaBrokers, startEnforcerProcess, waitUntil, type EnforcerProcess } from '../src/kafka-harness.ts';

const brokers = kafkaBrokers();
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';

describe.skipIf(brokers === null)('propagation over a real Kafka to enforcers in separate processes', () => {
  let h: IdpHarness;
  let relay: Relay;
  const enforcers: EnforcerProcess[] = [];

  beforeAll(async () => {
    h = await startIdpHarness();
    relay = await startRelay({ dataDir: h.ledger.dataDir, brokers: (brokers as string).split(',') });
    for (let i = 1; i <= 3; i++) {
      enforcers.push(
        await startEnforcerProcess({
          id: `enforcer-${i}`,
          ledgerUrl: h.ledger.url,
          key: 'ks_test_acme_read',
          tenant: 'acme',
          brokers: brokers as string,
        }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(enforcers.map((e) => e.stop()));
    await relay?.stop();
    await h?.close();
  });

  it('an IdP message reaches every enforcer: revoked tokens rejected, others accepted, applied times recorded', async () => {
    // Before: every enforcer accepts alice's and bob's tokens (bootstrapped from the ledger's snapshot).
    for (const enforcer of enforcers) {
      expect((await enforcer.check({ tokenId: 'a-at-laptop' })).active).toBe(true);
      expect((await enforcer.check({ tokenId: 'b-at' })).active).toBe(true);
    }
    const set = await h.idp.sign(
      h.idp.set(
        endpoint('acme', 'ssf'),
        { format: 'complex', user: { format: 'iss_sub', iss: h.idp.issuer, sub: 'u-alice' }, session: { format: 'opaque', id: 'sid-A' } },
        `${CAEP}session-revoked`,
      ),
      { typ: 'secevent+jwt' },
    );
    const pushed = await h.ledger.raw('POST', '/idp/acme/ssf/events', set, {
      'content-type': 'application/secevent+jwt',
      authorization: PUSH_AUTHORIZATION,
    });
    expect(pushed.status).toBe(202);
    for (const enforcer of enforcers) {
      await waitUntil(
        async () => !(await enforcer.check({ tokenId: 'a-at-laptop' })).active,
        20_000,
        `${enforcer.id} applies the revocation`,
      );
      expect((await enforcer.check({ tokenId: 'a-at-agent' })).active).toBe(false); // the agent spawned from the session
      expect((await enforcer.check({ sub: 'alice', sid: 'a-laptop', iat: String(Math.floor(Date.now() / 1000) - 5) })).active).toBe(false); // a JWT by its claims
      expect((await enforcer.check({ tokenId: 'a-at-phone' })).active).toBe(true);
      expect((await enforcer.check({ tokenId: 'b-at' })).active).toBe(true);
    }
    const audit = await h.ledger.call('GET', '/v1/tenants/acme/audit');
    const terminationId = audit.body.entries[0].terminationId as string;
    await waitUntil(
      async () => (await h.ledger.call('GET', `/v1/tenants/acme/terminations/${terminationId}`)).body.propagation.completedAt !== null,
      20_000,
      'propagation recorded',
    );
    const status = (await h.ledger.call('GET', `/v1/tenants/acme/terminations/${terminationId}`)).body;
    expect(status.propagation.enforcers.map((e: { enforcerId: string }) => e.enforcerId).sort()).toEqual([
      'enforcer-1',
      'enforcer-2',
      'enforcer-3',
    ]);
    expect(status.propagation.propagationMs).toBeGreaterThanOrEqual(0);

    // The receipt is on the Kafka receipts topic too, Avro single-object encoded.
    const { Kafka, logLevel } = await import('kafkajs');
    const { RECEIPTS_TOPIC, fromFeedMessage } = await import('@killswitch/enforcer');
    const { SchemaRegistry } = await import('@killswitch/schemas');
    const consumer = new Kafka({ brokers: (brokers as string).split(','), logLevel: logLevel.NOTHING }).consumer({
      groupId: `receipts-${Date.now()}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: RECEIPTS_TOPIC, fromBeginning: true });
    const receipts: Array<{ terminationId: string; ended: { tokens: number } }> = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        const event = fromFeedMessage(SchemaRegistry.load('events'), message.value as Buffer, headers);
        if (event.metadata.tenant === 'acme') receipts.push(event.event.data as never);
      },
    });
    await waitUntil(() => receipts.some((r) => r.terminationId === terminationId), 20_000, 'receipt on Kafka');
    expect(receipts.find((r) => r.terminationId === terminationId)?.ended.tokens).toBe(status.ended.tokens);
    await consumer.disconnect();
  }, 60_000);

  it('duplicated and reordered feed messages change nothing; a Global Revocation reaches every enforcer', async () => {
    const set = await h.idp.sign(h.idp.set(endpoint('acme', 'ssf'), { format: 'opaque', id: 'bob' }, `${RISC}account-disabled`), {
      typ: 'secevent+jwt',
    });
    await h.ledger.raw('POST', '/idp/acme/ssf/events', set, {
      'content-type': 'application/secevent+jwt',
      authorization: PUSH_AUTHORIZATION,
    });
    for (const enforcer of enforcers)
      await waitUntil(async () => !(await enforcer.check({ tokenId: 'b-at' })).active, 20_000, `${enforcer.id} applies bob's revocation`);
    const before = await Promise.all(enforcers.map((e) => e.status()));
    // Republish the whole feed from the start (what a relay restart without checkpoint would do).
    const { FeedPublisher, FileCheckpoint } = await import('@killswitch/relay');
    const { SqliteEventStore } = await import('@killswitch/event-store');
    const { Kafka, logLevel } = await import('kafkajs');
    const store = new SqliteEventStore({ path: `${h.ledger.dataDir}/events.sqlite` });
    const producer = new Kafka({ brokers: (brokers as string).split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const replay = new FeedPublisher(store, producer, new FileCheckpoint(`${h.ledger.dataDir}/replay.checkpoint.json`));
    while ((await replay.publishOnce()) > 0);
    await producer.disconnect();
    await store.close();
    await new Promise((r) => setTimeout(r, 1000));
    for (const enforcer of enforcers) {
      expect((await enforcer.check({ tokenId: 'a-at-phone' })).active).toBe(true);
      expect((await enforcer.check({ tokenId: 'b-at' })).active).toBe(false);
    }
    expect((await Promise.all(enforcers.map((e) => e.status()))).map((s) => s.terminations)).toEqual(before.map((s) => s.terminations));
  }, 60_000);
});
