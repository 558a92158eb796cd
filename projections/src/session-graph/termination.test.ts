import { describe, expect, it } from 'vitest';
import { decideTermination, summarizeTermination, type RequestTermination } from '@killswitch/domain';
import type { RecordedEvent } from '@killswitch/event-store';
import type { DomainEvent, EventData } from '@killswitch/schemas';
import { recorded, sessionStarted, subjectRevoked, terminationRequestedData, tokenMinted } from '@killswitch/testing';
import { sessionGraph } from './projection.ts';

/** given(facts) → a session graph; when(termination) → then(events), as the decider sees it. */
function given(events: DomainEvent[]) {
  const state = sessionGraph.initialState();
  events.forEach((event) => sessionGraph.evolve(state, recorded(event) as RecordedEvent));
  const graph = state.tenants.get('acme');
  if (!graph) throw new Error('empty graph');
  return {
    when: (request: Partial<EventData<'TerminationRequested'>> & Pick<EventData<'TerminationRequested'>, 'scope' | 'target'>) => {
      const command: RequestTermination = { type: 'RequestTermination', data: terminationRequestedData({ requestedAt: 100, ...request }) };
      const revoked = () => decideTermination(command, graph).flatMap((e) => (e.type === 'SubjectRevoked' ? [e.data] : []));
      return {
        events: () => decideTermination(command, graph),
        revoked,
        // The receipt is computed once the kill is applied to the graph.
        summary: () => {
          const marks = revoked();
          marks.forEach((data) => sessionGraph.evolve(state, recorded({ type: 'SubjectRevoked', data }) as RecordedEvent));
          return summarizeTermination({ ...command.data, userId: 'alice' }, marks, graph);
        },
      };
    },
  };
}

const lineage = (sessions: string[] = [], agents: string[] = [], grants: string[] = []) => ({ sessions, agents, grants, deviceId: null });
const session = (id: string, parent: string | null = null, deviceId: string | null = null): DomainEvent =>
  sessionStarted({ sessionId: id, parentSessionId: parent, deviceId, authTime: 1, startedAt: 1, ancestors: parent ? [parent] : [] });
const grant = (id: string, sessionId: string, offlineAccess: boolean): DomainEvent => ({
  type: 'GrantIssued',
  data: {
    grantId: id,
    userId: 'alice',
    sessionId,
    agentId: null,
    clientId: 'c',
    offlineAccess,
    scope: null,
    issuedAt: 1,
    expiresAt: null,
    lineage: lineage([sessionId]),
  },
});
const token = (id: string, l: ReturnType<typeof lineage>, format: 'JWT' | 'REFERENCE' = 'JWT', issuedAt = 1): DomainEvent =>
  tokenMinted({
    tokenId: id,
    format,
    sessionId: l.sessions[0] ?? null,
    grantId: l.grants[0] ?? null,
    agentId: l.agents[0] ?? null,
    issuedAt,
    expiresAt: 1000,
    lineage: l,
  });
const revoked = (type: string, id: string, effect = 'REVOKED', extra = {}) =>
  expect.objectContaining({ subject: { type, id }, effect, ...extra });

describe('termination decider', () => {
  const graph = [
    session('s1'),
    session('s2'),
    grant('online', 's1', false),
    grant('offline', 's1', true),
    token('t1', lineage(['s1'])),
    token('t2', lineage(['s1'], [], ['online']), 'REFERENCE'),
  ];

  it('global revocation is one not-before event, whatever the number of tokens', () => {
    const revocations = given(graph)
      .when({ scope: 'GLOBAL_REVOCATION', target: { type: 'USER', id: 'alice' } })
      .revoked();
    expect(revocations).toEqual([revoked('USER', 'alice', 'NOT_BEFORE', { notBefore: 100 })]);
  });

  it('session-scoped revocation marks the root only; the receipt counts what it covered', () => {
    const when = given(graph).when({ scope: 'SESSION_SCOPED_REVOCATION', target: { type: 'SESSION', id: 's1' } });
    expect(when.events().map((e) => e.type)).toEqual(['TerminationRequested', 'SubjectRevoked']);
    const applied = when.summary();
    expect(applied.ended).toMatchObject({ sessionsRevoked: ['s1'], grants: ['online', 'offline'], tokens: 2 });
    expect(applied.residual.bearer).toEqual({ count: 1, latestExpiry: 1000 });
    expect(applied.noChange).toBe(false);
  });

  it('a second global revocation counts only what the first one left alive', () => {
    const first = subjectRevoked({ subject: { type: 'USER', id: 'alice' }, effect: 'NOT_BEFORE', notBefore: 50, at: 50 });
    const later = token('t3', lineage(['s2']), 'JWT', 60);
    const applied = given([...graph, first, later])
      .when({ scope: 'GLOBAL_REVOCATION', target: { type: 'USER', id: 'alice' } })
      .summary();
    expect(applied.ended.tokens).toBe(1);
  });

  it('re-applying to an already revoked node changes nothing', () => {
    const done = subjectRevoked({ subject: { type: 'SESSION', id: 's1' }, at: 50 });
    const when = given([...graph, done]).when({ scope: 'SESSION_SCOPED_REVOCATION', target: { type: 'SESSION', id: 's1' } });
    expect(when.revoked()).toEqual([]);
    expect(when.summary()).toMatchObject({ noChange: true, ended: { tokens: 0, sessionsRevoked: [] } });
  });

  it('back-channel style invalidation revokes the session’s online refresh tokens, not their grant, and keeps offline_access', () => {
    const refresh = (id: string, grantId: string): DomainEvent => ({
      ...tokenMinted({
        tokenId: id,
        format: 'REFERENCE',
        sessionId: 's1',
        grantId,
        issuedAt: 1,
        expiresAt: 1000,
        lineage: lineage(['s1'], [], [grantId]),
      }),
    });
    const withRefresh = [...graph, refresh('rt-online', 'online'), refresh('rt-offline', 'offline')].map((e) =>
      e.type === 'TokenMinted' && e.data.tokenId.startsWith('rt-') ? { ...e, data: { ...e.data, kind: 'REFRESH' as const } } : e,
    );
    const when = given(withRefresh).when({
      scope: 'SESSION_INVALIDATION',
      target: { type: 'SESSION', id: 's1' },
      revokeOnlineGrants: true,
    });
    expect(when.revoked()).toEqual([revoked('SESSION', 's1', 'INVALIDATED'), revoked('TOKEN', 'rt-online')]);
    // t2, an access token of the same online grant, is not named: it survives Session Invalidation.
    expect(when.summary().ended).toMatchObject({ sessionsInvalidated: ['s1'], grants: [], tokens: 1 });
  });

  it('user-level session-scoped revocation ends every session', () => {
    const revocations = given(graph)
      .when({ scope: 'SESSION_SCOPED_REVOCATION', target: { type: 'USER', id: 'alice' } })
      .revoked();
    expect(revocations).toEqual([revoked('SESSION', 's1'), revoked('SESSION', 's2')]);
  });

  it('refuses a scope that cannot take the target, and unknown targets', () => {
    expect(() =>
      given(graph)
        .when({ scope: 'GLOBAL_REVOCATION', target: { type: 'SESSION', id: 's1' } })
        .events(),
    ).toThrow(expect.objectContaining({ code: 'ERR_SCOPE_TARGET' }));
    expect(() =>
      given(graph)
        .when({ scope: 'SESSION_SCOPED_REVOCATION', target: { type: 'AGENT', id: 'nope' } })
        .events(),
    ).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_TARGET' }));
  });
});
