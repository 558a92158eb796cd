import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@killswitch/event-store';
import type { DomainEvent } from '@killswitch/schemas';
import { findRevocation } from '@killswitch/domain';
import { recorded, sessionStarted, subjectRevoked, tokenMinted } from '@killswitch/testing';
import { checkClaims, checkToken } from './check.ts';
import { deserialize, serialize } from 'node:v8';
import { sessionGraph } from '../session-graph/projection.ts';
import { EXPIRY_GRACE_MS, revocationStatus } from './projection.ts';

const MIN = 60_000;
const at = (event: DomainEvent, recordedAt: number, tenant = 'acme') => recorded(event, { recordedAt, tenant }) as RecordedEvent;
const minted = (tokenId: string, expiresAt: number): DomainEvent => tokenMinted({ tokenId, expiresAt });
const revokedToken = (tokenId: string, expiresAt: number): DomainEvent =>
  subjectRevoked({ subject: { type: 'TOKEN', id: tokenId }, expiresAt, at: 1 });

/** Both hot projections, fed the same events. */
function indexAndGraph() {
  const state = revocationStatus.initialState();
  const graph = sessionGraph.initialState();
  const both = (event: DomainEvent, recordedAt: number) => {
    revocationStatus.evolve(state, at(event, recordedAt));
    sessionGraph.evolve(graph, at(event, recordedAt));
  };
  return { state, graph, both };
}

