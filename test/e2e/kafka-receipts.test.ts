import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { RECEIPT_EVENT, startRelay, type Relay } from '@killswitch/relay';
import { startAgentRuntime, type AgentRuntime } from '../src/agent-runtime.ts';
import { endpoint, PUSH_AUTHORIZATION, startIdpHarness, type IdpHarness } from '../src/idp-harness.ts';
import { kafkaBrokers, startEnforcerProcess, waitUntil, type EnforcerProcess } from '../src/kafka-harness.ts';
import { PUBLIC_BASE_URL } from '../src/test-ledger.ts';

const brokers = kafkaBrokers();
const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';

describe.skipIf(brokers === null)('receipts to the IdP and agent cancellation', () => {
  let h: IdpHarness;
  let relay: Relay;
  let runtime: AgentRuntime;
  const enforcers: EnforcerProcess[] = [];

  beforeAll(async () => {
    runtime = await startAgentRuntime();
    h = await startIdpHarness({ idpExtra: (idp) => ({ receipts: { endpointUrl: `${idp.url}/receipts` } }) });
    const runtimeUrl = runtime.url;
    await h.ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: [{ type: 'agent.spawned', agentId: 'a-researcher', sessionId: 'a-laptop', runtimeUrl, taskId: 'task-42' }],
    });
    const registry = h.ledger.runtime.registry;
    relay = await startRelay({
      dataDir: h.ledger.dataDir,
      brokers: (brokers as string).split(','),
      receipts: {
        issuer: PUBLIC_BASE_URL,
        signingKey: h.ledger.runtime.signingKey,
        receiptTarget: (tenant, issuer) => registry.idp(tenant, issuer)?.idp.receipts,
        baseDelayMs: 50,
      },
    });
    for (let i = 1; i <= 2; i++)
      enforcers.push(
        await startEnforcerProcess({
          id: `r-enforcer-${i}`,
          ledgerUrl: h.ledger.url,
          key: 'ks_test_acme_read',
          tenant: 'acme',
          brokers: brokers as string,
        }),
      );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(enforcers.map((e) => e.stop()));
    await relay?.stop();
    await h?.close();
    await runtime?.close();
  });

  it('the IdP receives a signed receipt (verified against the ledger JWKS) whose counts match, after its receiver recovered', async () => {
    h.idp.failReceipts = 3; // the IdP's receiver is down for a while
    const set = await h.idp.sign(
      h.idp.set(
        endpoint('acme', 'ssf'),
        { format: 'complex', user: { format: 'iss_sub', iss: h.idp.issuer, sub: 'u-alice' }, session: { format: 'opaque', id: 'sid-A' } },
        `${CAEP}session-revoked`,
      ),
      { typ: 'secevent+jwt' },
    );
    expect(
      (
        await h.ledger.raw('POST', '/idp/acme/ssf/events', set, {
          'content-type': 'application/secevent+jwt',
          authorization: PUSH_AUTHORIZATION,
        })
      ).status,
    ).toBe(202);
    await waitUntil(() => h.idp.receipts.length === 1, 30_000, 'receipt delivered');

    const jwks = createLocalJWKSet((await h.ledger.raw('GET', '/.well-known/jwks.json', undefined)).body);
    const { payload, protectedHeader } = await jwtVerify(h.idp.receipts[0] as string, jwks, {
      issuer: PUBLIC_BASE_URL,
      audience: h.idp.issuer,
      typ: 'secevent+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    const receipt = (payload.events as Record<string, any>)[RECEIPT_EVENT];
    const terminationId = receipt.termination_id as string;
    // The IdP has the receipt; its delivery is recorded right after the 202.
    await waitUntil(
      async () => (await h.ledger.call('GET', `/v1/tenants/acme/terminations/${terminationId}`)).body.receipt.deliveredAt !== null,
    );
    const status = (await h.ledger.call('GET', `/v1/tenants/acme/terminations/${terminationId}`)).body;
    expect(receipt).toMatchObject({
      scope: 'session_scoped_revocation',
      ended: { sessions: 1, grants: 2, agents: 2, tokens: 4 },
      residual: { bearer: { count: 2 }, device_bound: { count: 0 } },
      ipsie: { level: 'SL2', meets: true },
    });
    expect(receipt.ended.tokens).toBe(status.ended.tokens);
    // The exact split, as the termination status has it.
    expect(receipt.ended).toMatchObject({
      refresh_tokens: status.ended.refreshTokens,
      reference_tokens: status.ended.referenceTokens,
      stateless_tokens: status.ended.statelessTokens,
      agent_tasks_cancelled: 1,
      agent_tasks_already_terminal: 0,
    });
    expect(receipt.ended.refresh_tokens + receipt.ended.reference_tokens + receipt.ended.stateless_tokens).toBe(receipt.ended.tokens);
    expect(receipt.enforcers.applied).toBe(2);
    // Coverage: every node of the revoked session ended, both live enforcers applied it, the JWTs left and until when.
    const coverage = (await h.ledger.call('GET', `/v1/tenants/acme/terminations/${terminationId}/coverage`)).body;
    expect(coverage.nodes.allEnded).toBe(true);
    expect(coverage.enforcers).toMatchObject({ allApplied: true, missing: [] });
    expect(coverage.enforcers.applied.map((e: { enforcerId: string }) => e.enforcerId).sort()).toEqual(['r-enforcer-1', 'r-enforcer-2']);
    expect(coverage.residual).toMatchObject({ bearer: { count: 2 }, stillValidNow: true });
    expect(coverage.complete).toBe(true);

    // Reuse after revocation over Kafka: a revoked token presented at an enforcer reaches the status within 2 s.
    const [enforcer] = enforcers as [EnforcerProcess];
    expect((await enforcer.check({ tokenId: 'a-at-laptop' })).active).toBe(false);
    expect((await enforcer.check({ tokenId: 'a-at-laptop' })).active).toBe(false);
    const attempts = async () =>
      (await h.ledger.call('GET', `/v1/tenants/acme/terminations/${terminationId}`)).body.attemptsAfterRevocation;
    await waitUntil(async () => (await attempts()).count === 2, 2_000, 'attempts relayed within 2 s');
    expect(await attempts()).toMatchObject({ count: 2, lastIp: '127.0.0.1', sources: [{ source: enforcer.id, count: 2 }], credentials: 1 });

    // The coverage of a Global Revocation lists every node of the user and every live enforcer.
    const global = await h.ledger.call('POST', '/v1/tenants/acme/terminations', {
      scope: 'global_revocation',
      target: { type: 'user', id: 'alice' },
      reason: 'offboarding',
    });
    expect(global.status).toBe(201);
    const globalCoverage = async () =>
      (await h.ledger.call('GET', `/v1/tenants/acme/terminations/${global.body.terminationId}/coverage`)).body;
    await waitUntil(
      async () => (await globalCoverage()).enforcers.allApplied === true,
      10_000,
      'every enforcer applied the Global Revocation',
    );
    const covered = await globalCoverage();
    expect(covered.nodes.sessions.map((s: { id: string }) => s.id).sort()).toEqual(['a-laptop', 'a-phone']);
    expect(covered.nodes.agents.map((a: { id: string }) => a.id).sort()).toEqual(['a-agent', 'a-researcher']);
    expect(covered.nodes.grants.map((g: { id: string }) => g.id).sort()).toEqual(['a-offline', 'a-online']);
    expect(covered.nodes.allEnded).toBe(true);
    expect(covered.enforcers.applied.map((e: { enforcerId: string }) => e.enforcerId).sort()).toEqual(['r-enforcer-1', 'r-enforcer-2']);
    expect(covered.complete).toBe(true);
    expect(receipt.enforcers.propagation_ms).toBe(status.propagation.propagationMs);
    expect(status.receipt).toMatchObject({ attempts: 4 });
    expect(status.receipt.failures).toHaveLength(3);

    await waitUntil(() => runtime.calls.length === 1, 10_000, 'CancelTask sent');
    expect(runtime.calls[0]).toMatchObject({ method: 'CancelTask', params: { id: 'task-42' } });
    await waitUntil(
      async () => (await h.ledger.call('GET', `/v1/tenants/acme/terminations/${terminationId}`)).body.agentCancellations.length === 1,
    );
    expect((await h.ledger.call('GET', `/v1/tenants/acme/terminations/${terminationId}`)).body.agentCancellations[0]).toMatchObject({
      agentId: 'a-researcher',
      taskId: 'task-42',
      outcome: 'canceled',
    });
  }, 60_000);
});
