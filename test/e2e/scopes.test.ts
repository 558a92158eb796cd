import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isNodeRevoked, residualOf, type SubjectRef } from '@killswitch/domain';
import { sessionGraph, type TenantGraph } from '@killswitch/projections';
import { buildFixtureGraph, TokenFactory, type FixtureGraph } from '@killswitch/testing';
import { startTestLedger, type TestLedger } from '../src/test-ledger.ts';

/**
 * Every use case of the IPSIE scope table, over HTTP against a real server on a real SQLite
 * file. Each case checks every token and session of the fixture graph before and after.
 */
const ALL_TOKENS = ['A1', 'R1', 'A1d', 'AT1', 'AT1a', 'AT2', 'R2', 'A2', 'AB'] as const;
const ALL_SESSIONS = ['S1', 'S1d', 'S2', 'SB'] as const;
const ALICE_TOKENS = ALL_TOKENS.filter((t) => t !== 'AB');
const ALICE_SESSIONS = ALL_SESSIONS.filter((s) => s !== 'SB');

type Expectation = { dead: readonly string[] };

let ledger: TestLedger;
let factory: TokenFactory;
let graph: FixtureGraph;

beforeEach(async () => {
  ledger = await startTestLedger();
  factory = await TokenFactory.create();
  graph = await buildFixtureGraph(factory, Math.floor(Date.now() / 1000));
  const ingested = await ledger.call('POST', '/v1/tenants/acme/facts', { facts: graph.facts });
  expect(ingested.status).toBe(200);
  expect(ingested.body.accepted).toBe(graph.facts.length);
});
afterEach(async () => ledger.destroy());

/** Asks the way an enforcement point would: verify the JWT, send its claims; reference tokens by id. */
async function tokenIsActive(name: string): Promise<boolean> {
  const token = graph.tokens.find((t) => t.name === name);
  if (!token) throw new Error(`no token ${name}`);
  const byId = await ledger.call('POST', '/v1/tenants/acme/check', { tokenId: token.id });
  expect(byId.status).toBe(200);
  if (token.jwt) {
    const claims = await factory.verify(token.jwt);
    const byClaims = await ledger.call('POST', '/v1/tenants/acme/check', { claims });
    expect(byClaims.body.active, `${name}: by id and by claims agree`).toBe(byId.body.active);
  }
  return byId.body.active as boolean;
}

async function sessionIsActive(id: string): Promise<boolean> {
  const result = await ledger.call('POST', '/v1/tenants/acme/check', { sessionId: id });
  expect(result.status).toBe(200);
  return result.body.active as boolean;
}

async function expectTokens({ dead }: Expectation): Promise<void> {
  const actual = Object.fromEntries(await Promise.all(ALL_TOKENS.map(async (t) => [t, await tokenIsActive(t)] as const)));
  const expected = Object.fromEntries(ALL_TOKENS.map((t) => [t, !dead.includes(t)]));
  expect(actual).toEqual(expected);
}

async function expectSessions({ dead }: Expectation): Promise<void> {
  const actual = Object.fromEntries(await Promise.all(ALL_SESSIONS.map(async (s) => [s, await sessionIsActive(s)] as const)));
  expect(actual).toEqual(Object.fromEntries(ALL_SESSIONS.map((s) => [s, !dead.includes(s)])));
}

async function terminate(scope: string, target: { type: string; id: string }, reason: string) {
  const response = await ledger.call('POST', '/v1/tenants/acme/terminations', { scope, target, reason });
  expect(response.status).toBe(201);
  expect(response.body.status).toBe('applied');
  return response.body;
}

async function unseenJwtIsActive(): Promise<boolean> {
  const claims = await factory.verify(graph.unseenJwt);
  return (await ledger.call('POST', '/v1/tenants/acme/check', { claims })).body.active as boolean;
}

describe('before any termination', () => {
  it('every token and session of the fixture is active', async () => {
    await expectTokens({ dead: [] });
    await expectSessions({ dead: [] });
    expect(await unseenJwtIsActive()).toBe(true);
  });
});

describe('Session Invalidation: the interactive session ends, tokens and agents survive', () => {
  it('user logout ends that session and its derived session only', async () => {
    const outcome = await terminate('session_invalidation', { type: 'session', id: 'S1' }, 'user logout');
    expect(outcome.ended.sessionsInvalidated.sort()).toEqual(['S1', 'S1d']);
    expect(outcome.ended.tokens).toBe(0);
    await expectSessions({ dead: ['S1', 'S1d'] });
    await expectTokens({ dead: [] });
  });

  it('step-up re-authentication invalidates every session of the user', async () => {
    await terminate('session_invalidation', { type: 'user', id: 'alice' }, 'step-up re-authentication required');
    await expectSessions({ dead: ALICE_SESSIONS });
    await expectTokens({ dead: [] });
  });

  it('a network or risk change invalidates the session it was seen on', async () => {
    await terminate('session_invalidation', { type: 'session', id: 'S2' }, 'network change');
    await expectSessions({ dead: ['S2'] });
    await expectTokens({ dead: [] });
  });
});