describe('revocation-status index', () => {
  it('drops tokens and their revocations once they would have expired anyway', () => {
    const state = revocationStatus.initialState();
    revocationStatus.evolve(state, at(minted('short', 10 * MIN), 0));
    revocationStatus.evolve(state, at(minted('long', 120 * MIN), 0));
    revocationStatus.evolve(state, at(revokedToken('short', 10 * MIN), 1));
    const index = state.tenants.get('acme');
    expect(index?.tokens.size).toBe(2);
    // Time moves with the events' recorded time, never with a clock: rebuilds drop the same entries.
    revocationStatus.evolve(state, at(minted('later', 200 * MIN), 10 * MIN + EXPIRY_GRACE_MS + 2 * MIN));
    expect([...(index?.tokens.keys() ?? [])].sort()).toEqual(['later', 'long']);
    expect(index?.revokedTokens.size).toBe(0);
    expect(checkToken(index, 'short', 11 * MIN)).toEqual({ active: false, reason: 'unknown' });
  });

  it('a freed slot taken by a longer-lived token keeps it past the stale expiry entry of the slot (index and graph)', () => {
    const { state, graph, both } = indexAndGraph();
    const index = () => state.tenants.get('acme');
    const graphTokens = () => [...(graph.tenants.get('acme')?.tokens.toMap().keys() ?? [])].sort();
    // 'x' is reported twice, the second time with an earlier expiry: two queue entries for its slot.
    both(minted('x', 60 * MIN), 0);
    both(minted('x', 10 * MIN), 0);
    // Past the earlier one: 'x' goes, and 'long' takes its slot.
    both(sessionStarted({ sessionId: 'tick-1' }), 10 * MIN + EXPIRY_GRACE_MS + 2 * MIN);
    both(minted('long', 120 * MIN), 10 * MIN + EXPIRY_GRACE_MS + 2 * MIN);
    expect(index()?.tokens.slot('long')).toBe(0);
    // Past the later one: the slot's stale entry pops, and 'long' stays.
    both(sessionStarted({ sessionId: 'tick-2' }), 60 * MIN + EXPIRY_GRACE_MS + 2 * MIN);
    expect([...(index()?.tokens.keys() ?? [])]).toEqual(['long']);
    expect(checkToken(index(), 'long', 61 * MIN).active).toBe(true);
    expect(graphTokens()).toEqual(['long']);
    // Past 'long': it goes too.
    both(sessionStarted({ sessionId: 'tick-3' }), 120 * MIN + EXPIRY_GRACE_MS + 2 * MIN);
    expect(index()?.tokens.size).toBe(0);
    expect(graphTokens()).toEqual([]);
  });

  it('ended sessions leave the index and the graph; numbers they free are reused without carrying a revocation over', () => {
    const { state, graph, both } = indexAndGraph();
    const index = () => state.tenants.get('acme');
    const lineage = (...sessions: string[]) => ({ sessions, agents: [], grants: [], deviceId: null });
    const token = (tokenId: string, sessionId: string, expiresAt: number, ancestors: string[] = []) =>
      tokenMinted({ tokenId, sessionId, expiresAt, issuedAt: 0, lineage: lineage(sessionId, ...ancestors) });
    const ended = (sessionId: string): DomainEvent => ({
      type: 'SessionEnded',
      data: { sessionId, userId: 'alice', endedAt: 0, reason: 'logout' },
    });
    // Wave 1: 50 sessions, signed out, their tokens expired; one of them revoked.
    for (let i = 0; i < 50; i++) {
      both(sessionStarted({ sessionId: `old${i}` }), 0);
      both(token(`old${i}-t`, `old${i}`, 5 * MIN), 0);
      both(ended(`old${i}`), 0);
    }
    both(subjectRevoked({ subject: { type: 'SESSION', id: 'old7' }, at: 1, expiresAt: null }), 1);
    // Wave 2, past the first: 50 new sessions take freed numbers; a child session outlives its ended parent.
    const later = 10 * MIN + EXPIRY_GRACE_MS + 2 * MIN;
    both(sessionStarted({ sessionId: 'tick' }), later);
    expect(index()?.sessions.size).toBe(1);
    expect(index()?.tokens.originCount).toBe(1);
    expect(index()?.tokens.internedCount).toBe(0);
    expect(index()?.tokens.profileCount).toBe(0);
    expect(index()?.dense.sessions.size).toBe(2); // tick, and old7 for its revocation flag
    expect(graph.tenants.get('acme')?.sessions.size).toBe(1);
    for (let i = 0; i < 50; i++) {
      both(sessionStarted({ sessionId: `new${i}` }), later);
      both(token(`new${i}-t`, `new${i}`, later + 60 * MIN), later);
    }
    both(sessionStarted({ sessionId: 'parent' }), later);
    both(sessionStarted({ sessionId: 'child', parentSessionId: 'parent', ancestors: ['parent'] }), later);
    both(token('child-t', 'child', later + 60 * MIN, ['parent']), later);
    both(ended('parent'), later);
    const after = later + EXPIRY_GRACE_MS + 2 * MIN;
    both(sessionStarted({ sessionId: 'tick-2' }), after);
    expect(index()?.sessions.has('parent')).toBe(false);
    expect(graph.tenants.get('acme')?.sessions.has('parent')).toBe(true); // its child still lives
    // No reused number carries old7's revocation; the ended parent's revocation still reaches its child's token.
    for (let i = 0; i < 50; i++) expect(checkToken(index(), `new${i}-t`, after).active).toBe(true);
    expect(checkToken(index(), 'child-t', after).active).toBe(true);
    both(subjectRevoked({ subject: { type: 'SESSION', id: 'parent' }, at: after, expiresAt: null }), after);
    expect(checkToken(index(), 'child-t', after)).toMatchObject({ active: false, reason: 'revoked' });
    expect(checkToken(index(), 'new3-t', after).active).toBe(true);
    // The child and its parent leave the graph together once the child has ended and its token expired.
    both(ended('child'), after);
    both(sessionStarted({ sessionId: 'tick-3' }), later + 60 * MIN + EXPIRY_GRACE_MS + 2 * MIN);
    const left = graph.tenants.get('acme');
    expect([...(left?.sessions.keys() ?? [])].sort()).toEqual(
      ['tick', 'tick-2', 'tick-3', ...Array.from({ length: 50 }, (_, i) => `new${i}`)].sort(),
    );
    expect(left?.children.size).toBe(0);
    // A snapshot round trip (revive, as a restart does) holds the same state.
    expect(revocationStatus.snapshot(revocationStatus.revive(deserialize(serialize(state))))).toEqual(revocationStatus.snapshot(state));
  });

  it('a restored index and graph hold the same tokens as the live ones', () => {
    const state = revocationStatus.initialState();
    const graph = sessionGraph.initialState();
    for (let n = 0; n < 50; n++) {
      const event = at(minted(`t${n}`, (n + 1) * MIN), n * 1000);
      revocationStatus.evolve(state, event);
      sessionGraph.evolve(graph, event);
    }
    const revived = revocationStatus.revive(deserialize(serialize(state)));
    expect(revived.tenants.get('acme')?.tokens.toMap()).toEqual(state.tenants.get('acme')?.tokens.toMap());
    expect(checkToken(revived.tenants.get('acme'), 't7', 0).active).toBe(true);
    const graphRevived = sessionGraph.revive(deserialize(serialize(graph)));
    expect(graphRevived.tenants.get('acme')?.tokens.toMap()).toEqual(graph.tenants.get('acme')?.tokens.toMap());
  });

  it('keeps tenants apart: the same ids in two tenants never meet', () => {
    const state = revocationStatus.initialState();
    revocationStatus.evolve(state, at(minted('t1', 60 * MIN), 0, 'acme'));
    revocationStatus.evolve(state, at(minted('t1', 60 * MIN), 0, 'other'));
    const cutoff = subjectRevoked({ subject: { type: 'USER', id: 'alice' }, effect: 'NOT_BEFORE', notBefore: 5, at: 5 });
    revocationStatus.evolve(state, at(cutoff, 5, 'other'));
    expect(checkToken(state.tenants.get('acme'), 't1', 1).active).toBe(true);
    expect(checkToken(state.tenants.get('other'), 't1', 1).active).toBe(false);
    expect(checkClaims(state.tenants.get('acme'), { sub: 'alice', iat: 0 }, 1).active).toBe(true);
    expect(checkClaims(state.tenants.get('other'), { sub: 'alice', iat: 0 }, 1).active).toBe(false);
  });

  it('a claim check refuses a token whose sid belongs to another user', () => {
    const state = revocationStatus.initialState();
    revocationStatus.evolve(state, at(sessionStarted({ sessionId: 's1' }), 0));
    expect(checkClaims(state.tenants.get('acme'), { sub: 'mallory', sid: 's1', iat: 1 }, 2)).toEqual({
      active: false,
      reason: 'lineage_mismatch',
    });
  });

  it('a revoked token is refused with the revocation findRevocation names, whichever ancestor it is; the same answer object each time', () => {
    const lineage = { sessions: ['s2', 's1'], agents: ['a2', 'a1'], grants: ['g2', 'g1'], deviceId: 'd1' };
    const revocations: Array<[string, 'USER' | 'DEVICE' | 'SESSION' | 'AGENT' | 'GRANT' | 'TOKEN', string]> = [
      ['user', 'USER', 'u1'],
      ['device', 'DEVICE', 'd1'],
      ['session', 'SESSION', 's2'],
      ['parent session', 'SESSION', 's1'],
      ['agent', 'AGENT', 'a2'],
      ['parent agent', 'AGENT', 'a1'],
      ['grant', 'GRANT', 'g2'],
      ['parent grant', 'GRANT', 'g1'],
      ['token', 'TOKEN', 't1'],
    ];
    // Each alone, then every pair: findRevocation's order decides which one is named.
    const sets = revocations.flatMap((first, i) => [[first], ...revocations.slice(i + 1).map((second) => [first, second])]);
    for (const set of sets) {
      const state = revocationStatus.initialState();
      revocationStatus.evolve(state, at(tokenMinted({ tokenId: 't1', userId: 'u1', issuedAt: 10, expiresAt: 60 * MIN, lineage }), 10));
      set.forEach(([, type, id], n) => {
        const notBefore = type === 'USER' || type === 'DEVICE' ? { effect: 'NOT_BEFORE' as const, notBefore: 20 } : {};
        revocationStatus.evolve(
          state,
          at(subjectRevoked({ terminationId: `T${n}`, userId: 'u1', subject: { type, id }, at: 20, ...notBefore }), 20),
        );
      });
      const index = state.tenants.get('acme');
      const found = index && findRevocation(index, { userId: 'u1', issuedAt: 10, lineage, tokenId: 't1' });
      const label = set.map(([name]) => name).join(' + ');
      expect(found, label).toBeTruthy();
      const answer = checkToken(index, 't1', 30);
      expect(answer, label).toEqual({
        active: false,
        reason: 'revoked',
        cause: found?.cause,
        terminationId: found?.terminationId,
        revokedAt: found?.at,
        by: found?.by,
      });
      expect(checkToken(index, 't1', 31), label).toBe(answer);
      expect(Object.isFrozen(answer)).toBe(true);
    }
  });
});
