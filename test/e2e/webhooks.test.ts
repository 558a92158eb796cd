import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { messageOf } from '@killswitch/ledger';
import { waitUntil } from '../src/kafka-harness.ts';
import { startTestLedger, type TestLedger } from '../src/test-ledger.ts';

const OLD_SECRET = `whsec_${Buffer.from('old secret of the app, 32 bytes!').toString('base64')}`;
const NEW_SECRET = `whsec_${Buffer.from('new secret of the app, 32 bytes!').toString('base64')}`;

/** A real receiver: verifies every delivery with the library's own verifier; fails the first `failures` requests. */
async function startReceiver(failures: number) {
  const verifier = new Webhook(NEW_SECRET); // rotated: the ledger signs with both secrets meanwhile
  const accepted: Array<{ id: string; type: string; data: Record<string, unknown> }> = [];
  const state = { failures, requests: 0, badSignatures: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.requests++;
      try {
        verifier.verify(body, req.headers as Record<string, string>);
      } catch {
        state.badSignatures++;
        res.writeHead(400).end();
        return;
      }
      if (state.failures > 0) {
        state.failures--;
        res.writeHead(500).end();
        return;
      }
      const message = JSON.parse(body) as { type: string; data: Record<string, unknown> };
      accepted.push({ id: req.headers['webhook-id'] as string, ...message });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    accepted,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let ledger: TestLedger | undefined;
afterEach(async () => {
  await ledger?.destroy();
  ledger = undefined;
});

/** The ledger's own webhook reactor, with retries short enough for a test. */
const fast = (windowMs = 86_400_000) => ({ webhookRetry: { baseDelayMs: 20, maxDelayMs: 200, windowMs } });

describe('outbound webhooks (Standard Webhooks)', () => {
  it('signed, verified by the library, retried through 500s, each webhook-id accepted once, in order per user, across a restart', async () => {
    const receiver = await startReceiver(3);
    let l = (ledger = await startTestLedger({
      extra: fast(),
      tenantExtras: { acme: { webhooks: [{ id: 'app', url: receiver.url, secrets: [OLD_SECRET, NEW_SECRET] }] } },
    }));
    const terminate = (scope: string, type: string, id: string) =>
      l.call('POST', '/v1/tenants/acme/terminations', { scope, target: { type, id }, reason: 'webhook test' });
    await l.call('POST', '/v1/tenants/acme/facts', {
      facts: [
        { type: 'session.started', sessionId: 's1', userId: 'alice' },
        { type: 'session.started', sessionId: 's2', userId: 'alice' },
        { type: 'session.started', sessionId: 's3', userId: 'bob' },
      ],
    });
    l.runtime.webhooks.start();
    expect((await terminate('session_invalidation', 'session', 's1')).status).toBe(201);
    expect((await terminate('session_scoped_revocation', 'session', 's3')).status).toBe(201);
    await waitUntil(() => receiver.accepted.length >= 2, 10_000, 'first messages through the failures');
    l = ledger = await l.restart(); // the whole ledger restarts in the middle: the reactor resumes from its checkpoint
    l.runtime.webhooks.start();
    expect((await terminate('global_revocation', 'user', 'alice')).status).toBe(201);

    // What should go out: every message the store's events make, in store order.
    const events = await l.runtime.store.readAll({ after: 0, maxCount: 10_000 });
    const expected = events
      .filter((e) => e.metadata.tenant === 'acme')
      .map(messageOf)
      .filter((m) => m !== null);
    expect(expected.filter((m) => m.type === 'termination.applied')).toHaveLength(3);
    expect(expected.map((m) => m.type)).toEqual(expect.arrayContaining(['session.invalidated', 'session.revoked']));
    await waitUntil(() => receiver.accepted.length >= expected.length, 10_000, 'every message accepted');
    await new Promise((r) => setTimeout(r, 200));
    const ids = receiver.accepted.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length); // each webhook-id accepted exactly once
    expect([...ids].sort()).toEqual(expected.map((m) => m.webhookId).sort());
    for (const user of ['alice', 'bob']) {
      const order = (
        list: Array<{ id?: string; webhookId?: string; data?: Record<string, unknown>; body?: { data: Record<string, unknown> } }>,
      ) => list.filter((m) => (m.data ?? m.body?.data)?.userId === user).map((m) => m.id ?? m.webhookId);
      expect(order(receiver.accepted), `order for ${user}`).toEqual(order(expected as never));
    }
    expect(receiver.state.badSignatures).toBe(0);
    expect(receiver.accepted.find((m) => m.type === 'session.revoked' && m.data.sessionId === 's3')?.data).toMatchObject({
      tenant: 'acme',
      userId: 'bob',
    });
    // Every attempt is an event: the accepted ones and the 3 refused.
    const attempts = (await l.runtime.store.readAll({ after: 0, maxCount: 10_000 })).filter((e) => e.event.type === 'WebhookAttempted');
    expect(attempts).toHaveLength(expected.length + 3);
    expect(attempts.filter((e) => (e.event.data as { delivered: boolean }).delivered)).toHaveLength(expected.length);
    expect((await l.call('GET', '/v1/tenants/acme/webhooks/undelivered')).body.messages).toEqual([]);
    await receiver.close();
  });

  it('after the retry window an undelivered message is listed, and a resend on demand delivers it with the same webhook-id', async () => {
    const receiver = await startReceiver(1_000_000); // down
    const l = (ledger = await startTestLedger({
      extra: fast(300),
      tenantExtras: { acme: { webhooks: [{ id: 'app', url: receiver.url, secrets: [NEW_SECRET], events: ['session.revoked'] }] } },
    }));
    await l.call('POST', '/v1/tenants/acme/facts', { facts: [{ type: 'session.started', sessionId: 'z1', userId: 'zoe' }] });
    l.runtime.webhooks.start();
    await l.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'session_scoped_revocation',
      target: { type: 'session', id: 'z1' },
      reason: 'x',
    });
    const owed = async () => (await l.call('GET', '/v1/tenants/acme/webhooks/undelivered')).body.messages;
    await waitUntil(async () => (await owed()).some((m: { final: boolean }) => m.final), 10_000, 'given up after the window');
    const [message] = await owed();
    expect(message).toMatchObject({ endpointId: 'app', eventType: 'session.revoked', final: true });
    expect(message.attempts).toBeGreaterThan(1);
    expect(receiver.accepted).toEqual([]);

    receiver.state.failures = 0; // the receiver is back
    const resent = await l.call('POST', `/v1/tenants/acme/webhooks/app/messages/${message.webhookId}/resend`);
    expect(resent).toMatchObject({ status: 200, body: { delivered: true } });
    expect(receiver.accepted.map((m) => m.id)).toEqual([message.webhookId]);
    expect(await owed()).toEqual([]);
    expect((await l.call('POST', `/v1/tenants/acme/webhooks/app/messages/${message.webhookId}/resend`)).status).toBe(404);
    await receiver.close();
  });
});