describe('Session-Scoped Revocation: one node and everything derived from it', () => {
  it("lost device: that device's sessions, tokens and agents die, other devices live", async () => {
    const outcome = await terminate('session_scoped_revocation', { type: 'device', id: 'laptop' }, 'device reported lost');
    expect(outcome.ended.sessionsRevoked.sort()).toEqual(['S1', 'S1d']);
    expect(outcome.ended.agents.sort()).toEqual(['AG1', 'AG1a', 'AG2']);
    expect(outcome.ended.grants.sort()).toEqual(['G1', 'GA1']);
    expect(outcome.ended.devices).toEqual(['laptop']);
    expect(outcome.ended.tokens).toBe(6);
    // A1, AT1, AT2 bearer; A1d, AT1a DPoP-bound; all expire within the hour.
    expect(outcome.residual.bearer.count).toBe(3);
    expect(outcome.residual.deviceBound.count).toBe(2);
    expect(outcome.verdict).toMatchObject({ level: 'SL2', meets: false });
    await expectTokens({ dead: ['A1', 'R1', 'A1d', 'AT1', 'AT1a', 'AT2'] });
    await expectSessions({ dead: ['S1', 'S1d'] });
  });

  it('abnormal agent: it, its sub-agents and their tokens die; the session and other agents live', async () => {
    const outcome = await terminate('session_scoped_revocation', { type: 'agent', id: 'AG1' }, 'abnormal agent behaviour');
    expect(outcome.ended.agents.sort()).toEqual(['AG1', 'AG1a']);
    expect(outcome.ended.grants).toEqual(['GA1']);
    expect(outcome.ended.sessionsRevoked).toEqual([]);
    await expectTokens({ dead: ['AT1', 'AT1a'] });
    await expectSessions({ dead: [] });
  });
});

describe('Global Revocation: everything of the user, in one not-before event', () => {
  const cases = [
    ['IdP security event', 'idp security event'],
    ['high-confidence compromise', 'high-confidence compromise'],
    ['password reset', 'password reset'],
    ['credential compromise', 'credential compromise'],
  ] as const;
  for (const [name, reason] of cases) {
    it(`${name}: every token, session and agent of the user dies, incl. offline grants and unseen JWTs; bob lives`, async () => {
      const outcome = await terminate('global_revocation', { type: 'user', id: 'alice' }, reason);
      expect(outcome.ended.tokens).toBe(ALICE_TOKENS.length);
      expect(outcome.ended.grants.sort()).toEqual(['G1', 'G2', 'GA1']);
      await expectTokens({ dead: ALICE_TOKENS });
      await expectSessions({ dead: ALICE_SESSIONS });
      expect(await unseenJwtIsActive()).toBe(false);
    });
  }

  it('employee termination: every agent token fails; a fresh login afterwards works', async () => {
    await terminate('global_revocation', { type: 'user', id: 'alice' }, 'employee terminated');
    for (const agentToken of ['AT1', 'AT1a', 'AT2']) expect(await tokenIsActive(agentToken)).toBe(false);
    await expectTokens({ dead: ALICE_TOKENS });
    // Not-before, not a ban: a session and token issued after the cut-off are good.
    await new Promise((r) => setTimeout(r, 1100));
    const later = Date.now();
    const fresh = await ledger.call('POST', '/v1/tenants/acme/facts', {
      facts: [
        { type: 'session.started', sessionId: 'S3', userId: 'alice', startedAt: later },
        {
          type: 'token.minted',
          kind: 'access',
          format: 'reference',
          tokenId: 'fresh',
          sessionId: 'S3',
          issuedAt: later,
          expiresAt: later + 60_000,
        },
      ],
    });
    expect(fresh.status).toBe(200);
    expect(await sessionIsActive('S3')).toBe(true);
    expect((await ledger.call('POST', '/v1/tenants/acme/check', { tokenId: 'fresh' })).body.active).toBe(true);
  });
});

