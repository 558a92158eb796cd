import { afterEach, describe, expect, it } from 'vitest';
import { SsfPoller } from '@killswitch/ledger';
import { endpoint, PUSH_AUTHORIZATION, startIdpHarness, states, type IdpHarness } from '../src/idp-harness.ts';
import { waitUntil } from '../src/kafka-harness.ts';

const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
const SSF = 'https://schemas.openid.net/secevent/ssf/event-type/';
const MANAGEMENT_TOKEN = 'transmitter-management-token';
let h: IdpHarness;
afterEach(async () => h.close());

describe('SSF poll delivery (RFC 8936)', () => {
  it('applies polled SETs, acknowledges them by jti, reports setErrs, and applies a redelivered SET once', async () => {
    h = await startIdpHarness();
    const poller = new SsfPoller({
      tenant: 'acme',
      endpointUrl: `${h.idp.url}/ssf/poll`,
      authorization: `Bearer ${MANAGEMENT_TOKEN}`,
      maxEvents: 10,
      intervalMs: 10,
      receiver: h.ledger.runtime.receiver,
    });
    const good = h.idp.set(endpoint('acme', 'ssf'), { format: 'iss_sub', iss: h.idp.issuer, sub: 'u-alice' }, `${RISC}account-disabled`);
    const bad = h.idp.set(endpoint('other', 'ssf'), { format: 'iss_sub', iss: h.idp.issuer, sub: 'u-bob' }, `${RISC}account-disabled`);
    h.idp.enqueue(good.jti as string, await h.idp.sign(good, { typ: 'secevent+jwt' }));
    h.idp.enqueue(bad.jti as string, await h.idp.sign(bad, { typ: 'secevent+jwt' }));
    await poller.pollOnce();
    expect(await states(h.ledger, { tokens: ['a-at-phone', 'b-at'] })).toEqual({ 'a-at-phone': false, 'b-at': true });
    // Redelivered before the acknowledgement reached the transmitter: applied once.
    const head = await h.head();
    await poller.pollOnce();
    expect(await h.head()).toBe(head);
    const sent = h.idp.pollRequests.at(-1);
    expect(sent?.ack).toEqual([good.jti]);
    expect(sent?.setErrs).toEqual({ [bad.jti as string]: { err: 'invalid_audience', description: 'aud does not name this receiver' } });
    expect(h.idp.pollQueue.size).toBe(0);
  });

  it('backs off exponentially while the transmitter fails, and recovers', async () => {
    h = await startIdpHarness();
    const poller = new SsfPoller({
      tenant: 'acme',
      endpointUrl: `${h.idp.url}/ssf/poll`,
      authorization: `Bearer ${MANAGEMENT_TOKEN}`,
      maxEvents: 10,
      intervalMs: 100,
      maxBackoffMs: 5000,
      receiver: h.ledger.runtime.receiver,
    });
    h.idp.failPolls = 3;
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      await expect(poller.pollOnce()).rejects.toThrow('500');
      delays.push(poller.backoffMs);
    }
    expect(delays).toEqual([200, 400, 800]);
    const set = h.idp.set(endpoint('acme', 'ssf'), { format: 'opaque', id: 'bob' }, `${RISC}account-purged`);
    h.idp.enqueue(set.jti as string, await h.idp.sign(set, { typ: 'secevent+jwt' }));
    await poller.pollOnce();
    expect(poller.consecutiveFailures).toBe(0);
    expect((await states(h.ledger, { tokens: ['b-at'] }))['b-at']).toBe(false);
  });
});

describe('SSF stream management: a tenant connected by configuration alone', () => {
  it('poll delivery: discovers, creates the stream, requests verification, polls, and checks the echoed state', async () => {
    h = await startIdpHarness({
      idpExtra: (idp) => ({
        ssf: {
          management: {
            transmitter: idp.issuer,
            bearerToken: MANAGEMENT_TOKEN,
            delivery: 'poll',
            eventsRequested: [`${RISC}account-disabled`],
          },
        },
      }),
    });
    await h.ledger.runtime.ssf.connectAll();
    expect(h.idp.streams.size).toBe(1);
    const [stream] = [...h.idp.streams.values()];
    expect(stream).toMatchObject({ delivery: { method: 'urn:ietf:rfc:8936' }, events_requested: [`${RISC}account-disabled`] });
    const request = h.idp.verificationRequests[0];
    expect(request?.stream_id).toBe(stream?.stream_id);
    const subject = { format: 'opaque', id: String(stream?.stream_id) };
    const verification = h.idp.set(endpoint('acme', 'ssf'), subject, `${SSF}verification`, { state: request?.state });
    const forged = h.idp.set(endpoint('acme', 'ssf'), subject, `${SSF}verification`, { state: 'not-what-we-asked' });
    h.idp.enqueue(verification.jti as string, await h.idp.sign(verification, { typ: 'secevent+jwt' }));
    h.idp.enqueue(forged.jti as string, await h.idp.sign(forged, { typ: 'secevent+jwt' }));
    await waitUntil(() => h.idp.pollRequests.some((r) => (r.ack ?? []).includes(verification.jti as string)));
    await waitUntil(() => h.idp.pollRequests.some((r) => Object.keys(r.setErrs ?? {}).includes(forged.jti as string)));
    const errs = h.idp.pollRequests.find((r) => r.setErrs?.[forged.jti as string])?.setErrs;
    expect(errs?.[forged.jti as string]).toMatchObject({ err: 'invalid_state' });
  });

  it('push delivery: the stream points at this tenant’s endpoint with a fresh credential; a restart adopts the stream', async () => {
    h = await startIdpHarness({
      idpExtra: (idp) => ({ ssf: { management: { transmitter: idp.issuer, bearerToken: MANAGEMENT_TOKEN, delivery: 'push' } } }),
    });
    const first = await h.ledger.runtime.ssf.connect('acme', h.idp.issuer);
    expect(first.stream.delivery).toMatchObject({ method: 'urn:ietf:rfc:8935', endpoint_url: endpoint('acme', 'ssf/events') });
    const credential = String(first.stream.delivery.authorization_header);
    const set = await h.idp.sign(h.idp.set(endpoint('acme', 'ssf'), { format: 'opaque', id: 'bob' }, `${RISC}account-purged`), {
      typ: 'secevent+jwt',
    });
    const pushed = await h.ledger.raw('POST', '/idp/acme/ssf/events', set, {
      'content-type': 'application/secevent+jwt',
      authorization: credential,
    });
    expect(pushed.status).toBe(202);
    expect(PUSH_AUTHORIZATION).not.toBe(credential);
    const again = await h.ledger.runtime.ssf.connect('acme', h.idp.issuer);
    expect(h.idp.streams.size).toBe(1);
    expect(again.stream.stream_id).toBe(first.stream.stream_id);
  });
});