describe('idempotency and restarts', () => {
  it('re-applying a termination changes nothing', async () => {
    const key = { 'idempotency-key': 'incident-42' };
    const body = { scope: 'session_scoped_revocation', target: { type: 'session', id: 'S1' }, reason: 'incident 42' };
    const first = await ledger.call('POST', '/v1/tenants/acme/terminations', body, undefined, key);
    const head = await ledger.runtime.store.headPosition();
    const again = await ledger.call('POST', '/v1/tenants/acme/terminations', body, undefined, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ replayed: true, terminationId: first.body.terminationId });
    expect(await ledger.runtime.store.headPosition()).toBe(head);
    // A different termination of the already-revoked session revokes nothing new.
    const other = await ledger.call('POST', '/v1/tenants/acme/terminations', { ...body, reason: 'again' });
    expect(other.body.noChange).toBe(true);
    expect(other.body.ended.tokens).toBe(0);
  });

  it('concurrent terminations: each node is ended by exactly one of them, whatever arrives together', async () => {
    // Overlapping (alice's session, then alice herself) and independent (bob) requests in flight at once.
    const [session, user, bob, again] = await Promise.all([
      terminate('session_scoped_revocation', { type: 'session', id: 'S1' }, 'overlap 1'),
      terminate('global_revocation', { type: 'user', id: 'alice' }, 'overlap 2'),
      terminate('global_revocation', { type: 'user', id: 'bob' }, 'independent'),
      terminate('session_scoped_revocation', { type: 'session', id: 'S2' }, 'overlap 3'),
    ]);
    // Alice's tokens are counted once in all: sequential decisions, in arrival order.
    expect(session.ended.tokens + user.ended.tokens + again.ended.tokens).toBe(ALICE_TOKENS.length);
    expect(session.ended.tokens).toBeGreaterThan(0);
    expect(bob.ended.tokens).toBe(1);
    await expectTokens({ dead: ALL_TOKENS });
  });

  it("a receipt's token tally from the graph's columns equals counting every listed token, for every node", async () => {
    const compareAll = () => {
      const graph = ledger.runtime.host.state(sessionGraph).tenants.get('acme') as TenantGraph;
      const now = Date.now();
      const roots: SubjectRef[] = [
        ...[...graph.users.keys()].map((id) => ({ type: 'USER' as const, id })),
        ...[...graph.sessions.keys()].map((id) => ({ type: 'SESSION' as const, id })),
        ...[...graph.grants.keys()].map((id) => ({ type: 'GRANT' as const, id })),
        ...[...graph.agents.keys()].map((id) => ({ type: 'AGENT' as const, id })),
      ];
      for (const root of roots) {
        const userId = graph.userOf(root) as string;
        const listed = graph.descendants(root).tokens.filter((t) => t.expiresAt > now);
        const live = listed.filter((t) => !isNodeRevoked(t, graph));
        const expected = {
          live: {
            tokens: live.length,
            refreshTokens: live.filter((t) => t.kind === 'REFRESH').length,
            referenceTokens: live.filter((t) => t.kind !== 'REFRESH' && t.format === 'REFERENCE').length,
            statelessTokens: live.filter((t) => t.kind !== 'REFRESH' && t.format !== 'REFERENCE').length,
          },
          residual: residualOf(listed, now),
        };
        expect(graph.tokenTally(userId, [root], graph, now), `${root.type} ${root.id}`).toEqual(expected);
      }
      return roots.length;
    };
    expect(compareAll()).toBeGreaterThan(10);
    await terminate('token_revocation', { type: 'token', id: graph.tokens.find((t) => t.name === 'A2')?.id as string }, 'one token');
    compareAll();
    await terminate('session_scoped_revocation', { type: 'agent', id: 'AG1' }, 'abnormal agent');
    compareAll();
    await terminate('global_revocation', { type: 'user', id: 'alice' }, 'offboarding');
    compareAll();
  });

  it('restarting on the same data directory gives identical answers', async () => {
    await terminate('session_scoped_revocation', { type: 'agent', id: 'AG1' }, 'abnormal agent');
    await terminate('session_invalidation', { type: 'session', id: 'S2' }, 'risk change');
    const answers = async () => ({
      tokens: await Promise.all(ALL_TOKENS.map(async (t) => [t, await tokenIsActive(t)])),
      sessions: await Promise.all(ALL_SESSIONS.map(async (s) => [s, await sessionIsActive(s)])),
      inventory: (await ledger.call('GET', '/v1/tenants/acme/users/alice/sessions')).body,
      audit: (await ledger.call('GET', '/v1/tenants/acme/audit')).body,
    });
    const before = await answers();
    ledger = await ledger.restart();
    expect(await answers()).toEqual(before);
  });
});
